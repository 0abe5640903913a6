from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.brief.compose import why_passage
from matcher.brief.model import FORMATS, UNNAMED, BriefFormat
from matcher.brief.render import CSV_FIELDS, render, render_bytes
from matcher.catalogue.model import Corpus, Initiative
from matcher.errors import InputError
from matcher.facade import Matcher
from matcher.text import markdown_text


@pytest.fixture
def matcher(tmp_path: Path, mini_corpus, fake_encoders) -> Matcher:
    return Matcher.open(tmp_path / "index", corpus=mini_corpus, encoders=fake_encoders)


STATEMENT = "fentanyl in mail and express parcels; addiction treatment courses"


def test_json_brief_parses_back_grouped_by_organisation(matcher: Matcher) -> None:
    data = json.loads(render(matcher.brief(STATEMENT, k=3), "json"))
    assert [n["text"] for n in data["needs"]] == [
        "fentanyl in mail and express parcels",
        "addiction treatment courses",
    ]
    assert "WCO" in data["by_organization"]
    wco = data["by_organization"]["WCO"]
    assert wco[0]["id"] == "1204" and wco[0]["needs"] == ["fentanyl in mail and express parcels"]
    assert UNNAMED in data["by_organization"]  # 3200/3218 name no organisation


def test_csv_brief_parses_back(matcher: Matcher) -> None:
    rows = list(csv.DictReader(io.StringIO(render(matcher.brief(STATEMENT, k=3), "csv"))))
    assert rows[0]["organization"] == "WCO" and rows[0]["id"] == "1204"
    assert {r["id"] for r in rows} >= {"1204"}
    assert all(
        set(r)
        == {
            "organization",
            "id",
            "title",
            "sub_working_group",
            "match",
            "needs",
            "regions",
            "why",
            "requires",
            "partners",
            "gap",
        }
        for r in rows
    )


def test_csv_and_json_stay_english_in_every_language(matcher: Matcher) -> None:
    brief = matcher.brief(STATEMENT, k=3)
    for lang in ("es", "ar"):
        assert render(brief, "csv", lang) == render(brief, "csv")
        assert render(brief, "json", lang) == render(brief, "json")
    assert render(brief, "csv").splitlines()[0] == ",".join(CSV_FIELDS)


def test_markdown_brief_names_needs_and_contacts(matcher: Matcher) -> None:
    text = render(matcher.brief(STATEMENT, k=3), "md")
    assert text.startswith("# Country brief")
    assert "| fentanyl in mail and express parcels | Served | 1204 |" in text
    assert "### Need 1\\: fentanyl in mail and express parcels" in text
    assert "#### 1204\\: Mail Channel Component" in text
    assert "- **Organisation to contact:** WCO" in text


def test_shortlist_keeps_exactly_the_chosen_programmes(matcher: Matcher) -> None:
    brief = matcher.brief(STATEMENT, shortlist=["3218", "1101"])
    assert [i.id for i in brief.items] == ["3218", "1101"]
    with pytest.raises(InputError, match="no initiative with id '7777'"):
        matcher.brief(STATEMENT, shortlist=["7777"])


def test_unknown_format_and_binary_formats_as_text(matcher: Matcher) -> None:
    brief = matcher.brief(STATEMENT)
    with pytest.raises(ValueError, match="unknown brief format 'odt': choose one of md, csv"):
        render_bytes(brief, "odt")
    with pytest.raises(ValueError, match="pdf is a binary format: use render_bytes"):
        render(brief, "pdf")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        render_bytes(brief, "md", "de")


def test_render_bytes_gives_every_format_and_the_table_names_it(matcher: Matcher) -> None:
    brief = matcher.brief(STATEMENT, k=3)
    assert render_bytes(brief, "md", "en") == render(brief, "md", "en").encode("utf-8")
    assert render_bytes(brief, BriefFormat.DOCX).startswith(b"PK")  # a zip, as DOCX is
    assert FORMATS[BriefFormat.PDF].media_type == "application/pdf"
    assert {info.extension for info in FORMATS.values()} == {f.value for f in BriefFormat}
    assert [f for f, info in FORMATS.items() if info.binary] == [BriefFormat.DOCX, BriefFormat.PDF]


def test_a_shown_result_is_reused_when_it_holds_the_shortlist(matcher: Matcher) -> None:
    result = matcher.search(STATEMENT, k=3)
    shown = [m.id for m in result.results]
    brief = matcher.brief(STATEMENT, shortlist=shown[:2], result=result)
    assert [i.id for i in brief.items] == shown[:2]
    outside = next(i for i in matcher.corpus.ids if i not in shown)
    brief = matcher.brief(STATEMENT, shortlist=[outside], result=result)  # searched again
    assert [i.id for i in brief.items] == [outside]


