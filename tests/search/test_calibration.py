"""Gap features and model, need status, and the calibration file: round trip, checks, errors."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from matcher.errors import MatcherError
from matcher.reading.statement import CUE_FEATURES
from matcher.search.calibration import (
    GAP_FEATURES,
    Calibration,
    CalibrationError,
    GapModel,
    NeedStatus,
    decide_status,
    fit_gap_model,
    gap_features,
    load_calibration,
)
from matcher.settings import Settings
from tests.conftest import HashingEncoder, fake_calibration

N = len(GAP_FEATURES)


def named(values: np.ndarray) -> dict[str, float]:
    return dict(zip(GAP_FEATURES, map(float, values), strict=True))


# --- gap features ---------------------------------------------------------------------------


# the need-only features, at values that leave the catalogue's features to be read alone
_NEUTRAL: dict[str, Any] = {
    "coverage": 0.0,
    "english": 0.0,
    "words": 1,
    "novelty": 0.0,
    "field": {},
}


def test_gap_features_of_a_tiny_catalogue() -> None:
    confidence = np.array([0.2, 0.9, 0.5])
    signals = {
        "minilm": np.array([0.1, 0.4, 0.3]),
        "use": np.array([0.25, -0.1, 0.05]),
        "bm25": np.array([3.0, 0.0, 1.5]),
    }
    got = named(
        gap_features(
            confidence,
            signals,
            coverage=0.75,
            english=1.0,
            words=4,
            novelty=0.125,
            field={"minilm": 0.3, "use": 0.2},
        )
    )
    assert got == pytest.approx(
        {
            "confidence": 0.9,
            "minilm": 0.4,
            "use": 0.25,
            "bm25": math.log(4.0),
            "margin": 0.9 - 0.2,  # three initiatives: the "fifth" is the last of them
            "coverage": 0.75,
            "english": 1.0,
            "log_words": math.log(4),
            "novelty": 0.125,
            "field_minilm": 0.3,
            "field_use": 0.2,
        }
    )


def test_the_margin_is_to_the_fifth_best() -> None:
    confidence = np.array([0.1, 0.8, 0.3, 0.6, 0.05, 0.7, 0.2])
    got = named(gap_features(confidence, {}, **_NEUTRAL))
    assert got["confidence"] == pytest.approx(0.8)
    assert got["margin"] == pytest.approx(0.8 - 0.2)  # 0.8 0.7 0.6 0.3 [0.2]


def test_gap_features_of_nothing_are_zeros() -> None:
    empty = {"minilm": np.array([]), "bm25": np.array([])}
    got = gap_features(np.array([]), empty, **{**_NEUTRAL, "words": 0})
    assert got.shape == (N,)
    assert got.tolist() == [0.0] * N


def test_a_negative_bm25_counts_as_none() -> None:
    got = named(gap_features(np.array([0.5]), {"bm25": np.array([-2.0])}, **_NEUTRAL))
    assert got["bm25"] == 0.0


# --- the gap model --------------------------------------------------------------------------


def _hand_model(threshold: float = 0.5) -> GapModel:
    coef = np.zeros(N)
    coef[GAP_FEATURES.index("confidence")] = -2.0
    mean = np.zeros(N)
    mean[GAP_FEATURES.index("confidence")] = 0.5
    scale = np.ones(N)
    scale[GAP_FEATURES.index("confidence")] = 0.25
    return GapModel(coef, 1.0, mean, scale, threshold)


def test_gap_probability_of_hand_coefficients() -> None:
    features = np.zeros(N)
    features[0] = 0.75  # z = -2 * (0.75 - 0.5) / 0.25 + 1 = -1
    assert _hand_model().probability(features) == pytest.approx(1 / (1 + math.e))
    features[0] = 0.5  # z = 1
    assert _hand_model().probability(features) == pytest.approx(1 / (1 + math.exp(-1)))


def test_gap_probability_saturates_without_overflow() -> None:
    features = np.zeros(N)
    features[0] = -1e6
    assert _hand_model().probability(features) == pytest.approx(1.0)
    features[0] = 1e6
    assert _hand_model().probability(features) == pytest.approx(0.0, abs=1e-20)


def test_a_fitted_gap_model_separates_a_separable_fixture() -> None:
    confidence = np.array([0.05, 0.1, 0.15, 0.2, 0.6, 0.7, 0.8, 0.9])
    features = np.zeros((8, N))
    features[:, 0] = confidence
    features[:, GAP_FEATURES.index("english")] = 1.0  # constant: must not divide by zero
    labels = np.array([1, 1, 1, 1, 0, 0, 0, 0])
    model = fit_gap_model(features, labels, c=10.0)
    p = np.array([model.probability(row) for row in features])
    assert (p > 0.5).tolist() == [True] * 4 + [False] * 4
    assert model.coef[0] < 0  # a better match makes a gap less likely
    assert model.mean[0] == pytest.approx(confidence.mean())
    assert model.scale[0] == pytest.approx(confidence.std())
    assert model.scale[1:] == pytest.approx(np.ones(N - 1))
    # p falls as confidence rises
    assert np.all(np.diff(p) < 0)


def test_the_gap_model_round_trips_with_its_threshold() -> None:
    model = _hand_model(threshold=0.86)
    again = GapModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.threshold == 0.86
    probe = np.linspace(0, 1, N)
    assert again.probability(probe) == model.probability(probe)


def test_a_gap_model_without_a_threshold_uses_one_half() -> None:
    data = _hand_model(threshold=0.9).to_dict()
    del data["threshold"]
    assert GapModel.from_dict(data).threshold == 0.5


def test_a_gap_model_for_other_features_is_refused() -> None:
    data = _hand_model().to_dict()
    data["features"] = list(reversed(data["features"]))
    with pytest.raises(ValueError, match="other features"):
        GapModel.from_dict(data)


# --- need status ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p_gap", "p_gap_anywhere", "status"),
    [
        (0.2, 0.1, NeedStatus.SERVED),
        (0.2, 0.9, NeedStatus.SERVED),  # served for the writer, whatever holds elsewhere
        (0.7, 0.3, NeedStatus.OTHER_REGION_ONLY),
        (0.7, 0.8, NeedStatus.GAP),
        (0.6, 0.6, NeedStatus.GAP),  # at the threshold is not under it
        (0.59, 0.6, NeedStatus.SERVED),
        (0.6, 0.59, NeedStatus.OTHER_REGION_ONLY),
    ],
)
def test_need_status_truth_table(p_gap: float, p_gap_anywhere: float, status: NeedStatus) -> None:
    assert decide_status(p_gap, p_gap_anywhere, 0.6) is status


# --- the calibration object -----------------------------------------------------------------


@pytest.fixture
def calibration(fake_encoders: dict[str, HashingEncoder]) -> Calibration:
    return fake_calibration(fake_encoders)


def test_a_calibration_round_trips_through_json(calibration: Calibration) -> None:
    data = json.loads(json.dumps(calibration.to_dict()))
    assert data["schema"] == 1
    again = Calibration.from_dict(data)
    assert again.fitted_for == calibration.fitted_for
    assert again.provenance == {"fixture": "conftest"}
    assert again.clause_model.classes == calibration.clause_model.classes
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(4, calibration.clause_model.coef.shape[1] - len(CUE_FEATURES)))
    cues = rng.integers(0, 2, size=(4, len(CUE_FEATURES))).astype(float)
    assert np.array_equal(
        again.clause_model.probabilities(vectors, cues),
        calibration.clause_model.probabilities(vectors, cues),
    )
    features = rng.uniform(size=N)
    assert again.gap_model.probability(features) == calibration.gap_model.probability(features)


def test_check_passes_for_what_it_was_fitted_for(calibration: Calibration) -> None:
    calibration.check(dict(calibration.fitted_for))
    calibration.check({})


@pytest.mark.parametrize("key", ["model:minilm", "model:use", "settings"])
def test_check_names_the_mismatched_key_and_how_to_refit(
    calibration: Calibration, key: str
) -> None:
    expected = dict(calibration.fitted_for)
    expected[key] = "0123abcd"
    with pytest.raises(CalibrationError) as info:
        calibration.check(expected, source="data/calibration.json")
    message = str(info.value)
    assert f"with {key} {calibration.fitted_for[key]}" in message
    assert "this engine uses 0123abcd" in message
    assert "scripts/calibrate.py" in message
    assert message.startswith("data/calibration.json")
    assert "\n" not in message


def test_check_calls_a_key_it_never_saw_unknown(calibration: Calibration) -> None:
    with pytest.raises(CalibrationError, match="with model:bm25 unknown"):
        calibration.check({"model:bm25": "v1"})


def test_a_calibration_error_is_a_matcher_error_with_its_own_exit_code() -> None:
    assert issubclass(CalibrationError, MatcherError)
    assert CalibrationError.exit_code not in (0, MatcherError.exit_code)


# --- loading files --------------------------------------------------------------------------


def test_a_saved_calibration_loads_from_a_path(calibration: Calibration, tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(calibration.to_dict()), encoding="utf-8")
    loaded = load_calibration(path)
    assert loaded.fitted_for == calibration.fitted_for
    assert loaded.gap_model.threshold == calibration.gap_model.threshold


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(CalibrationError) as info:
        load_calibration(path)
    message = str(info.value)
    assert message.startswith(f"no calibration at {path}")
    assert "scripts/calibrate.py" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("{not json", "Expecting property name"),
        ('{"schema": 2}', "schema 2, expected 1"),
        ('{"schema": 1}', "'clause_model'"),
        ('{"schema": 1, "fitted_for": {}, "clause_model": {"cue_features": []}, "gap_model": {}}',
         "other cue features"),
    ],
    ids=["invalid-json", "other-schema", "missing-model", "other-cue-features"],
)  # fmt: skip
def test_a_damaged_file_is_a_one_line_error(tmp_path: Path, content: str, why: str) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalibrationError) as info:
        load_calibration(path)
    message = str(info.value)
    assert message.startswith(f"the calibration at {path} is unreadable")
    assert why in message
    assert "scripts/calibrate.py" in message
    assert "\n" not in message


@pytest.mark.parametrize("content", ["[1, 2]", '"calibration"'])
def test_a_file_that_is_not_an_object_is_a_calibration_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalibrationError, match="unreadable"):
        load_calibration(path)


# --- the shipped calibration ----------------------------------------------------------------


def test_the_shipped_calibration_loads_with_its_provenance() -> None:
    shipped = load_calibration()
    assert set(shipped.fitted_for) == {"model:minilm", "model:use", "settings"}
    assert shipped.provenance["script"] == "scripts/calibrate.py"
    data = shipped.provenance["data"]
    assert set(data) == {"train_statements.json", "dev_queries.json", "dev_out_of_scope.json"}
    for digest in data.values():
        assert re.fullmatch(r"[0-9a-f]{16}", digest)
    assert shipped.clause_model.classes == ("context", "need", "other")
    assert shipped.clause_model.coef.shape[1] > len(CUE_FEATURES)
    assert 0.0 < shipped.gap_model.threshold < 1.0


def test_the_shipped_calibration_was_fitted_with_todays_settings() -> None:
    # a change to the scoring settings needs a refit (scripts/calibrate.py)
    assert load_calibration().fitted_for["settings"] == Settings().scoring_hash()


def test_label_features_and_the_labels_a_hand_model_gives() -> None:
    from matcher.search.calibration import LABEL_FEATURES, LabelModel, label_features

    features = label_features(0.64, 0.81, outside_region=True)
    assert features == pytest.approx([0.64, 0.81, 0.72, 1.0])
    coef = np.zeros(len(LABEL_FEATURES))
    coef[LABEL_FEATURES.index("label_score")] = 10.0
    model = LabelModel(coef, -6.0, np.zeros(4), np.ones(4), strong=0.8, partial=0.5)
    assert model.probability(features) == pytest.approx(1 / (1 + np.exp(-(7.2 - 6.0))))
    assert model.label(features) == "partial"  # sigmoid(1.2) = 0.77: under 0.8, over 0.5
    assert model.label(label_features(0.9, 0.9, outside_region=False)) == "strong"
    assert model.label(label_features(0.1, 0.9, outside_region=False)) == "weak"


def test_a_label_model_round_trips_and_a_calibration_without_one_loads() -> None:
    from matcher.search.calibration import LabelModel, fit_label_model

    x = np.array([[0.1, 0.1, 0.1, 0.0], [0.2, 0.3, 0.2, 0.0], [0.8, 0.9, 0.85, 0.0],
                  [0.9, 1.0, 0.95, 0.0]])
    model = fit_label_model(x, np.array([0, 0, 1, 1]), strong=0.7, partial=0.4)
    assert model.probability(x[3]) > 0.5 > model.probability(x[0])
    again = LabelModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.probability(x[2]) == pytest.approx(model.probability(x[2]))
    assert (again.strong, again.partial) == (0.7, 0.4)
