from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from matcher.brief import UNNAMED, render
from matcher.engine import Matcher
from matcher.errors import InputError


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
            "gap",
        }
        for r in rows
    )


def test_markdown_brief_names_needs_and_contacts(matcher: Matcher) -> None:
    text = render(matcher.brief(STATEMENT, k=3), "md")
    assert text.startswith("# Country brief")
    assert "- fentanyl in mail and express parcels: served by 1204" in text
    assert "### WCO" in text


def test_shortlist_keeps_exactly_the_chosen_programmes(matcher: Matcher) -> None:
    brief = matcher.brief(STATEMENT, shortlist=["3218", "1101"])
    assert [i.id for i in brief.items] == ["3218", "1101"]
    with pytest.raises(InputError, match="no initiative with id '7777'"):
        matcher.brief(STATEMENT, shortlist=["7777"])


def test_unknown_format(matcher: Matcher) -> None:
    with pytest.raises(ValueError):
        render(matcher.brief(STATEMENT), "pdf")


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
    brief = matcher.brief(statement, k=3, needs=["=HYPERLINK(\"http://x\")", "@SUM(1+1)"])
    rows = list(csv.DictReader(io.StringIO(render(brief, "csv"))))
    cells = [value for row in rows for value in row.values() if value]
    assert cells and not any(value.startswith(("=", "+", "@")) for value in cells)


def test_markdown_brief_shows_the_statement_as_text(matcher: Matcher) -> None:
    brief = matcher.brief("![x](http://host/x.png) **forensic lab**", k=3)
    text = render(brief, "md")
    assert "![x](http" not in text and "**forensic" not in text
    assert r"\!\[x\]" in text
