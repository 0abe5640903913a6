"""Fitted models the engine decides with, loaded and checked like the index manifest.

`data/calibration.json` is written by `scripts/calibrate.py` and holds
* the clause model (reading.py): need / context / other for each clause of a statement;
* the gap model: the probability that nothing open to the writer serves a need, a logistic
  regression over features of the need's best matches (gap_features below).
Both record the fingerprints of the models and the settings they were fitted with; a Matcher
whose encoders or fusion settings differ refuses the file with a message saying how to refit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from matcher.errors import MatcherError
from matcher.reading.statement import ClauseModel
from matcher.search.encoders import Encoder
from matcher.search.judge import Judge, load_judge
from matcher.settings import Settings

CALIBRATION_SCHEMA = 1

GAP_FEATURES = (
    "confidence",
    "minilm",
    "use",
    "bm25",
    "margin",
    "coverage",
    "english",
    "log_words",
    "novelty",
    "field_minilm",
    "field_use",
)


LABEL_FEATURES = ("confidence", "score", "label_score", "outside_region")


class CalibrationError(MatcherError):
    """The calibration file is missing, damaged, or was fitted for other models."""

    exit_code = 4


class NeedStatus(StrEnum):
    """What the catalogue offers a need."""

    SERVED = "served"
    GAP = "gap"
    OTHER_REGION_ONLY = "other-region-only"
    OUT_OF_SCOPE = "out-of-scope"
    """The whole statement lies outside the catalogue's field: nothing serves any need of it."""


