"""The place names table: made from today's data, read back as the gazetteer built in memory,
and refused (the gazetteer built instead) when stale or missing."""

from __future__ import annotations

import json
import stat
import warnings
from pathlib import Path

import pytest

from matcher.reading import place_names
from matcher.reading.gazetteer import Case, Gazetteer, Name
from matcher.reading.place_names import (
    Candidate,
    build_place_gazetteer,
    place_gazetteer,
    sources_hash,
    table_status,
    write_table,
)


def _filed(gaz: Gazetteer[Candidate]) -> dict[str, list[tuple[tuple[str, ...], Name[Candidate]]]]:
    out: dict[str, list[tuple[tuple[str, ...], Name[Candidate]]]] = {}
    for keys, name in gaz.names():
        out.setdefault(keys[0], []).append((keys, name))
    return out


def test_the_shipped_table_was_made_from_todays_data_and_rules() -> None:
    # fails after an edit to regions.json, countries.json, country_aliases.json, places.json,
    # gazetteer.py or place_names.py: the message says what to run
    assert table_status() == ""


def test_the_table_reads_back_as_the_gazetteer_built_in_memory() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # read from the table, not built again
        read = place_gazetteer()
    built = build_place_gazetteer()
    assert read.size == built.size > 30_000
    # every name under the same keys, with the same value, words, case rule, in the same order
    assert _filed(read) == _filed(built)


def _tiny() -> Gazetteer[Candidate]:
    gaz: Gazetteer[Candidate] = Gazetteer()
    gaz.add("Kenya", Candidate("country", "KEN", 0), Case.CAPITALISED)
    gaz.add("Кения", Candidate("country", "KEN", 0))
    return gaz


def test_a_written_table_records_its_sources_and_reads_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(place_names, "build_place_gazetteer", _tiny)
    path = tmp_path / "place_names.json"
    assert write_table(path) == 5  # Kenya; Кения, Кении, Кению, Кенией
    table = json.loads(path.read_text("utf-8"))
    assert table["sources_sha256"] == sources_hash() and table["size"] == 5
    assert table["names"]["kenya"] == ["Kenya|capitalised||country|KEN|0"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["place_names.json"]  # no temporary left
    read = Gazetteer.from_rows(table["names"], place_names._decode)
    assert _filed(read) == _filed(_tiny())


def test_a_stale_table_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(place_names, "sources_hash", lambda: "0" * 64)
    monkeypatch.setattr(place_names, "build_place_gazetteer", _tiny)
    assert "run `python scripts/make_country_table.py --names-only`" in table_status()
    with pytest.warns(UserWarning, match="hashing to .*building the place names in memory"):
        gaz = place_gazetteer()
    assert gaz.size == 5  # built from the data as they stand


def test_a_missing_table_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(place_names, "TABLE", "no_such_table.json")
    monkeypatch.setattr(place_names, "build_place_gazetteer", _tiny)
    assert table_status().startswith("data/no_such_table.json is missing")
    with pytest.warns(UserWarning, match="missing"):
        assert place_gazetteer().size == 5
