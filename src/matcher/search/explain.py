"""Why a result matched: its best passage, the query terms found in it, and a match label."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from matcher.search.lexical import analyze

_WORD = re.compile(r"(?u)\b\w[\w-]*\b")


class MatchLabel(StrEnum):
    """How far a user can trust a result: the label model of calibration.py gives the
    probability that a result clearly serves the statement, cut at probabilities chosen by
    scripts/calibrate.py."""

    STRONG = "strong"
    PARTIAL = "partial"
    WEAK = "weak"


def highlight_terms(query: str, passage: str, stopwords: frozenset[str]) -> tuple[str, ...]:
    """Words of the passage whose stem is a (non-stopword) stem of the query, in passage order."""
    wanted = {t for t in analyze(query) if t not in stopwords and len(t) > 1}
    if not wanted:
        return ()
    found: dict[str, None] = {}
    for match in _WORD.finditer(passage):
        word = match.group(0)
        if _first_stem(word) in wanted:
            found.setdefault(word, None)
    return tuple(found)


@lru_cache(maxsize=1 << 16)
def _first_stem(word: str) -> str:
    """The stem of a word as BM25 sees it (cached: passages repeat the same words)."""
    stems = analyze(word)
    return stems[0] if stems else ""
