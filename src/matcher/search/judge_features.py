"""What the judge reads of a (need, candidate) pair: retrieval's own evidence and the products of
the need's vectors with the candidate's, all computed already while scoring, so judging a need
costs a fraction of a millisecond and no model pass.

One definition serves training (`scripts/train_judge.py` dumps these rows) and the product.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from matcher.search.scoring import Scored
from matcher.search.word_cover import WORD_FEATURES

NEED_FEATURES = ("coverage", "english", "log_words", "novelty", "field_minilm", "field_use")
"""The need's own gap features (calibration.GAP_FEATURES) every pair of it carries."""
RETRIEVAL_FEATURES = (
    "fused",
    "confidence",
    "minilm",
    "use",
    "log1p_bm25",
    "minilm_prf",
    "use_prf",
    "log1p_rank",
    "top_fused_minus_fused",
    "best_minilm_minus_minilm",
    "best_use_minus_use",
    *NEED_FEATURES,
    "idf_share_held",
    "rarest_missing_idf",
    *WORD_FEATURES,
)
PRODUCTS = (
    ("minilm", "passage"),
    ("use", "passage"),
    ("minilm", "initiative"),
    ("use", "initiative"),
)
"""The element-wise products of the need's vector with the candidate's best passage vector and
with its initiative's mean passage vector, per dense model."""
SIGNALS = ("minilm", "use")


def _signal(values: Mapping[str, np.ndarray], name: str, n: int) -> np.ndarray:
    return values[name] if name in values else np.zeros(n)


def pair_features(
    scored: Scored,
    rows: np.ndarray,
    need_features: Mapping[str, float],
    passage_vectors: Mapping[str, np.ndarray],
    initiative_vectors: Mapping[str, np.ndarray],
    judged: int,
    overlap: np.ndarray,
    words: np.ndarray,
) -> np.ndarray:
    """The feature rows of a need's first `judged` candidates.

    Args:
        scored: The need scored over the catalogue.
        rows: Its candidates, best fused (content) score first; the first `judged` are judged,
            all of them set the maxima the gaps are measured from.
        need_features: The need's gap features by name (calibration.GAP_FEATURES).
        passage_vectors: Per dense model, each judged candidate's best passage vector
            (`judged` x dim), in `rows` order.
        initiative_vectors: Per dense model, each judged candidate's mean passage vector.
        judged: How many candidates are judged.
        overlap: (judged x 2) `LexicalIndex.term_overlap` of the need with each judged
            candidate's text.
        words: (judged x 6) word_cover.coverage_features of the need over the judged
            candidates.
    """
    n = len(scored.fused)
    evidence = {s: _signal(scored.evidence, s, n) for s in (*SIGNALS, "bm25")}
    moved = {s: _signal(scored.signals, s, n) for s in SIGNALS}
    top_fused = float(scored.fused[rows[0]]) if len(rows) else 0.0
    best = {s: float(evidence[s][rows].max()) if len(rows) else 0.0 for s in SIGNALS}
    need = [float(need_features[name]) for name in NEED_FEATURES]
    out = []
    for j, r in enumerate(rows[:judged]):
        retrieval = [
            float(scored.fused[r]),
            float(scored.confidence[r]),
            float(evidence["minilm"][r]),
            float(evidence["use"][r]),
            math.log1p(max(0.0, float(evidence["bm25"][r]))),
            float(moved["minilm"][r]),
            float(moved["use"][r]),
            math.log1p(j),
            top_fused - float(scored.fused[r]),
            best["minilm"] - float(evidence["minilm"][r]),
            best["use"] - float(evidence["use"][r]),
            *need,
            float(overlap[j, 0]),
            float(overlap[j, 1]),
            *(float(v) for v in words[j]),
        ]
        products = []
        for signal, side in PRODUCTS:
            query = scored.query_vectors.get(signal)
            other = (passage_vectors if side == "passage" else initiative_vectors).get(signal)
            if other is None:
                raise ValueError(f"no {side} vectors of {signal} were given")
            if query is None:  # the model did not encode this text: no likeness to read
                products.append(np.zeros(other.shape[1]))
            else:
                products.append(np.asarray(query, dtype=np.float64) * other[j])
        out.append(np.concatenate([np.array(retrieval), *products]))
    return np.vstack(out) if out else np.zeros((0, len(RETRIEVAL_FEATURES)))


NEED_ROW = (
    *(f"first_{name}" for name in RETRIEVAL_FEATURES),
    *(f"top3_mean_{name}" for name in RETRIEVAL_FEATURES),
    *(f"best_{name}" for name in WORD_FEATURES),
    "p_gap_anywhere",
    "field_likeness",
)
"""What the judge's need model reads: whether anything in the catalogue serves the need, from
its first candidate's retrieval row, the mean of its first three, the best word coverage any
candidate gives, the gap model's probability (data/calibration.json) and its likeness to the
catalogue."""


def need_row(pairs: np.ndarray, p_gap: float, field: float) -> np.ndarray:
    """The NEED_ROW features of a need from its candidates' `pair_features` rows."""
    width = len(RETRIEVAL_FEATURES)
    retrieval = np.asarray(pairs, dtype=np.float64)[:, :width]
    if retrieval.shape[0] == 0:
        retrieval = np.zeros((1, width))
    words = retrieval[:, width - len(WORD_FEATURES) :]
    return np.concatenate(
        [retrieval[0], retrieval[:3].mean(axis=0), words.max(axis=0), [p_gap, field]]
    )
