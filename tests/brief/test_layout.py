from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.brief.layout import (
    Bullets,
    Fields,
    Heading,
    PageBreak,
    Paragraph,
    Style,
    Table,
    lay_out,
    reads_right_to_left,
)
from matcher.i18n.messages import LANGUAGES, _catalog, untranslated
from tests.brief.fixture import PROGRAMME_IDS, three_need_brief

ROOT = Path(__file__).resolve().parents[2]
BRIEF_MODULES = (ROOT / "src/matcher/brief/layout.py", ROOT / "app_pages/downloads.py")


def _msgids(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            assert node.args and isinstance(node.args[0], ast.Constant), (
                f"{path.name}:{node.lineno}: _() needs a literal message"
            )
            found.add(node.args[0].value)
    return found


def test_every_brief_message_is_translated() -> None:
    assert untranslated("brief") == []


def test_every_message_the_code_uses_is_in_the_english_catalogue_and_no_other() -> None:
    used = set().union(*(_msgids(path) for path in BRIEF_MODULES))
    english = _catalog("en", "brief")
    assert english is not None
    listed = {m.id for m in english if m.id}
    assert used - listed == set(), "add these to locale/*/brief.po"
    assert listed - used == set(), "these catalogue entries are no longer used"


def test_summary_then_programmes_under_each_need_in_the_statements_order() -> None:
    doc = lay_out(three_need_brief(), "en")
    assert PageBreak not in [type(b) for b in doc.blocks]  # page one is not left half empty
    cut = doc.blocks.index(Heading("Programmes, by need", 2))
    summary, programmes = doc.blocks[:cut], doc.blocks[cut + 1 :]
    headings = [b.text for b in summary if isinstance(b, Heading)]
    assert headings == ["What the country asked for", "What we read", "Gaps", "At a glance"]
    table = next(b for b in summary if isinstance(b, Table))
    assert table.rows == (
        ("fentanyl in parcels", "Served", "1204, 1209"),
        ("yacht insurance", "Gap: nothing in the catalogue", "—"),
        ("no forensic lab", "Offered only to other regions", "2103"),
    )
    assert (
        Paragraph("fentanyl in parcels; no forensic lab; yacht insurance", Style.QUOTE) in summary
    )
    assert Bullets(("yacht insurance",)) in summary
    assert Fields((("Places named", ("Pacific",)), ("Who is asking", ("customs",)))) in summary
    # the statement says parcels, then the lab, then yachts: the needs come in that order
    needs = [b.text for b in programmes if isinstance(b, Heading) and b.level == 3]
    assert needs == [
        "Need 1: fentanyl in parcels",
        "Need 2: no forensic lab",
        "Need 3: yacht insurance",
        "Other programmes for the statement",
    ]
    at = {b.text: i for i, b in enumerate(programmes) if isinstance(b, Heading)}
    gap = programmes[at["Need 3: yacht insurance"] + 1]
    assert gap == Paragraph("Nothing in the catalogue serves this need.")  # in its place
    titles = [b.text for b in programmes if isinstance(b, Heading) and b.level == 4]
    assert [t.split(":")[0] for t in titles] == ["1204", "1209", "2103", "3200"]
    assert sorted(t.split(":")[0] for t in titles) == sorted(PROGRAMME_IDS)


def test_a_programme_serving_two_needs_is_shown_once_and_named_again() -> None:
    brief = three_need_brief()
    both = replace(brief.items[0], needs=("fentanyl in parcels", "no forensic lab"))
    doc = lay_out(replace(brief, items=(both, *brief.items[1:])), "en")
    titles = [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 4]
    assert titles.count("1204: Mail Channel Component") == 1
    assert Paragraph("Also listed above: 1204: Mail Channel Component") in doc.blocks


def test_who_is_asking_is_in_the_briefs_language() -> None:
    doc = lay_out(three_need_brief(), "es")
    assert Fields((("Lugares mencionados", ("Pacific",)), ("Quién lo pide", ("aduanas",)))) in (
        doc.blocks
    )


def test_a_programme_shows_its_limits_and_what_joining_requires() -> None:
    doc = lay_out(three_need_brief(), "en")
    details = [
        b for b in doc.blocks if isinstance(b, Fields) and b.rows[0][0] == "Organisation to contact"
    ]
    wco, cicad = dict(details[0].rows), dict(details[2].rows)
    assert cicad["Organisation to contact"] == ("OAS/CICAD",)
    assert cicad["Region limits"] == ("Americas",)
    assert cicad["What joining requires"] == ("five years of practice", "a letter of intent")
    assert cicad["Possible partners"] == ("Member States",)
    assert wco["Match"] == ("Strong",) and wco["Region limits"] == ("Open to every region",)
    assert "What joining requires" not in wco


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_fixed_words_change_with_the_language_and_catalogue_text_does_not(lang: str) -> None:
    english, other = lay_out(three_need_brief(), "en"), lay_out(three_need_brief(), lang)
    assert other.title != english.title
    assert [type(b) for b in other.blocks] == [type(b) for b in english.blocks]
    heads = [b.text for b in other.blocks if isinstance(b, Heading) and b.level == 4]
    assert heads == [b.text for b in english.blocks if isinstance(b, Heading) and b.level == 4]
    assert other.rtl is (lang == "ar")


def test_right_to_left_text_is_told_apart() -> None:
    assert reads_right_to_left("موجز البلد")
    assert not reads_right_to_left("1204: Mail Channel Component")
    assert not reads_right_to_left("Справка")


def test_control_characters_and_lone_surrogates_never_reach_a_document() -> None:
    brief = replace(
        three_need_brief("fentanyl \x00 in \x1b[2J parcels \ud800"),
        gaps=("yacht\x0c insurance",),
    )
    doc = lay_out(brief, "en")
    texts = [doc.title]
    for block in doc.blocks:
        if isinstance(block, Heading | Paragraph):
            texts.append(block.text)
        elif isinstance(block, Bullets):
            texts += block.items
        elif isinstance(block, Fields):
            texts += [v for _, values in block.rows for v in values]
        elif isinstance(block, Table):
            texts += [c for row in block.rows for c in row]
    assert "fentanyl   in  [2J parcels  " in texts and "yacht  insurance" in texts
    assert all(ch.isprintable() for text in texts for ch in text)


def test_a_latin_title_in_an_arabic_sentence_keeps_its_isolates() -> None:
    brief = three_need_brief()
    both = replace(brief.items[0], needs=("fentanyl in parcels", "no forensic lab"))
    doc = lay_out(replace(brief, items=(both, *brief.items[1:])), "ar")
    again = [b.text for b in doc.blocks if isinstance(b, Paragraph) and "1204" in b.text]
    assert again and all("\u20681204: Mail Channel Component\u2069" in t for t in again)


def test_an_out_of_scope_need_is_said_unserved_in_its_place() -> None:
    brief = three_need_brief()
    needs = (*brief.needs[:1], brief.needs[1]._replace(status="out-of-scope"), brief.needs[2])
    doc = lay_out(replace(brief, needs=needs), "en")
    at = doc.blocks.index(Heading("Need 3: yacht insurance", 3))
    assert doc.blocks[at + 1] == Paragraph("Nothing in the catalogue serves this need.")
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.rows[1][1] == "Out of scope: nothing in the catalogue"
