"""Shared fixtures: a deterministic fake encoder and a six-initiative mini corpus."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

import matcher.facade
import tests.fuzzing  # noqa: F401  (registers the Hypothesis fuzz profile)
from matcher.catalogue.model import Corpus
from matcher.catalogue.parse import load_corpus
from matcher.reading.statement import CUE_FEATURES, ClauseModel
from matcher.search.calibration import (
    GAP_FEATURES,
    LABEL_FEATURES,
    Calibration,
    GapModel,
    LabelModel,
    calibration_key,
)
from matcher.search.encoders import Kind, normalize
from matcher.search.judge import JudgeInput
from matcher.settings import DEFAULT_PAGE, Settings

DATA = Path(__file__).parent / "data"


class HashingEncoder:
    """Deterministic stand-in for a sentence encoder: each word hashed into one of `dim` buckets.

    Texts sharing words get positive cosine, texts sharing none get zero, so expected rankings
    can be worked out by hand.
    """

    def __init__(self, name: str = "hashing", dim: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.calls = 0

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim
                out[row, bucket] += 1.0
        return normalize(out)

    def fingerprint(self) -> str:
        return f"{self.name}-{self.dim}"


@pytest.fixture
def mini_corpus() -> Corpus:
    return load_corpus(DATA / "mini.jsonl")


@pytest.fixture(scope="session")
def real_corpus() -> Corpus:
    return load_corpus(DEFAULT_PAGE)


@pytest.fixture
def fake_encoders() -> dict[str, HashingEncoder]:
    return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}


def fake_calibration(encoders: dict[str, HashingEncoder]) -> Calibration:
    """Clause and gap models written by hand for the hashing encoders, so tests can predict them.

    Clauses: a request or a lack reads as a need, a self-introduction, something that exists
    already or a header as context, a greeting as other (embedding weights are zero). Gaps:
    P(gap) = sigmoid(3 - 10 x confidence), so a need whose best calibrated confidence is under
    0.3 is a gap. Labels: P = sigmoid(8 x sqrt(confidence x score) - 5), `strong` from 0.8
    (sqrt >= 0.80), `partial` from 0.5 (sqrt >= 0.625).
    """
    n_cues = len(CUE_FEATURES)
    width = encoders["use"].dim + n_cues
    coef = np.zeros((3, width))
    cue = {name: i for i, name in enumerate(CUE_FEATURES)}
    d = encoders["use"].dim
    for name, weight in (("self", 3.0), ("existing", 2.0), ("header", 3.0)):
        coef[0, d + cue[name]] = weight
    for name, weight in (("request", 3.0), ("deficit", 2.0)):
        coef[1, d + cue[name]] = weight
    coef[2, d + cue["greeting"]] = 5.0
    clause = ClauseModel(
        ("context", "need", "other"),
        coef,
        np.array([0.0, 0.5, -1.0]),
        np.zeros(n_cues),
        np.ones(n_cues),
        "use",
        encoders["use"].fingerprint(),
    )
    gap_coef = np.zeros(len(GAP_FEATURES))
    gap_coef[GAP_FEATURES.index("confidence")] = -10.0
    gap = GapModel(gap_coef, 3.0, np.zeros(len(GAP_FEATURES)), np.ones(len(GAP_FEATURES)))
    label_coef = np.zeros(len(LABEL_FEATURES))
    label_coef[LABEL_FEATURES.index("label_score")] = 8.0
    labels = LabelModel(
        label_coef, -5.0, np.zeros(len(LABEL_FEATURES)), np.ones(len(LABEL_FEATURES)), 0.8, 0.5
    )
    return Calibration(
        clause, gap, calibration_key(encoders, Settings()), {"fixture": "conftest"}, labels
    )


@pytest.fixture(autouse=True, scope="session")
def _calibration_for_fake_encoders() -> Iterator[None]:
    """The shipped calibration is fitted for the real encoders; wherever the engine loads its
    default, tests get the hand-written one for the hashing encoders, as they get the encoders
    themselves. Real-model tests pass the shipped calibration explicitly."""
    fakes = {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matcher.facade, "load_calibration", lambda *_: fake_calibration(fakes))
        yield


class KeywordJudge:
    """A judge tests can predict: the share of the need's words of five letters or more that
    a candidate's passage holds (accepted from 0.5); outside the field below a likeness of -2,
    never. It checks that it gets one feature row per candidate."""

    threshold = 0.5
    candidates = 4
    field_floor = -2.0

    def __init__(self) -> None:
        self.calls: list[list[JudgeInput]] = []

    def probabilities(self, needs: Sequence[JudgeInput]) -> list[np.ndarray]:
        self.calls.append(list(needs))
        out = []
        for item in needs:
            assert item.features.shape[0] == len(item.passages)
            wanted = {w for w in re.findall(r"\w+", item.need.lower()) if len(w) >= 5}
            shares = []
            for passage in item.passages:
                held = set(re.findall(r"\w+", passage.lower()))
                shares.append(len(wanted & held) / len(wanted) if wanted else 0.0)
            out.append(np.array(shares))
        return out

    def content_served(
        self, needs: Sequence[JudgeInput], probabilities: Sequence[np.ndarray]
    ) -> list[bool]:
        for item in needs:
            assert item.need_features.ndim == 1 and item.need_features.size > 0
        return [bool(np.any(p >= self.threshold)) for p in probabilities]
