from __future__ import annotations

import numpy as np
import pytest

from matcher.search.retrieval import (
    blend_weights,
    calibrate,
    english_share,
    english_weight,
    fuse,
    max_by_owner,
    minmax,
    region_factors,
    scale_by_max,
    tokens,
    top_k,
)


def test_max_by_owner_takes_each_items_best_passage() -> None:
    scores = np.array([0.1, 0.7, 0.3, 0.2])
    owners = np.array([0, 0, 1, 2])
    assert max_by_owner(scores, owners, 4).tolist() == pytest.approx([0.7, 0.3, 0.2, 0.0])


def test_minmax_and_constant_scores() -> None:
    assert minmax(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert minmax(np.array([1.0, 1.0])).tolist() == [0.0, 0.0]


def test_scale_by_max_keeps_zero() -> None:
    assert scale_by_max(np.array([0.0, 2.0, 4.0])).tolist() == [0.0, 0.5, 1.0]
    assert scale_by_max(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]


def test_fuse_is_convex_over_normalised_signals() -> None:
    signals = {"a": np.array([0.0, 1.0, 2.0]), "b": np.array([10.0, 0.0, 5.0])}
    fused = fuse(signals, {"a": 0.75, "b": 0.25}, norm="minmax")
    assert fused.tolist() == pytest.approx([0.25, 0.375, 0.875])
    fused = fuse(signals, {"a": 0.75, "b": 0.25})  # scaled by each signal's best
    assert fused.tolist() == pytest.approx([0.25, 0.375, 0.875])
    fused = fuse({"a": np.array([1.0, 2.0]), "b": np.array([2.0, 4.0])}, {"a": 0.5, "b": 0.5})
    assert fused.tolist() == pytest.approx([0.5, 1.0])
    with pytest.raises(ValueError, match="no signal"):
        fuse(signals, {"a": 0.0})


def test_blend_weights_mixes_two_weightings() -> None:
    english = {"bm25": 0.4, "minilm": 0.6, "e5": 0.0}
    foreign = {"bm25": 0.0, "minilm": 0.0, "e5": 1.0}
    assert blend_weights(english, foreign, 1.0) == pytest.approx(english)
    assert blend_weights(english, foreign, 0.0) == pytest.approx(foreign)
    assert blend_weights(english, foreign, 0.5)["e5"] == pytest.approx(0.5)


def test_english_share_and_weight() -> None:
    vocab = {"forensic", "laboratory", "early", "warning", "system"}
    assert english_share("our forensic laboratory", vocab) == 1.0
    assert english_share("necesitamos un sistema de early warning", vocab) == pytest.approx(2 / 6)
    assert english_share("", vocab) == 1.0
    assert english_weight(0.2) == 0.0 and english_weight(0.9) == 1.0
    assert english_weight(0.45) == pytest.approx(0.5)
    assert tokens("Нужна оценка, K9!") == ["нужна", "оценка", "k"]


def test_calibrate_clips_to_unit_interval() -> None:
    assert calibrate(np.array([0.1, 0.3, 0.9]), 0.2, 0.6).tolist() == pytest.approx([0, 0.25, 1])
    with pytest.raises(ValueError):
        calibrate(np.array([0.1]), 0.5, 0.5)


def test_region_factors_lower_only_other_regions() -> None:
    regions = [(), ("Southeast Asia",), ("Americas",), ("Central America",)]
    assert region_factors(regions, [], 0.5).tolist() == [1, 1, 1, 1]
    assert region_factors(regions, ["Andean"], 0.5).tolist() == [1, 0.5, 1, 0.5]
    assert region_factors(regions, ["Pacific"], 0.5).tolist() == [1, 0.5, 0.5, 0.5]


def test_top_k_breaks_ties_by_catalogue_order_and_filters() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.1])
    assert top_k(scores, 3) == [1, 0, 2]
    assert top_k(scores, 2, np.array([True, False, True, True])) == [0, 2]


def test_rocchio_moves_the_query_towards_its_best_passages() -> None:
    from matcher.search.retrieval import rocchio

    passages = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    query = np.array([1.0, 0.0], dtype=np.float32)
    scores = passages @ query  # best two: rows 0 (1.0) and 2 (0.6)
    moved = rocchio(query, passages, scores, depth=2, weight=1.0)
    expected = np.array([1.0 + 0.8, 0.4])
    assert moved == pytest.approx(expected / np.linalg.norm(expected), abs=1e-6)
    assert np.linalg.norm(moved) == pytest.approx(1.0, abs=1e-6)
    # weight 0 leaves the query where it was
    assert rocchio(query, passages, scores, depth=2, weight=0.0) == pytest.approx(query)


def test_top_k_by_partition_equals_a_full_sort() -> None:
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 20, 500).astype(float)  # many ties
    allowed = rng.random(500) < 0.5
    full = np.lexsort((np.arange(500), -scores))
    assert top_k(scores, 25) == [int(i) for i in full[:25]]
    assert top_k(scores, 25, allowed) == [int(i) for i in full[allowed[full]][:25]]
    assert top_k(scores, 900) == [int(i) for i in full]


def test_passage_rows_and_spread() -> None:
    from matcher.search.retrieval import passage_rows, spread, top_rows

    starts = np.array([0, 2, 3, 6])  # item 0: rows 0-1, item 1: row 2, item 2: rows 3-5
    rows, groups = passage_rows(starts, np.array([0, 2]))
    assert list(rows) == [0, 1, 3, 4, 5] and list(groups) == [0, 2]
    assert list(spread(np.array([0.5, 0.7]), np.array([1, 3]), 4, 0.1)) == [0.1, 0.5, 0.1, 0.7]
    assert sorted(top_rows(np.array([0.1, 0.9, 0.5]), 2)) == [1, 2]
    assert list(top_rows(np.array([0.1, 0.9]), 5)) == [0, 1]
