"""Cue-word tables for reading statements (data/reading_cues.json, data/actors.json).

The tables are data with provenance; this module holds the matching: word boundaries after
accent folding, never substrings. An entry ending in ``*`` is a stem that takes endings; Arabic
entries also match with one attached conjunction or preposition (و ف ب ل).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from matcher.errors import MatcherError
from matcher.reading.metadata import fold

_ARABIC = re.compile(r"[\u0600-\u06ff]")


@dataclass(frozen=True)
class CueTable:
    """Named lists of cue words, each compiled into one word-boundary pattern."""

    entries: dict[str, tuple[str, ...]]
    patterns: dict[str, re.Pattern[str]]

    def words(self, category: str) -> tuple[str, ...]:
        """The raw entries of a category (as written in the data file)."""
        return self.entries[category]

    def count(self, category: str, text: str) -> int:
        """How many times words of the category occur in the text."""
        return len(self.patterns[category].findall(_normal(text)))

    def found(self, category: str, text: str) -> bool:
        return self.patterns[category].search(_normal(text)) is not None


def _normal(text: str) -> str:
    """Folded, with typographic apostrophes as plain ones ("n’avons" meets "n'avons")."""
    return fold(text).replace("\u2019", "'").replace("\u02bc", "'")


def compile_words(words: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """One pattern matching any entry on word boundaries after folding (``*`` = any ending)."""
    alternatives = []
    for word in sorted(words, key=len, reverse=True):
        stem = word.endswith("*")
        body = re.escape(_normal(word.rstrip("*"))).replace("\\ ", r"\s+")
        prefix = r"(?:[وفبل])?" if _ARABIC.search(word) else ""
        # an elided form ("j'", "l'") is followed by its word directly
        tail = r"\w*" if stem else ("" if word.endswith("'") else r"(?!\w)")
        alternatives.append(prefix + body + tail)
    if not alternatives:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")")


def _read(name: str) -> dict[str, object]:
    try:
        raw = resources.files("matcher").joinpath(f"data/{name}").read_text(encoding="utf-8")
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise MatcherError(
            f"the term table data/{name} is unreadable ({exc}); reinstall the package"
        ) from exc
    if not isinstance(data, dict) or "categories" not in data or "provenance" not in data:
        raise MatcherError(
            f"data/{name} needs 'categories' and 'provenance'; reinstall the package"
        )
    return data


def table_from(data: dict[str, object], name: str) -> CueTable:
    """Validate and compile a cue table read from JSON."""
    categories = data["categories"]
    if not isinstance(categories, dict):
        raise MatcherError(f"data/{name}: 'categories' must be an object")
    entries: dict[str, tuple[str, ...]] = {}
    for key, value in categories.items():
        if (
            not isinstance(value, dict)
            or not value.get("source")
            or not isinstance(value.get("words"), list)
        ):
            raise MatcherError(f"data/{name}: category {key!r} needs a 'source' and a 'words' list")
        entries[key] = tuple(str(w) for w in value["words"])
    return CueTable(entries, {k: compile_words(v) for k, v in entries.items()})


@lru_cache(maxsize=1)
def load_cues() -> CueTable:
    """The clause cue table (request, deficit, self, existing, greeting, clause joins)."""
    return table_from(_read("reading_cues.json"), "reading_cues.json")


@lru_cache(maxsize=1)
def load_actors() -> CueTable:
    """Who is asking: actor -> words that name that kind of office, in six languages."""
    return table_from(_read("actors.json"), "actors.json")
