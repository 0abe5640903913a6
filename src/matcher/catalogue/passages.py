"""Split initiatives into passages short enough for the small embedders (MiniLM reads 256 pieces).

A passage is a run of whole paragraphs and bullet groups up to a word budget; a paragraph longer
than the budget is cut into overlapping sentence windows. Every passage is embedded with its
initiative's title in front, so a passage about "training" still knows it is about canines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from matcher.catalogue.model import Initiative

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9(\"“‘-])")
_BULLET = re.compile(r"^\s*(?:[-•*]|\(?[a-z0-9]{1,2}[.)])\s+")


@dataclass(frozen=True)
class Passage:
    """A piece of one initiative's description."""

    initiative_id: str
    number: int
    text: str
    title: str

    @property
    def embed_text(self) -> str:
        """What the encoders read: the title, then the passage."""
        return f"{self.title}. {self.text}"


def _words(text: str) -> int:
    return len(text.split())


def _windows(paragraph: str, budget: int, overlap: int) -> list[str]:
    """Sentence windows of about `budget` words, sharing about `overlap` words."""
    sentences = [
        piece
        for s in _SENTENCE_END.split(paragraph)
        if s.strip()
        for piece in _word_runs(s, budget, overlap)
    ]
    windows: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        if current and _words(" ".join([*current, sentence])) > budget:
            windows.append(" ".join(current))
            kept: list[str] = []
            for previous in reversed(current):
                if _words(" ".join([previous, *kept])) > overlap:
                    break
                kept.insert(0, previous)
            current = kept
        current.append(sentence)
    if current:
        windows.append(" ".join(current))
    return windows


def _word_runs(sentence: str, budget: int, overlap: int) -> list[str]:
    """A sentence up to twice the budget stays whole (the encoder reads about 200 words); a longer
    one, which only a run-on text or a list without punctuation makes, is cut into runs of
    `budget` words sharing `overlap`, so one record can never become one enormous passage."""
    words = sentence.split()
    if len(words) <= 2 * budget:
        return [sentence]
    step = max(1, budget - overlap)
    return [" ".join(words[i : i + budget]) for i in range(0, len(words) - overlap, step)]


def _blocks(text: str) -> list[str]:
    """Paragraphs, with each bullet list kept together with the line that introduces it."""
    blocks: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if _BULLET.match(line) and blocks:
            blocks[-1] = f"{blocks[-1]}\n{line}"
        else:
            blocks.append(line)
    return blocks


def split_passages(initiative: Initiative, *, words: int = 90, overlap: int = 20) -> list[Passage]:
    """The passages of one initiative, in text order (at least one)."""
    pieces: list[str] = []
    for block in _blocks(initiative.text):
        if _words(block) <= words:
            pieces.append(block)
        else:
            lines = block.split("\n")
            for line in lines:
                pieces.extend(_windows(line, words, overlap) if _words(line) > words else [line])
    merged: list[str] = []
    for piece in pieces:
        if merged and _words(merged[-1]) + _words(piece) <= words:
            merged[-1] = f"{merged[-1]}\n{piece}"
        else:
            merged.append(piece)
    if not merged:
        merged = [initiative.text]
    return [Passage(initiative.id, n, text, initiative.title) for n, text in enumerate(merged)]


def split_corpus(
    initiatives: Iterable[Initiative], *, words: int = 90, overlap: int = 20
) -> list[Passage]:
    """Passages of every initiative, grouped by initiative in catalogue order."""
    return [p for ini in initiatives for p in split_passages(ini, words=words, overlap=overlap)]