def gap_features(
    confidence: np.ndarray,
    signals: Mapping[str, np.ndarray],
    *,
    coverage: float,
    english: float,
    words: int,
    novelty: float,
    field: Mapping[str, float],
) -> np.ndarray:
    """The gap model's features for one need, from its scores over the catalogue.

    Args:
        confidence: per-initiative calibrated dense evidence in [0, 1] (already multiplied by
            the region factors when the decision is for the writer's region).
        signals: raw per-initiative signals ("minilm", "use" cosines, "bm25" scores), masked
            the same way as `confidence`.
        coverage: share of the need's content words that occur in the catalogue.
        english: how English the need is (0..1).
        words: the need's word count.
        novelty: IDF-weighted share of the need's words the catalogue never uses.
        field: per dense model, the cosine of the need with the catalogue's mean passage
            vector: how much the need is about the field at all, whatever programme is best.
    """
    order = np.sort(confidence)[::-1]
    top = float(order[0]) if order.size else 0.0
    fifth = float(order[min(4, order.size - 1)]) if order.size else 0.0

    def best(name: str) -> float:
        values = signals.get(name)
        return float(np.max(values)) if values is not None and values.size else 0.0

    return np.array(
        [
            top,
            best("minilm"),
            best("use"),
            math.log1p(max(0.0, best("bm25"))),
            top - fifth,
            coverage,
            english,
            math.log(max(1, words)),
            novelty,
            field.get("minilm", 0.0),
            field.get("use", 0.0),
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True)
class GapModel:
    """P(gap | features): a logistic regression with standardised inputs."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float = 0.5

    def probability(self, features: np.ndarray) -> float:
        z = float(((features - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(GAP_FEATURES),
            "coef": np.round(self.coef, 6).tolist(),
            "intercept": round(self.intercept, 6),
            "mean": np.round(self.mean, 6).tolist(),
            "scale": np.round(self.scale, 6).tolist(),
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GapModel:
        if list(data["features"]) != list(GAP_FEATURES):
            raise ValueError("the gap model was fitted on other features")
        return cls(
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            threshold=float(data.get("threshold", 0.5)),
        )


def label_features(confidence: float, score: float, outside_region: bool) -> np.ndarray:
    """The label model's features of one result: its calibrated confidence (already lowered
    for a region the writer is not in), its fused score relative to the best (0..1), their
    geometric mean, and whether it is limited to another region."""
    return np.array(
        [
            confidence,
            score,
            math.sqrt(max(0.0, confidence) * max(0.0, score)),
            float(outside_region),
        ],
        dtype=np.float64,
    )


@dataclass(frozen=True)
class LabelModel:
    """P(a result clearly serves the statement | label_features), and the probabilities a
    result needs to be labelled `strong` or `partial`."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    strong: float
    partial: float

    def probability(self, features: np.ndarray) -> float:
        z = float(((features - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def label(self, features: np.ndarray) -> str:
        p = self.probability(features)
        return "strong" if p >= self.strong else "partial" if p >= self.partial else "weak"

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(LABEL_FEATURES),
            "coef": np.round(self.coef, 6).tolist(),
            "intercept": round(self.intercept, 6),
            "mean": np.round(self.mean, 6).tolist(),
            "scale": np.round(self.scale, 6).tolist(),
            "strong": self.strong,
            "partial": self.partial,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LabelModel:
        if list(data["features"]) != list(LABEL_FEATURES):
            raise ValueError("the label model was fitted on other features")
        return cls(
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            strong=float(data["strong"]),
            partial=float(data["partial"]),
        )


def fit_label_model(
    features: np.ndarray, relevant: np.ndarray, *, strong: float, partial: float
) -> LabelModel:
    """Fit P(relevant) by logistic regression; the label cut-offs are given (chosen by CV)."""
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((features - mean) / scale, relevant.astype(int))
    return LabelModel(
        np.asarray(model.coef_[0], dtype=np.float64),
        float(model.intercept_[0]),
        mean,
        scale,
        strong,
        partial,
    )


def fit_gap_model(features: np.ndarray, labels: np.ndarray, *, c: float) -> GapModel:
    """Fit P(gap) on (needs x GAP_FEATURES) with labels 1 = not served for the writer."""
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    # unweighted, so the probability shown to a user ("probably not served: 0.82") means what
    # it says; the decision threshold is chosen separately by cross-validation
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((features - mean) / scale, labels.astype(int))
    return GapModel(
        np.asarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0]), mean, scale
    )


def decide_status(p_gap: float, p_gap_anywhere: float, threshold: float) -> NeedStatus:
    """Served when probably served for the writer; other-region-only when it is not served for
    the writer's region but would be if region limits were ignored; a gap otherwise."""
    if p_gap < threshold:
        return NeedStatus.SERVED
    if p_gap_anywhere < threshold:
        return NeedStatus.OTHER_REGION_ONLY
    return NeedStatus.GAP


@dataclass(frozen=True)
class Calibration:
    """The fitted clause and gap models and what they were fitted for."""

    clause_model: ClauseModel
    gap_model: GapModel
    fitted_for: dict[str, str]
    """Model fingerprints and the settings hash the features depend on."""
    provenance: dict[str, Any]
    label_model: LabelModel | None = None
    """The `match` labels; None in a calibration that predates them (then all are `weak`)."""
    judge: Judge | None = field(default=None, compare=False, repr=False)
    """The trained judge of whether a candidate serves a need (search/judge.py); it decides
    need statuses when present. None: the gap model's threshold decides, as before it."""

    def check(self, expected: Mapping[str, str], source: str = "calibration") -> None:
        """Raise CalibrationError when fitted for other models or settings than `expected`."""
        for key, value in expected.items():
            have = self.fitted_for.get(key)
            if have != value:
                raise CalibrationError(
                    f"{source} was fitted with {key} {have or 'unknown'}, this engine uses "
                    f"{value}; run `python scripts/calibrate.py` to refit it"
                )

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": CALIBRATION_SCHEMA,
            "fitted_for": dict(self.fitted_for),
            "provenance": self.provenance,
            "clause_model": self.clause_model.to_dict(),
            "gap_model": self.gap_model.to_dict(),
            **({"label_model": self.label_model.to_dict()} if self.label_model else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calibration:
        if not isinstance(data, Mapping):
            raise ValueError("expected a JSON object")
        if data.get("schema") != CALIBRATION_SCHEMA:
            raise ValueError(f"schema {data.get('schema')!r}, expected {CALIBRATION_SCHEMA}")
        return cls(
            ClauseModel.from_dict(data["clause_model"]),
            GapModel.from_dict(data["gap_model"]),
            {str(k): str(v) for k, v in data["fitted_for"].items()},
            dict(data.get("provenance", {})),
            LabelModel.from_dict(data["label_model"]) if "label_model" in data else None,
        )


DEFAULT_CALIBRATION = "calibration.json"


def load_calibration(path: str | Path | None = None, *, judge: bool = True) -> Calibration:
    """Read a calibration file (default: the one shipped in the package's data folder), with
    the shipped judge attached unless `judge` is False."""
    where = str(path) if path else f"data/{DEFAULT_CALIBRATION}"
    try:
        if path:
            raw = Path(path).read_text(encoding="utf-8")
        else:
            raw = (
                resources.files("matcher")
                .joinpath(f"data/{DEFAULT_CALIBRATION}")
                .read_text(encoding="utf-8")
            )
        calibration = Calibration.from_dict(json.loads(raw))
    except FileNotFoundError as exc:
        raise CalibrationError(
            f"no calibration at {where}; run `python scripts/calibrate.py` to fit one"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CalibrationError(
            f"the calibration at {where} is unreadable ({exc}); run `python scripts/calibrate.py`"
        ) from exc
    return replace(calibration, judge=load_judge()) if judge else calibration


def calibration_key(encoders: Mapping[str, Encoder], settings: Settings) -> dict[str, str]:
    """What a calibration must have been fitted for: each encoder's weights and the scoring
    settings its features depend on."""
    key = {f"model:{name}": enc.fingerprint() for name, enc in sorted(encoders.items())}
    key["settings"] = settings.scoring_hash()
    return key
