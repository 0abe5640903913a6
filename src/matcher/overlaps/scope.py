"""Same programme, different scope: two initiatives written from one template, one naming a
narrower subject or population than the other ("... for Forensic Experts", "Gender-Sensitive
...", "... in the Americas").

Evidence, none of it naming an initiative:
* one template: the two texts (title and description) share word 4-grams that no other text of
  the catalogue has (`exclusive_phrases`): boilerplate common to many records is not a template
  of two;
* one subject: the two titles share a word saying what they are about (not "training" or
  "program", not an audience or a place), so two courses sharing only a methodology sentence
  are not one programme;
* another scope: who it is for or where it runs differs (`evidence.differences`), and the scope
  words are the title words each has that the other's text never uses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.catalogue.model import Initiative
from matcher.overlaps.candidates import shingles
from matcher.overlaps.evidence import title_subject_words
from matcher.reading.metadata import TITLE_STOP, words

GRAM = 4


@dataclass(frozen=True)
class ScopeEvidence:
    """What makes a pair one programme in two scopes: the phrases only they share, whether one
    title's subject recurs in the other, and each side's scope words."""

    phrases: tuple[str, ...]
    same_subject: bool
    scope_a: tuple[str, ...]
    scope_b: tuple[str, ...]

    def describe(self, a: str, b: str) -> str:
        """The scope words of each side, for a reason line and the diff."""
        sides = [
            f"{ini} names {' '.join(words)}"
            for ini, words in ((a, self.scope_a), (b, self.scope_b))
            if words
        ]
        return "; ".join(sides) or "the same title words"


def exclusive_phrases(initiatives: Sequence[Initiative]) -> list[frozenset[tuple[str, ...]]]:
    """Each text's word 4-grams that exactly one other text also has."""
    grams = [shingles(ini.full_text, GRAM) for ini in initiatives]
    counts = Counter(g for gs in grams for g in gs)
    return [frozenset(g for g in gs if counts[g] == 2) for gs in grams]


def _stems(text: str) -> set[str]:
    return {w[:6] for w in words(text)}


def scope_evidence(
    a: Initiative,
    b: Initiative,
    phrases_a: frozenset[tuple[str, ...]],
    phrases_b: frozenset[tuple[str, ...]],
) -> ScopeEvidence:
    """The evidence for one pair (`phrases_*`: each side's `exclusive_phrases`)."""
    shared = sorted(" ".join(g) for g in phrases_a & phrases_b)
    text_a, text_b = _stems(a.full_text), _stems(b.full_text)
    same_subject = bool(title_subject_words(a.title) & title_subject_words(b.title))

    def scope(title: str, other: set[str]) -> tuple[str, ...]:
        kept = [
            w for w in words(title) if w not in TITLE_STOP and len(w) > 2 and w[:6] not in other
        ]
        return tuple(dict.fromkeys(kept))[:6]

    return ScopeEvidence(
        tuple(shared), same_subject, scope(a.title, text_b), scope(b.title, text_a)
    )
