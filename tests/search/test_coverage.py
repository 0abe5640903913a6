"""Need statuses decided from the judge's probabilities, and from nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.search.coverage import (
    judge_candidates,
    judged_coverage,
    mark_out_of_scope,
    outside_field,
)
from matcher.search.scoring import Scored

IDS = ["A", "B", "C", "D"]


def scored(factors: list[float], fused: list[float] | None = None) -> Scored:
    fused_array = np.array(fused or [0.9, 0.8, 0.7, 0.1])
    return Scored(
        query="need",
        signals={},
        passage_scores={},
        weights={},
        fused=fused_array,
        confidence=np.array([0.6, 0.5, 0.4, 0.1]),
        factors=np.array(factors),
        query_regions=("West Africa",),
    )


def judged(
    s: Scored,
    probabilities: list[float],
    allowed: np.ndarray | None = None,
    content_served: bool | None = None,
):
    """The coverage at threshold 0.5; by default the need model agrees with the pair model."""
    rows = np.array([0, 1, 2])
    served = max(probabilities) >= 0.5 if content_served is None else content_served
    return judged_coverage(
        "need", s, rows, np.array(probabilities), 0.5, s.final, allowed, IDS, need_top=5,
        content_served=served,
    )


def test_accepted_programmes_open_to_the_writer_serve_the_need_best_ranked_first() -> None:
    c = judged(scored([1.0, 1.0, 1.0, 1.0]), [0.7, 0.2, 0.9])
    assert (c.status, c.results, c.covered) == ("served", ("A", "C"), True)
    assert c.p_gap == pytest.approx(0.1)


def test_only_programmes_for_other_regions_accepted_is_other_region_only() -> None:
    c = judged(scored([1.0, 0.5, 1.0, 1.0]), [0.1, 0.9, 0.2])
    assert (c.status, c.results, c.covered) == ("other-region-only", ("B",), False)
    assert c.p_gap == pytest.approx(0.8)  # nothing open to the writer reaches 0.2


def test_a_neighbouring_theme_the_judge_rejects_is_a_gap_however_well_it_ranks() -> None:
    c = judged(scored([1.0, 1.0, 1.0, 1.0]), [0.49, 0.3, 0.1])
    assert (c.status, c.results) == ("gap", ())
    assert c.p_gap == pytest.approx(0.51)


def test_filters_narrow_what_is_listed_not_whether_the_need_is_served() -> None:
    allowed = np.array([False, True, True, True])
    c = judged(scored([1.0, 1.0, 1.0, 1.0]), [0.9, 0.1, 0.1], allowed)
    assert (c.status, c.results) == ("served", ())


def test_the_judge_reads_each_need_s_best_candidates_by_content() -> None:
    s = scored([0.5, 1.0, 1.0, 1.0], fused=[0.2, 0.9, 0.5, 0.7])
    assert judge_candidates(s, 2).tolist() == [1, 3]  # region does not decide what is read
    narrowed = Scored(**{**s.__dict__, "candidates": np.array([0, 2])})
    assert judge_candidates(narrowed, 5).tolist() == [2, 0]


def test_a_statement_is_outside_the_field_only_when_all_its_needs_are_gaps() -> None:
    gap = judged(scored([1.0] * 4), [0.1, 0.1, 0.1])
    served = judged(scored([1.0] * 4), [0.9, 0.1, 0.1])
    assert outside_field([gap, gap], 0.1, 0.2)
    assert not outside_field([gap, served], 0.1, 0.2)
    assert not outside_field([gap], 0.3, 0.2)  # a gap inside the field stays a gap
    assert not outside_field([], 0.1, 0.2)
    assert [c.status for c in mark_out_of_scope([gap, gap])] == ["out-of-scope"] * 2


def test_a_need_nothing_serves_is_a_gap_whatever_the_pair_model_accepts() -> None:
    c = judged(scored([1.0] * 4), [0.9, 0.9, 0.9], content_served=False)
    assert (c.status, c.results) == ("gap", ())


def test_a_need_something_serves_accepts_its_likeliest_candidate_below_the_threshold() -> None:
    c = judged(scored([1.0] * 4), [0.2, 0.4, 0.3], content_served=True)
    assert (c.status, c.results) == ("served", ("B",))
    elsewhere = judged(scored([1.0, 0.5, 1.0, 1.0]), [0.2, 0.4, 0.3], content_served=True)
    assert (elsewhere.status, elsewhere.results) == ("other-region-only", ("B",))
