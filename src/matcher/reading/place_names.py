"""The place gazetteer: every name of a region, country, city or province as the reader matches
it, each with the place it stands for.

It is made from four tables of `data/` (regions.json, countries.json, country_aliases.json,
places.json): ~24,000 names, folded, cut into words and declined in Russian, which takes over a
second. So `scripts/make_country_table.py` writes the result to `data/place_names.json`, with a
hash of what it was made from (those four files, this module and `matcher.gazetteer`, which hold
the rules, and the Unicode version, on which folding depends), and the reader loads that in a few
hundredths of a second. When the hash does not match (someone edited country_aliases.json and did
not regenerate) or the file is missing, the gazetteer is built from the tables as they stand, with
a warning: results are always those of the data, only slower; tests/test_place_names.py fails
until the table is written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from matcher.reading.gazetteer import Case, Gazetteer, arabic_adjectives, is_arabic
from matcher.reading.gazetteer import fold as _fold

SCHEMA = 1
TABLE = "place_names.json"
SOURCES = (
    "data/regions.json",
    "data/countries.json",
    "data/country_aliases.json",
    "data/places.json",
    "reading/gazetteer.py",
    "reading/place_names.py",
)
REGENERATE = "python scripts/make_country_table.py --names-only"

RANKS = {"region": 0, "country": 0, "adjective": 1, "capital": 2, "subdivision": 3, "city": 4}


@dataclass(frozen=True)
class Candidate:
    """A place a name may stand for."""

    kind: str  # region, country, adjective, capital, subdivision, city, code
    target: str  # a region's name or a country's ISO3
    rank: int  # lower wins when nothing else in the text decides


def read_data(name: str) -> Any:
    """A JSON file of `data/`."""
    return json.loads(resources.files("matcher").joinpath(f"data/{name}").read_text("utf-8"))


def _alias(entry: str | dict[str, Any]) -> tuple[str, Case, tuple[str, ...]]:
    if isinstance(entry, str):
        return entry, Case.ANY, ()
    return entry["text"], Case(entry.get("case", "any")), tuple(entry.get("not_followed_by", ()))


def build_place_gazetteer() -> Gazetteer[Candidate]:
    """The gazetteer made from the tables of `data/` as they stand (over a second)."""
    gaz: Gazetteer[Candidate] = Gazetteer()
    for region, row in read_data("regions.json")["regions"].items():
        for names in row["aliases"].values():
            for entry in names:
                text, case, not_followed = _alias(entry)
                gaz.add(text, Candidate("region", region, 0), case, not_followed_by=not_followed)
    aliases = read_data("country_aliases.json")
    homographs = aliases["homographs"]
    capitalised, proper = set(homographs["capitalised"]), set(homographs["proper"])
    dropped = set(homographs["dropped"])

    def case_of(name: str, default: Case = Case.ANY) -> Case:
        if name in proper:
            return Case.PROPER
        return Case.CAPITALISED if name in capitalised else default

    countries: dict[str, dict[str, Any]] = read_data("countries.json")
    for iso3, row in countries.items():
        for name in row["names"]:
            name = str(name)
            if name in dropped:
                continue
            if name.isupper():
                case = Case.EXACT  # an abbreviation ("USA", not the Spanish "usa", uses)
            elif len(_fold(name)) < 4:
                case = Case.CAPITALISED  # a short name ("Lao") risks an ordinary word
            else:
                case = case_of(name)
            gaz.add(name, Candidate("country", iso3, 0), case)
            if is_arabic(name):
                for adjective in sorted(arabic_adjectives(name)):  # a set: fix the order
                    gaz.add(adjective, Candidate("adjective", iso3, 1))
        for adjective in row.get("adjectives", ()):
            gaz.add(str(adjective), Candidate("adjective", iso3, 1), Case.CAPITALISED)
    for extra in aliases["names"]:
        for entry in extra["names"]:
            text, case, _ = _alias(entry)
            gaz.add(text, Candidate("country", extra["country"], 0), case_of(text, case))
    for place in read_data("places.json"):
        kind = "city" if place["kind"] == "city" else str(place["kind"])
        common = set(place["common"])
        for name in place["names"]:
            if name in dropped:
                continue
            case = Case.PROPER if name in common else Case.CAPITALISED
            gaz.add(name, Candidate(kind, place["country"], RANKS[kind]), case)
    return gaz


def sources_hash() -> str | None:
    """SHA-256 of what the table is made from (None when a source cannot be read, as in a
    package installed without its .py files)."""
    digest = hashlib.sha256(f"schema {SCHEMA}; unicode {unicodedata.unidata_version}".encode())
    package = resources.files("matcher")
    for name in SOURCES:
        try:
            content = package.joinpath(name).read_bytes()
        except OSError:
            return None
        # a checkout with Windows line endings holds the same rules
        digest.update(f"\n{name}\n".encode() + content.replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def _encode(candidate: Candidate) -> str:
    return f"{candidate.kind}|{candidate.target}|{candidate.rank}"


def _decode(text: str) -> Candidate:
    kind, target, rank = text.split("|")
    return Candidate(kind, target, int(rank))


def write_table(path: Path) -> int:
    """Build the gazetteer from `data/` and write it to `path` for `place_gazetteer`; the
    number of names written. The file is written beside and renamed into place."""
    import tempfile  # only the writer needs it: 5 ms of every start otherwise

    gaz = build_place_gazetteer()
    table = {
        "about": (
            "Every name the place reader matches, by the lookup key of its first word: "
            "words as written|case|not followed by|kind|country ISO3 or region|rank. "
            f"Generated from {', '.join(SOURCES)} by scripts/make_country_table.py; do not edit: "
            f"after editing those, run `{REGENERATE}`."
        ),
        "schema": SCHEMA,
        "sources_sha256": sources_hash(),
        "unicode": unicodedata.unidata_version,
        "size": gaz.size,
        "names": gaz.write_rows(_encode),
    }
    text = json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide package data from other users
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return gaz.size


def table_status() -> str:
    """Empty when data/place_names.json is there and made from today's sources; otherwise what
    is wrong and what to do."""
    return _read_table()[1]


def place_gazetteer() -> Gazetteer[Candidate]:
    """The place gazetteer: read from data/place_names.json when it was made from today's
    sources, built from them otherwise (with a warning that says how to regenerate)."""
    table, problem = _read_table()
    if table is not None:
        return Gazetteer.from_rows(table["names"], _decode)
    warnings.warn(f"{problem}; building the place names in memory (slow)", stacklevel=2)
    return build_place_gazetteer()


def _read_table() -> tuple[dict[str, Any] | None, str]:
    """The table of data/, or None and why it cannot be used."""
    try:
        raw = resources.files("matcher").joinpath(f"data/{TABLE}").read_text("utf-8")
    except OSError:
        return None, f"data/{TABLE} is missing; run `{REGENERATE}`"
    try:
        table = json.loads(raw)
        found = table["sources_sha256"]
    except (ValueError, KeyError, TypeError):
        return None, f"data/{TABLE} cannot be read (a merge conflict?); run `{REGENERATE}`"
    today = sources_hash()
    if today is None:
        return None, f"the sources of data/{TABLE} cannot be read to check it against"
    if found != today:
        return None, (
            f"data/{TABLE} was made from sources hashing to {str(found)[:12]}..., today's "
            f"sources hash to {today[:12]}... (a table or rule edited since); run `{REGENERATE}`"
        )
    return table, ""
