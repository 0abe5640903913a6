"""The opt-in demand record: nothing written while off; two searches (one with a gap) in
`matcher demand --json` while on; `--forget`; `GET /demand` behind the token; the grouping."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import matcher.facade
import matcher.search.encoders
from matcher.api.app import create_app
from matcher.api.config import ServerSettings
from matcher.api.run import open_live
from matcher.cli import main
from matcher.demand import DemandSearch, DemandStore, demand_picture, group_needs
from matcher.demand.store import DB_NAME, DemandNeed
from tests.conftest import DATA, HashingEncoder

SERVED = "We need training for customs units on fentanyl in mail and express parcels."
WITH_GAP = (
    "We need detection of fentanyl in mail parcels. We need zebra xylophone quilting lessons."
)
TOKEN = "demand-token-for-tests"


def fakes(*_: object) -> dict[str, HashingEncoder]:
    return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI over the mini catalogue; returns where the demand file would be."""
    monkeypatch.setenv("MATCHER_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("MATCHER_CORPUS", str(DATA / "mini.jsonl"))
    monkeypatch.delenv("MATCHER_DEMAND", raising=False)
    monkeypatch.delenv("MATCHER_REVIEWS_DIR", raising=False)
    monkeypatch.setattr(matcher.facade, "default_encoders", fakes)
    monkeypatch.setattr(matcher.search.encoders, "default_encoders", fakes)
    return tmp_path / "reviews" / DB_NAME


def _demand(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert main(["demand", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_recording_off_writes_nothing(env: Path, capsys) -> None:
    assert main(["search", SERVED, "--json"]) == 0
    assert main(["search", WITH_GAP]) == 0
    assert not env.exists() and not env.parent.exists()
    assert _demand(capsys)["searches"] == 0
    assert main(["demand", "--forget"]) == 0
    assert "deleted 0" in capsys.readouterr().out
    assert not env.parent.exists()  # reporting and forgetting create nothing either


def test_two_searches_one_with_a_gap_then_forget(
    env: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHER_DEMAND", "on")
    assert main(["search", SERVED, "--json"]) == 0
    served = json.loads(capsys.readouterr().out)
    assert main(["search", WITH_GAP, "--json"]) == 0
    gap_result = json.loads(capsys.readouterr().out)
    assert gap_result["gaps"], "the fixture statement must read a gap"
    picture = _demand(capsys)
    assert picture["searches"] == 2
    asked = {text for g in picture["most_asked"] for text in g["texts"]}
    assert {n["text"] for n in served["needs"] + gap_result["needs"]} <= asked
    by_region = {r["region"]: r for r in picture["by_region"]}
    assert sum(r["searches"] for r in by_region.values()) == 2
    gaps = [g["label"] for r in picture["by_region"] for g in r["gaps"]]
    assert gap_result["gaps"][0] in gaps
    matched = {p["id"] for p in picture["most_matched"]}
    assert set(served["needs"][0]["results"]) <= matched
    assert main(["demand", "--csv"]) == 0
    assert capsys.readouterr().out.startswith("section,region,label,count,ids")
    assert main(["demand", "--forget"]) == 0
    assert "deleted 2 recorded searches" in capsys.readouterr().out
    assert _demand(capsys)["searches"] == 0


def test_record_flag_records_one_cli_search(env: Path, capsys) -> None:
    assert main(["search", SERVED, "--record"]) == 0
    assert main(["search", SERVED]) == 0
    assert _demand(capsys)["searches"] == 1


def test_only_what_was_asked_is_kept(env: Path) -> None:
    assert main(["search", SERVED, "--record", "--json"]) == 0
    import sqlite3

    with sqlite3.connect(env) as conn:
        columns = {
            table: [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for table in ("searches", "needs")
        }
    assert columns == {
        "searches": ["id", "at", "country", "region"],
        "needs": ["search_id", "text", "status", "ids"],
    }


def test_forget_before_a_day_and_since(tmp_path: Path) -> None:
    store = DemandStore(tmp_path)
    need = DemandNeed("forensic laboratory", "gap", ())
    for at in ("2026-01-05T10:00:00+00:00", "2026-03-01T10:00:00+00:00"):
        store.record(DemandSearch(at, "Ghana", "Africa", (need,)))
    assert len(store.searches("2026-02-01T00:00:00+00:00")) == 1
    assert store.forget("2026-02-01T00:00:00+00:00") == 1
    assert [s.at for s in store.searches()] == ["2026-03-01T10:00:00+00:00"]


def test_bad_values_are_one_line_errors(env: Path, capsys, monkeypatch) -> None:
    assert main(["demand", "--since", "last week"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["demand", "--before", "2026-01-01"]) == 2
    monkeypatch.setenv("MATCHER_DEMAND", "maybe")
    assert main(["search", SERVED]) == 2
    assert "MATCHER_DEMAND must be on or off" in capsys.readouterr().err
    assert not env.exists()


def test_needs_read_alike_are_one_group() -> None:
    groups = group_needs(
        [
            "forensic laboratory for synthetic drugs",
            "a forensic laboratory for synthetic drug",
            "forensic laboratory for synthetic drugs",
            "detector dogs at the airport",
        ],
        [("2103",), ("2103",), (), ("1209",)],
    )
    assert [(g.label, g.count, g.programmes) for g in groups] == [
        ("forensic laboratory for synthetic drugs", 3, ("2103",)),
        ("detector dogs at the airport", 1, ("1209",)),
    ]


def test_a_gap_recurs_when_asked_twice() -> None:
    gap = DemandNeed("zebra quilting lessons", "gap", ())
    searches = [
        DemandSearch("2026-01-01T00:00:00+00:00", "", "Africa", (gap,)),
        DemandSearch(
            "2026-01-02T00:00:00+00:00", "", "", (gap, DemandNeed("dogs", "served", ("1209",)))
        ),
    ]
    picture = demand_picture(searches, {"1209": "Canine Forces Component"})
    assert [(g.label, g.count) for g in picture.recurring_gaps] == [("zebra quilting lessons", 2)]
    assert [(p.id, p.title, p.count) for p in picture.most_matched] == [
        ("1209", "Canine Forces Component", 1)
    ]
    assert [r.region for r in picture.by_region] == ["Africa", "not read"]


@pytest.mark.parametrize("on", [False, True])
def test_api_records_only_when_on_and_guards_the_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on: bool
) -> None:
    corpus = tmp_path / "catalogue.jsonl"
    shutil.copy(DATA / "mini.jsonl", corpus)
    monkeypatch.setattr(matcher.facade, "default_encoders", fakes)
    monkeypatch.setattr(matcher.search.encoders, "default_encoders", fakes)
    monkeypatch.setenv("MATCHER_DEMAND", "on" if on else "off")
    live = open_live(tmp_path / "index", corpus)
    client = TestClient(create_app(live, ServerSettings(token=TOKEN)))
    assert client.post("/search", json={"query": WITH_GAP}).status_code == 200
    assert (tmp_path / "reviews" / DB_NAME).exists() is on
    assert client.get("/demand").status_code == 401
    answer = client.get("/demand", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.json()["searches"] == (1 if on else 0)
    bad = client.get("/demand?since=yesterday", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 422 and set(bad.json()) == {"error", "code"}
    closed = TestClient(create_app(live, ServerSettings()))
    assert closed.get("/demand").status_code == 403
