from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.errors import MatcherError
from matcher.glossary import default_glossary, expand_abbreviations, load_glossary
from matcher.lexical import analyze, stopword_stems

CATALOGUE = Path(__file__).resolve().parents[1] / "corpus" / "initiatives.jsonl"


def test_abbreviations_are_spelled_out_once() -> None:
    assert expand_abbreviations("THN + SBIRT in PHC") == (
        "THN + SBIRT in PHC (take-home naloxone overdose; screening brief intervention and "
        "referral to treatment; primary health care)"
    )
    assert expand_abbreviations("no shorthand here") == "no shorthand here"
    assert expand_abbreviations("ED ed") == "ED ed (emergency department)"  # capitals only


def test_any_case_shorthand_matches_in_any_case() -> None:
    for text in ("tx gaps", "Tx gaps", "TX gaps"):
        assert expand_abbreviations(text) == f"{text} (treatment)"


def test_a_spelled_out_form_already_written_is_not_added_again() -> None:
    assert expand_abbreviations("NPS (new psychoactive substances)") == (
        "NPS (new psychoactive substances)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "STATS on CATS",  # ATS
        "LEAD and BLEACH",  # LEA
        "EDUCATION",  # ED
        "detox programmes",  # tox
        "a new method",  # meth
        "chemistry teachers",  # chem
        "intelligence-led policing",  # intel
        "rehabilitation centres",  # rehab
        "unit K90",  # K9
        "TBD",  # TB was removed, but a token starting with a key must not fire either
    ],
)
def test_shorthand_inside_a_longer_word_does_not_fire(text: str) -> None:
    assert expand_abbreviations(text) == text


def test_a_short_form_joined_by_a_hyphen_is_part_of_the_longer_one() -> None:
    assert default_glossary().expansions_in("SCI-SUD") == [
        "service capacity index for substance use disorders"
    ]
    assert default_glossary().expansions_in("SUD services") == ["substance use disorder"]


@pytest.mark.parametrize(
    "text",
    [
        "le programme couvre le sud du pays",  # fr: le, sud (LE, SUD)
        "Mi ministerio necesita apoyo",  # es: mi (MI)
        "je te dis que le toc est fréquent",  # fr: dis, toc (DIS, TOC)
        "er hat es gesagt",  # de: er (ER)
    ],
)
def test_a_common_word_of_another_language_does_not_fire(text: str) -> None:
    assert expand_abbreviations(text) == text


def test_ambiguous_or_empty_shorthand_was_removed() -> None:
    shorts = {e.short for e in default_glossary().entries}
    assert not {"EMS", "HIV", "w/", "dx", "TB", "HCV", "Tx"} & shorts
    assert expand_abbreviations("EMS response times") == "EMS response times"


@pytest.fixture(scope="module")
def catalogue_stems() -> set[str]:
    rows = [json.loads(line) for line in CATALOGUE.read_text(encoding="utf-8").splitlines()]
    return {t for row in rows for t in analyze(f"{row['title']} {row['text']}")}


@pytest.mark.parametrize("short", [e.short for e in default_glossary().entries])
def test_every_spelled_out_form_has_a_word_the_catalogue_uses(
    short: str, catalogue_stems: set[str]
) -> None:
    entry = next(e for e in default_glossary().entries if e.short == short)
    words = [w for w in analyze(entry.spelled_out) if w not in stopword_stems()]
    assert set(words) & catalogue_stems


def test_every_entry_has_a_source() -> None:
    entries = default_glossary().entries
    assert entries
    assert all(e.source.strip() for e in entries)


GOOD = {"short": "K9", "long": "canine", "any_case": False, "source": "test"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[", "unreadable"),
        (json.dumps({"provenance": "p", "entries": {}}), "'entries' list"),
        (json.dumps({"entries": [GOOD]}), "'provenance'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "source": " "}]}), "no 'source'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "long": ""}]}), "no 'long'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "short": " K9"}]}), "no 'short'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "any_case": "no"}]}), "any_case"),
        (
            json.dumps({"provenance": "p", "entries": [{**GOOD, "any_case": True}]}),
            "lower case",
        ),
        (json.dumps({"provenance": "p", "entries": [GOOD, GOOD]}), "repeats"),
    ],
)
def test_loader_rejects_a_malformed_table(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "glossary.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MatcherError, match=message) as caught:
        load_glossary(path)
    assert str(path) in str(caught.value)


def test_loader_reads_a_written_table(tmp_path: Path) -> None:
    path = tmp_path / "glossary.json"
    entries = [
        GOOD,
        {"short": "clan lab", "long": "clandestine laboratory", "any_case": True, "source": "test"},
    ]
    path.write_text(
        json.dumps({"provenance": "written for this test", "entries": entries}), encoding="utf-8"
    )
    glossary = load_glossary(path)
    assert glossary.expansions_in("K9 units at a Clan Lab; k9") == [
        "canine",
        "clandestine laboratory",
    ]
