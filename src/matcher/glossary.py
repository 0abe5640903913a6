"""Field shorthand that practitioners type and small embedders do not know.

Officials write "THN + SBIRT in PHC" or "tx for ATS use d/o"; the catalogue spells these out. The
query keeps its own words and gains the spelled-out forms, so BM25 and the embedders both see
them. The table is data with provenance (`data/glossary.json`, checked by
`scripts/check_terms.py`); this module reads it and matches it. A short form matches only as a
whole token: not inside a longer word ("ATS" in "STATS"), and not when joined to one by "/", "&"
or "-" ("SUD" in "SCI-SUD"). Ambiguous short forms are matched exactly as written ("ED", not
"ed"); the entries marked `any_case` ("tx", "meth") in any case.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from matcher.errors import MatcherError

_BEFORE = r"(?<![\w/&-])"
_AFTER = r"(?![\w/&-])"


@dataclass(frozen=True)
class Abbreviation:
    """One short form and what it stands for."""

    short: str
    spelled_out: str
    any_case: bool
    source: str


@dataclass(frozen=True)
class Glossary:
    """The loaded table, compiled into one whole-token pattern."""

    entries: tuple[Abbreviation, ...]
    provenance: str
    pattern: re.Pattern[str] = field(repr=False, compare=False)
    lookup: dict[str, str] = field(repr=False, compare=False)
    """Exact short forms, and the lower-cased ones of `any_case` entries, -> spelled out."""

    def expansions_in(self, text: str) -> list[str]:
        """The spelled-out forms of the shorthand the text uses, once each, in text order."""
        found: dict[str, None] = {}
        for match in self.pattern.finditer(text):
            token = match.group(1)
            expansion = self.lookup.get(token) or self.lookup.get(token.lower())
            if expansion:
                found.setdefault(expansion, None)
        return list(found)


def _bad(path: str, what: str) -> MatcherError:
    return MatcherError(f"the term table {path} is malformed: {what}; fix the file or reinstall")


def glossary_from(data: object, path: str = "data/glossary.json") -> Glossary:
    """Validate and compile a glossary read from JSON (`path` only names it in errors)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise _bad(path, "it needs an object with an 'entries' list")
    if not isinstance(data.get("provenance"), str) or not data["provenance"].strip():
        raise _bad(path, "it needs a 'provenance' line")
    entries: list[Abbreviation] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["entries"]):
        if not isinstance(raw, dict):
            raise _bad(path, f"entry {i + 1} is not an object")
        short, long, any_case, source = (
            raw.get(k) for k in ("short", "long", "any_case", "source")
        )
        if not isinstance(short, str) or not short.strip() or short != short.strip():
            raise _bad(path, f"entry {i + 1} has no 'short' form (or one with spaces around it)")
        where = f"entry {i + 1} ({short!r})"
        if not isinstance(long, str) or not long.strip():
            raise _bad(path, f"{where} has no 'long' (spelled-out) form")
        if not isinstance(any_case, bool):
            raise _bad(path, f"{where} needs 'any_case': true or false")
        if any_case and short != short.lower():
            raise _bad(path, f"{where} is 'any_case' and must be written in lower case")
        if not isinstance(source, str) or not source.strip():
            raise _bad(path, f"{where} has no 'source' saying where it comes from")
        key = short.lower() if any_case else short
        if key in seen:
            raise _bad(path, f"{where} repeats a short form")
        seen.add(key)
        entries.append(Abbreviation(short, long, any_case, source))
    # longest first, so "clan labs" wins over "clan lab" and "dual dx" over its parts
    alternatives = [
        f"(?i:{re.escape(e.short)})" if e.any_case else re.escape(e.short)
        for e in sorted(entries, key=lambda e: len(e.short), reverse=True)
    ]
    pattern = re.compile(_BEFORE + "(" + "|".join(alternatives) + ")" + _AFTER)
    lookup = {(e.short.lower() if e.any_case else e.short): e.spelled_out for e in entries}
    return Glossary(tuple(entries), data["provenance"], pattern, lookup)


def load_glossary(path: Path | None = None) -> Glossary:
    """Read a glossary file (by default the packaged `data/glossary.json`)."""
    name = str(path) if path is not None else "data/glossary.json"
    try:
        if path is None:
            raw = resources.files("matcher").joinpath("data/glossary.json").read_text("utf-8")
        else:
            raw = path.read_text(encoding="utf-8")
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise MatcherError(f"the term table {name} is unreadable ({exc}); reinstall") from exc
    return glossary_from(data, name)


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The packaged glossary, read once."""
    return load_glossary()


def expand_abbreviations(text: str) -> str:
    """The text followed by the spelled-out forms of the shorthand it uses (unchanged if none)."""
    lowered = text.lower()
    # a spelled-out form the text already contains adds nothing
    found = [e for e in default_glossary().expansions_in(text) if e.lower() not in lowered]
    if not found:
        return text
    return f"{text} ({'; '.join(found)})"
