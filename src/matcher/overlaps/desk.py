"""The secretariat's view of one catalogue: its overlapping pairs and clusters, computed once and
kept, and the candidate pairs the review queue ranks."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from matcher.catalogue.model import Corpus
from matcher.errors import InputError
from matcher.overlaps.detect import (
    OverlapClass,
    OverlapCluster,
    OverlapPair,
    OverlapSettings,
    ScoredPair,
    classified_pairs,
    cluster_overlaps,
    score_pairs,
)


def check_overlap_query(cls: str | None, min_score: float) -> None:
    """Raise InputError, naming the choices, for an unknown class or a score outside 0..1."""
    if cls is not None and cls not in {c.value for c in OverlapClass}:
        raise InputError(
            f"unknown overlap class {cls!r}; choose from "
            f"{', '.join(c.value for c in OverlapClass)}"
        )
    if not 0.0 <= min_score <= 1.0:
        raise InputError(f"min-score must be between 0 and 1 (got {min_score})")


def filter_overlaps(
    pairs: list[OverlapPair], clusters: list[OverlapCluster], cls: str | None, min_score: float
) -> tuple[list[OverlapPair], list[OverlapCluster]]:
    """The pairs of one class (or all) at or above a score, and the clusters of that class."""
    keep = [p for p in pairs if (cls is None or p.cls == cls) and p.score >= min_score]
    kept_clusters = [c for c in clusters if cls is None or c.cls == cls]
    return keep, kept_clusters


class OverlapDesk:
    """Overlaps of one catalogue, computed on first use from its initiative vectors."""

    def __init__(self, corpus: Corpus, vectors: Callable[[], np.ndarray]) -> None:
        self.corpus = corpus
        self._vectors = vectors
        self._lock = threading.Lock()
        self._overlaps: tuple[list[OverlapPair], list[OverlapCluster]] | None = None
        self._candidates: list[ScoredPair] | None = None

    def overlaps(
        self,
        *,
        cls: str | None = None,
        min_score: float = 0.0,
        settings: OverlapSettings | None = None,
    ) -> tuple[list[OverlapPair], list[OverlapCluster]]:
        """Overlapping pairs (optionally one class, above a score) and their clusters."""
        check_overlap_query(cls, min_score)
        with self._lock:
            if settings is not None or self._overlaps is None:
                scored = score_pairs(self.corpus.initiatives, self._vectors(), settings)
                pairs = classified_pairs(scored)
                clusters = cluster_overlaps(pairs, self.corpus.initiatives)
                if settings is not None:
                    return filter_overlaps(pairs, clusters, cls, min_score)
                self._overlaps = (pairs, clusters)
                self._candidates = scored
            pairs, clusters = self._overlaps
        return filter_overlaps(pairs, clusters, cls, min_score)

    def review_candidates(self) -> list[ScoredPair]:
        """Every candidate pair the overlap detectors produce, classed or not, most worth a
        reviewer's look first (the review queue before decisions are taken out)."""
        if self._candidates is None:
            self.overlaps()  # computes both at once
        return self._candidates if self._candidates is not None else []
