"""Cut a statement into clauses: the units a reader labels need, context or other.

Structure only, so it holds in the six languages: line breaks and list markers, semicolons,
sentence ends, a header's colon, a dash between two statements, brackets, and a comma or a
coordinating conjunction where both sides stand as clauses of their own. Every clause keeps its
character span in the statement, so a reader can show exactly what was read as what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from matcher.reading.cues import load_cues

# Hard boundaries: a new line or a list item always starts a clause.
_LIST_ITEM = re.compile(
    r"(?:\r?\n)+\s*(?:[-•*–]\s+|\(?\d{1,2}[).]\s*|\(?[a-h]\)\s*|[\u0660-\u0669]{1,2}\s*[-).]\s*)?"
    r"|[;؛]\s*|\s•\s*"
    # an inline numbered list: "1) ... 2) ..." or "(a) ... (b) ..."
    r"|(?:^|(?<=\s))\(?(?:\d{1,2}|[a-h])\)\s+"
)
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+(?=\S)")
# A header ("Cambodia – National Authority ...:") or a question after a colon.
_COLON = re.compile(r"(?<=\S)\s*:\s+(?=\S)")
_DASH = re.compile(r"\s+[–—]\s+")
_PAREN = re.compile(r"\s*(\([^()]{2,80}\))\s*")
_COMMA = re.compile(r"\s*[,،]\s*")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

MIN_CLAUSE_WORDS = 3
"""A fragment with fewer words is joined to its neighbour (a clause says something)."""


@dataclass(frozen=True)
class Clause:
    """A clause of a statement and where it lies in it (``statement[start:end] == text``)."""

    text: str
    start: int
    end: int


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _cut(
    spans: list[tuple[int, int]], text: str, pattern: re.Pattern[str], *, keep: bool = False
) -> list[tuple[int, int]]:
    """Cut each span at the pattern's matches. The matched separator is dropped, or with
    `keep` its first group stays as a span of its own (a bracketed aside)."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        pos = start
        for m in pattern.finditer(text, start, end):
            cut_at = m.start(1) if keep else m.start()
            if cut_at > pos:
                out.append((pos, cut_at))
            if keep:
                out.append((m.start(1), m.end(1)))
            pos = m.end(1) if keep else m.end()
        if pos < end:
            out.append((pos, end))
    return out


def _cut_joins(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Cut before a comma or a coordinating conjunction when both sides are clauses."""
    joins = _join_pattern()
    out: list[tuple[int, int]] = []
    for start, end in spans:
        pos = start
        for m in joins.finditer(text, start, end):
            left, right = text[pos : m.start()], text[m.end() : end]
            if _words(left) >= MIN_CLAUSE_WORDS and _words(right) >= MIN_CLAUSE_WORDS:
                out.append((pos, m.start()))
                pos = m.start() + (len(m.group(0)) - len(m.group(0).lstrip(" ,،")))
        out.append((pos, end))
    return out


@lru_cache(maxsize=1)
def _join_pattern() -> re.Pattern[str]:
    words = sorted(load_cues().words("clause_joins"), key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    # ", and we need ..." / ", but ..." / "، ونحتاج" (Arabic joins the conjunction to the word)
    return re.compile(rf"\s*[,،]\s+(?=(?:{alternatives})\b)|\s*[,،]\s*(?=و\w)", re.IGNORECASE)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start] in "-–—•*,;:؛" or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in ",;–—-؛" or text[end - 1].isspace()):
        end -= 1
    return start, end


def _merge_short(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Join fragments too short to be a clause to the clause before them (or after, first)."""
    out: list[tuple[int, int]] = []
    for span in spans:
        if (
            out
            and _words(text[span[0] : span[1]]) < MIN_CLAUSE_WORDS
            and not _is_header(text, span)
        ):
            out[-1] = (out[-1][0], span[1])
        else:
            out.append(span)
    if len(out) > 1 and _words(text[out[0][0] : out[0][1]]) < 1:
        out[1] = (out[0][0], out[1][1])
        out.pop(0)
    return out


def _is_header(text: str, span: tuple[int, int]) -> bool:
    """ "Bhutan:" or "TR CNA:" is a clause (who is writing), however short."""
    end = span[1]
    rest = text[end : end + 3]
    return rest.lstrip().startswith(":") or text[span[0] : end].rstrip().endswith(":")


def split_clauses(statement: str) -> list[Clause]:
    """The clauses of a statement, in order, with their spans (at least one for non-empty text).

    A list item stays a clause however short ("detector dogs"); a fragment cut off by a comma,
    a sentence end or a conjunction is joined to its neighbour when it is too short to say
    anything.
    """
    items = _cut([(0, len(statement))], statement, _LIST_ITEM)
    out: list[Clause] = []
    for start, end in items:
        out += _split_item(statement, start, end)
    return out


def _split_item(statement: str, start: int, end: int) -> list[Clause]:
    spans = [(start, end)]
    spans = _cut(spans, statement, _SENTENCE_END)
    spans = _cut(spans, statement, _PAREN, keep=True)
    spans = _split_colons(spans, statement)
    # a dash inside a header ("Cambodia – National Authority ...:") does not cut it
    spans = [
        piece
        for span in spans
        for piece in (
            [span]
            if statement[span[0] : span[1]].rstrip().endswith(":")
            else _cut([span], statement, _DASH)
        )
    ]
    spans = _cut_joins(spans, statement)
    trimmed = [_trim(statement, s, e) for s, e in spans]
    trimmed = [(s, e) for s, e in trimmed if e > s and _words(statement[s:e]) > 0]
    if not trimmed:
        s, e = _trim(statement, start, end)
        return [Clause(statement[s:e], s, e)] if e > s and _words(statement[s:e]) else []
    merged = _merge_short(trimmed, statement)
    return [Clause(statement[s:e], s, e) for s, e in merged]


def _split_colons(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Cut after a colon, keeping the colon with the header it ends."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        pos = start
        for m in _COLON.finditer(text, start, end):
            colon = text.index(":", m.start(), m.end()) + 1
            out.append((pos, colon))
            pos = m.end()
        out.append((pos, end))
    return out
