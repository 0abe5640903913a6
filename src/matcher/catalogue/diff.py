"""Word-level differences between two descriptions: what the secretariat reads side by side,
and what a catalogue change shows."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffSegment:
    """A run of words that both descriptions share, or that only one has."""

    side: str  # "both", "a", "b"
    text: str


def diff_words(a: str, b: str) -> list[DiffSegment]:
    """Word-level diff: runs shared by both texts, and runs only in A or only in B."""
    wa, wb = a.split(), b.split()
    segments: list[DiffSegment] = []
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(DiffSegment("both", " ".join(wa[i1:i2])))
            continue
        if i2 > i1:
            segments.append(DiffSegment("a", " ".join(wa[i1:i2])))
        if j2 > j1:
            segments.append(DiffSegment("b", " ".join(wb[j1:j2])))
    return segments


def diff_summary(segments: Sequence[DiffSegment]) -> dict[str, int]:
    """Word counts shared, only in A and only in B."""
    out = {"both": 0, "a": 0, "b": 0}
    for s in segments:
        out[s.side] += len(s.text.split())
    return out
