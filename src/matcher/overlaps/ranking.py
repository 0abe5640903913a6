"""The review queue's order: how likely a candidate pair is worth a reviewer's look, from a
logistic model over the pair's evidence, fitted by `scripts/fit_queue_ranking.py` on pairs the
engineers labelled (`scripts/data/overlap_queue_labels.json`) and shipped as
`data/queue_ranking.json` with its provenance and cross-validated figures.

The features are the detectors' own evidence (shared phrasing, meaning above the pair's
neighbourhood, a name, shared title words, phrases only the two share, the class rule that
holds) and three facts of the catalogue (same organisation, sub-working group, pillar). A pure
function of numbers: nothing names an initiative.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from matcher.catalogue.model import Initiative
from matcher.errors import MatcherError
from matcher.reading.metadata import words

QUEUE_FEATURES: tuple[str, ...] = (
    "containment",
    "cosine",
    "meaning",
    "title_share",
    "template",
    "same_name",
    "names",
    "shared_name",
    "class_verbatim",
    "class_near_duplicate",
    "class_different_scope",
    "class_family",
    "class_thematic",
    "same_organisation",
    "same_sub_working_group",
    "same_pillar",
    "neighbour_rank",
    "mutual_neighbours",
    "lexical",
    # meaning and words count for more within one sub-working group or pillar: the same
    # closeness across fields is more often a shared vocabulary than a shared activity
    "cosine_x_same_sub_working_group",
    "lexical_x_same_sub_working_group",
    "cosine_x_same_pillar",
    "lexical_x_cosine",
)
DEFAULT_FILE = "queue_ranking.json"


def queue_features(
    a: Initiative,
    b: Initiative,
    *,
    containment: float,
    cosine: float,
    density: float,
    share: float,
    phrases: int,
    relation: str | None,
    cls: str | None,
    ranks: tuple[int, int] = (99, 99),
    lexical: float = 0.0,
) -> list[float]:
    """One pair's features, in `QUEUE_FEATURES` order (`relation`, `cls`: their values;
    `ranks`: where each is among the other's nearest by cosine, 0 the nearest, 99 not kept)."""
    meaning = min(1.0, max(0.0, (cosine - density) / 0.3))
    same_swg = float(a.sub_working_group == b.sub_working_group)
    same_pillar = float(a.pillar == b.pillar)
    return [
        containment,
        cosine,
        meaning,
        share,
        math.log1p(phrases),
        float(relation == "same-name"),
        float(relation == "names"),
        float(relation == "shared-name"),
        float(cls == "verbatim"),
        float(cls == "near-duplicate"),
        float(cls == "different-scope"),
        float(cls == "family"),
        float(cls == "thematic-overlap"),
        float(bool(set(a.organizations) & set(b.organizations))),
        same_swg,
        same_pillar,
        1.0 / (1.0 + min(ranks)),
        float(max(ranks) < 3),
        lexical,
        cosine * same_swg,
        lexical * same_swg,
        cosine * same_pillar,
        lexical * cosine,
    ]


_CLASS_EVIDENCE = {
    "verbatim": 1.0,
    "near-duplicate": 0.9,
    "different-scope": 0.9,
    "family": 0.8,
    "thematic-overlap": 0.5,
}
_NAME_EVIDENCE = {"same-name": 0.7, "names": 0.6, "shared-name": 0.4}


def look_score(
    cont: float,
    cosine: float,
    share: float,
    relation: str | None,
    density: float = 0.0,
    cls: str | None = None,
) -> float:
    """How likely a pair is worth a look, as a noisy-or of independent evidence: shared
    phrasing (containment), meaning, a name one text gives the other, shared distinctive title
    words, and the class rule that holds (a flagged twin is worth a look even when its
    neighbourhood is dense). Meaning is the cosine less the pair's local density (CSLS, Conneau et al.
    2018: 2 cos - r_a - r_b, here cos - (r_a + r_b) / 2 over `density`), rescaled so a pair no
    closer than its neighbourhood counts nothing and 0.3 above it everything: two generic
    initiatives close to everything rank below two specific ones close to each other. A
    ranking, not a probability fitted to judgements: the queue's order before a `QueueModel` is
    fitted (`relation`, `cls`: their values)."""
    meaning = min(1.0, max(0.0, (cosine - density) / 0.3))
    name = _NAME_EVIDENCE[relation] if relation is not None else 0.0
    flagged = _CLASS_EVIDENCE[cls] if cls is not None else 0.0
    miss = (1 - cont) * (1 - meaning) * (1 - name) * (1 - 0.5 * share) * (1 - flagged)
    return round(1 - miss, 4)


_TWIN_CLASSES = ("verbatim", "near-duplicate", "different-scope")


def with_twin_evidence(probability: float, cls: str | None) -> float:
    """The model's probability, with a copy or twin flag added by noisy-or: the labelled pairs
    the model was fitted on hold none of them (they are all in the judged file kept apart), so
    the model cannot know a flagged twin needs a decision first."""
    if cls not in _TWIN_CLASSES:
        return probability
    return 1 - (1 - probability) * (1 - _CLASS_EVIDENCE[cls])


def word_weights(texts: Sequence[str]) -> list[dict[str, float]]:
    """Each text as unit-length tf-idf weights of its words (stems of six letters, words of
    three letters or more): the specific words two texts share count, the field's do not."""
    bags = [Counter(w[:6] for w in words(t) if len(w) > 2) for t in texts]
    df = Counter(w for bag in bags for w in bag)
    n = len(texts)
    out = []
    for bag in bags:
        weights = {w: (1 + math.log(c)) * math.log((1 + n) / (1 + df[w])) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        out.append({w: v / norm for w, v in weights.items()})
    return out


def lexical_similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """The cosine of two `word_weights`."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


@dataclass(frozen=True)
class QueueModel:
    """P(worth a look) = sigmoid(coef . (x - mean) / scale + intercept)."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    provenance: dict[str, object]

    def probability(self, features: np.ndarray) -> np.ndarray:
        x = (np.atleast_2d(np.asarray(features, dtype=np.float64)) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(QUEUE_FEATURES),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> QueueModel:
        if list(data["features"]) != list(QUEUE_FEATURES):  # type: ignore[call-overload]
            raise ValueError("its features are not this version's QUEUE_FEATURES")
        return cls(
            np.asarray(data["coef"], dtype=np.float64),
            float(data["intercept"]),  # type: ignore[arg-type]
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            dict(data.get("provenance", {})),  # type: ignore[call-overload]
        )


@lru_cache(maxsize=1)
def shipped_queue_model() -> QueueModel | None:
    """The shipped model, or None before `scripts/fit_queue_ranking.py` has written one."""
    if not resources.files("matcher").joinpath(f"data/{DEFAULT_FILE}").is_file():
        return None
    return load_queue_model()


@lru_cache(maxsize=4)
def load_queue_model(path: str | None = None) -> QueueModel:
    """The queue model (default: the one shipped in the package's data folder)."""
    where = path or f"data/{DEFAULT_FILE}"
    try:
        raw = (
            Path(path).read_text(encoding="utf-8")
            if path
            else resources.files("matcher").joinpath(f"data/{DEFAULT_FILE}").read_text("utf-8")
        )
        return QueueModel.from_dict(json.loads(raw))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MatcherError(
            f"the review queue model at {where} is unreadable ({exc}); run "
            "`python scripts/fit_queue_ranking.py`"
        ) from exc
