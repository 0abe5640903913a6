"""Scoring at the core: passage scores to initiative scores, normalisation, convex fusion,
language blending and the region adjustment. Pure functions over arrays; no I/O, no models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from matcher.reading.metadata import regions_compatible

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)

ENGLISH_STOPWORDS = frozenset(
    """
    a an and are as at be but by can can't cannot do does for from has have how i in into is
    it its no not of on or our so that the their there these they this to too us was we were
    what when where which who will with without you your need needs want help new more than
    very
    """.split()
)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of any script (digits and punctuation dropped)."""
    return [m.group(0).lower() for m in _WORD.finditer(text)]


def english_share(text: str, vocabulary: frozenset[str] | set[str]) -> float:
    """Share of a text's words that are English: in the (English) catalogue's vocabulary or
    common English function words. 1.0 for an empty text, so no signal is switched off by it."""
    words = tokens(text)
    if not words:
        return 1.0
    known = sum(1 for w in words if w in vocabulary or w in ENGLISH_STOPWORDS)
    return known / len(words)


def english_weight(
    share: float, *, foreign_below: float = 0.3, english_above: float = 0.6
) -> float:
    """How much to trust the English signals for a text with this English share: 0 below
    `foreign_below` (Spanish or French text still shares a few words with English), 1 above
    `english_above` (English keyword queries carry names and shorthand no lexicon knows), linear
    between."""
    return min(1.0, max(0.0, (share - foreign_below) / (english_above - foreign_below)))


def max_by_owner(passage_scores: np.ndarray, owners: np.ndarray, n_items: int) -> np.ndarray:
    """Each initiative's best passage score (owners[i] is the initiative row of passage i)."""
    out = np.full(n_items, -np.inf, dtype=np.float64)
    np.maximum.at(out, owners, passage_scores.astype(np.float64))
    out[np.isneginf(out)] = 0.0
    return out


def rocchio(
    query: np.ndarray, passages: np.ndarray, scores: np.ndarray, *, depth: int, weight: float
) -> np.ndarray:
    """Pseudo-relevance feedback in the dense space (Rocchio): the query moved towards the mean
    of its `depth` best passages, renormalised. A short or colloquial query ("sniffer dogs")
    borrows the catalogue's own wording from the passages it already finds."""
    depth = max(1, min(depth, len(scores)))
    best = np.argpartition(-np.asarray(scores), depth - 1)[:depth]
    moved = np.asarray(query, dtype=np.float64) + weight * passages[best].astype(np.float64).mean(
        axis=0
    )
    norm = float(np.linalg.norm(moved))
    return (moved / norm if norm > 0 else moved).astype(np.float32)


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scores mapped onto [0, 1] within one query (all zeros when they are all equal)."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.size == 0:
        return scores
    lo, hi = float(scores.min()), float(scores.max())
    if hi - lo < 1e-12:
        return np.zeros_like(scores)
    return (scores - lo) / (hi - lo)


def blend_weights(
    english: Mapping[str, float], foreign: Mapping[str, float], share: float
) -> dict[str, float]:
    """Weights for a query that is `share` English: a convex mix of the two weight vectors."""
    share = min(1.0, max(0.0, share))
    names = set(english) | set(foreign)
    mixed = {n: share * english.get(n, 0.0) + (1 - share) * foreign.get(n, 0.0) for n in names}
    total = sum(mixed.values())
    return {n: w / total for n, w in mixed.items()} if total > 0 else mixed


def scale_by_max(scores: np.ndarray) -> np.ndarray:
    """Scores divided by the query's best score (all zeros when none is positive).

    Unlike min-max, the zero point stays meaningful: BM25 gives 0 to an initiative sharing no
    word with the query and that stays 0, and a cosine keeps its distance from zero.
    """
    scores = np.clip(np.asarray(scores, dtype=np.float64), 0.0, None)
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 1e-12 else np.zeros_like(scores)


def fuse(
    signals: Mapping[str, np.ndarray], weights: Mapping[str, float], *, norm: str = "max"
) -> np.ndarray:
    """Convex combination of per-query normalised signal scores (`norm`: "max" or "minmax")."""
    names = [n for n in signals if weights.get(n, 0.0) > 0]
    if not names:
        raise ValueError("no signal has a positive weight")
    total = sum(weights[n] for n in names)
    fused = np.zeros_like(next(iter(signals.values())), dtype=np.float64)
    for n in names:
        scaled = scale_by_max(signals[n]) if norm == "max" else minmax(signals[n])
        fused += (weights[n] / total) * scaled
    return fused


def calibrate(scores: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Absolute scores mapped onto [0, 1] with fixed anchors (clipped), comparable across queries."""
    if hi <= lo:
        raise ValueError("calibration anchors must satisfy lo < hi")
    return np.clip((np.asarray(scores, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0)


def region_factors(
    item_regions: Sequence[Sequence[str]], query_regions: Iterable[str], penalty: float
) -> np.ndarray:
    """Multiplier per initiative: `penalty` for one limited to regions the query is not in.

    Global initiatives (no regions) and every initiative for a query naming no region get 1.
    """
    query_regions = list(query_regions)
    factors = np.ones(len(item_regions), dtype=np.float64)
    if not query_regions:
        return factors
    for i, regions in enumerate(item_regions):
        if regions and not any(regions_compatible(r, q) for r in regions for q in query_regions):
            factors[i] = penalty
    return factors


def top_k(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[int]:
    """Rows of the k best scores, best first; ties broken by row (catalogue order).

    Selects with a partition (linear in the rows) and sorts only the k chosen (and any rows tied
    with the k-th), so a large catalogue is never sorted whole.
    """
    scores = np.asarray(scores)
    rows = np.flatnonzero(allowed) if allowed is not None else np.arange(len(scores))
    values = scores[rows]
    if 0 < k < len(values):
        kth = np.partition(values, len(values) - k)[len(values) - k]
        keep = np.flatnonzero(values >= kth)
        rows, values = rows[keep], values[keep]
    order = np.lexsort((rows, -values))[: max(k, 0)]
    return [int(i) for i in rows[order]]


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of (about) the k best scores, unordered; every row when k covers them all."""
    scores = np.asarray(scores)
    if k >= len(scores):
        return np.arange(len(scores), dtype=np.int64)
    return np.argpartition(-scores, k - 1)[:k].astype(np.int64)


def passage_rows(starts: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The passage rows of some items, grouped by item, and where each item's group starts.

    `starts[i]:starts[i + 1]` are item i's passages (passages are stored grouped by item); items
    without passages must be left out by the caller.
    """
    counts = starts[items + 1] - starts[items]
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    rows = np.repeat(starts[items] - offsets, counts) + np.arange(int(counts.sum()))
    return rows.astype(np.int64), offsets


def spread(values: np.ndarray, rows: np.ndarray, size: int, floor: float) -> np.ndarray:
    """An array of `size` holding `values` at `rows` and `floor` elsewhere (the rows a top-k
    search did not reach: they score at most the lowest reached)."""
    out = np.full(size, floor, dtype=np.float64)
    out[rows] = values
    return out


def nearest_rows(vectors: np.ndarray, row: int, k: int) -> list[tuple[int, float]]:
    """The `k` rows whose unit vectors are closest to row `row`'s (never itself), with cosines."""
    sims = vectors @ vectors[row]
    others = np.ones(len(sims), dtype=bool)
    others[row] = False  # never itself, even when k reaches the catalogue's size
    return [(int(i), round(float(sims[i]), 4)) for i in top_k(sims, k, others)]