def test_csv_brief_neutralises_formulas_from_the_statement(matcher: Matcher) -> None:
    statement = "+cmd|' /C calc'!A0 forensic lab; @SUM(1+1) yacht insurance fraud"
    brief = matcher.brief(statement, k=3, needs=['=HYPERLINK("http://x")', "@SUM(1+1)"])
    rows = list(csv.DictReader(io.StringIO(render(brief, "csv"))))
    cells = [value for row in rows for value in row.values() if value]
    assert cells and not any(value.startswith(("=", "+", "@")) for value in cells)


def test_markdown_brief_shows_the_statement_as_text(matcher: Matcher) -> None:
    brief = matcher.brief("![x](http://host/x.png) **forensic lab**", k=3)
    text = render(brief, "md")
    assert "![x](http" not in text and "**forensic" not in text
    assert r"\!\[x\]" in text


def test_the_brief_speaks_the_statements_language_unless_told(matcher: Matcher) -> None:
    brief = matcher.brief("no tenemos sistema de alerta temprana para las nuevas drogas", k=2)
    assert brief.language() == "es"
    spanish = render(brief, "md")
    assert spanish.startswith("# Informe de país") and "## Lo que pidió el país" in spanish
    assert "> no tenemos sistema de alerta temprana" in spanish  # the statement as written
    assert render(brief, "md", "en").startswith("# Country brief")


def test_needs_carry_their_status_and_the_brief_its_catalogue(matcher: Matcher) -> None:
    brief = matcher.brief(STATEMENT + "; insurance for yachts against hail", k=3)
    data = json.loads(render(brief, "json"))
    status = {n["text"]: n["status"] for n in data["needs"]}
    assert status["fentanyl in mail and express parcels"] == "served"
    assert data["gaps"] and [t for t, s in status.items() if s == "gap"] == data["gaps"]
    assert data["catalogue"]["corpus_hash"] == matcher.corpus.content_hash
    assert data["catalogue"]["initiatives"] == len(matcher.corpus)
    assert set(data["context"]) == {"places", "actors", "existing"}
    text = render(brief, "md")
    assert f"catalogue version {matcher.corpus.content_hash}" in text
    gaps_section = text.split("## Gaps")[1].split("## ")[0]
    assert all(f"- {markdown_text(gap)}" in gaps_section for gap in data["gaps"])


CONDITIONS = (
    "Courses on the treatment of addiction for clinic staff.\n"
    "Prerequisite for Participation:\n"
    "- five years of clinical practice\n"
    "- an endorsement letter from the institution\n"
    "Possible partners: Member States and research institutes"
)


def test_what_joining_requires_is_quoted_where_the_page_says_so(
    tmp_path: Path, fake_encoders
) -> None:
    corpus = Corpus(
        (
            Initiative("3300", "Addiction courses", "3.2", "Treatment", 3, CONDITIONS),
            Initiative("3301", "Prison health", "3.2", "Treatment", 3, "Health care in prisons."),
        )
    )
    matcher = Matcher.open(tmp_path / "index", corpus=corpus, encoders=fake_encoders)
    brief = matcher.brief("addiction treatment courses", shortlist=["3300", "3301"])
    first, second = brief.items
    assert first.requires == (
        "five years of clinical practice",
        "an endorsement letter from the institution",
    )
    assert first.partners == ("Member States and research institutes",)
    assert second.requires == () and second.partners == ()
    text = render(brief, "md", "pt")
    assert "- **Requisitos para participar:**\n  - five years of clinical practice" in text
    assert "- **Possíveis parceiros:** Member States and research institutes" in text
    assert text.count("Requisitos para participar") == 1  # not for the page that says nothing


def test_every_format_takes_text_no_file_can_hold(matcher: Matcher) -> None:
    brief = replace(
        matcher.brief(STATEMENT, k=2), statement="fentanyl \x00 \ud800", gaps=("lab\x0b",)
    )
    for fmt in BriefFormat:
        assert render_bytes(brief, fmt, "ar")
    assert json.loads(render_bytes(brief, "json"))["statement"] == "fentanyl \x00 ?"


@pytest.mark.parametrize(
    ("passage", "cut"),
    [
        ("One sentence. Two sentences.", "One sentence. Two sentences."),
        ("First part here. " + "x" * 40 + " words. Third.", "First part here. …"),
        ("word " * 20, "word word word word word word word word word…"),
    ],
)
def test_the_why_passage_is_cut_between_sentences(passage: str, cut: str) -> None:
    assert why_passage(passage, limit=50) == cut
    assert len(why_passage(passage, limit=50)) <= 50
