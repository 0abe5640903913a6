"""Decisions about needs: each need's status and the programmes listed for it, the say each part
of a statement gets in the ordering, and which needs a result is shown as serving.

Pure functions over `Scored` arrays and a fitted gap model; the facade only passes them along.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from matcher.search.calibration import GapModel, NeedStatus, decide_status
from matcher.search.results import NeedCoverage
from matcher.search.retrieval import top_k
from matcher.search.scoring import Scored

VOTE_FLOOR = 0.05
"""The least say a part of the statement keeps in the ordering, however likely a gap it is."""


def need_coverage(
    needs: Sequence[str],
    per_need: Sequence[Scored],
    relevance: np.ndarray,
    allowed: np.ndarray | None,
    features: Sequence[tuple[np.ndarray, np.ndarray]],
    gap_model: GapModel,
    ids: Sequence[str],
    *,
    need_top: int,
    need_relative: float,
) -> list[NeedCoverage]:
    """Each need's status (served, gap, other-region-only) from the calibrated gap model over
    its `features` (Scorer.need_features), and its best programmes.

    Args:
        needs: The need texts, in the statement's order.
        per_need: Each need's scores.
        relevance: (needs x catalogue) ranking scores.
        allowed: The user's filters as a mask (None: no filter).
        features: Each need's gap features: open to the writer, and anywhere.
        gap_model: The fitted gap model.
        ids: Initiative ids in catalogue order.
        need_top: How many programmes a need lists at most.
        need_relative: A listed programme scores at least this share of the need's best.
    """
    out = []
    for i, (need, s, (writer, anywhere)) in enumerate(
        zip(needs, per_need, features, strict=True)
    ):
        # whether the catalogue serves a need does not depend on the user's filters; the
        # programmes listed for it do
        p_gap = gap_model.probability(writer)
        status = decide_status(p_gap, gap_model.probability(anywhere), gap_model.threshold)
        conf = s.confidence * s.factors
        if status is NeedStatus.OTHER_REGION_ONLY:
            # the programmes that would serve it, elsewhere
            elsewhere = np.where(s.factors < 1.0, s.fused, -np.inf)
            serving = tuple(ids[r] for r in top_k(elsewhere, need_top, allowed))
        elif status is NeedStatus.SERVED:
            best = top_k(relevance[i], need_top, allowed)
            top = float(relevance[i, best[0]]) if best else 0.0
            serving = tuple(ids[r] for r in best if relevance[i, r] >= need_relative * top)
        else:
            serving = ()
        out.append(
            NeedCoverage(
                need,
                status is NeedStatus.SERVED,
                serving,
                round(float(np.max(conf)) if conf.size else 0.0, 4),
                status.value,
                round(p_gap, 4),
            )
        )
    return out


def aspect_votes(p_needs: Sequence[float], p_gaps: Sequence[float]) -> np.ndarray:
    """Each part of the statement has a say in proportion to how likely it states a need, and a
    part nothing serves (a likely gap) gets little say."""
    return np.array(
        [p * max(1.0 - g, VOTE_FLOOR) for p, g in zip(p_needs, p_gaps, strict=True)]
    )


def served_needs(
    rows: Sequence[int], ids: Sequence[str], coverage: Sequence[NeedCoverage]
) -> Mapping[int, tuple[str, ...]]:
    """For each result row, the needs it is listed as serving (only needs that are served)."""
    return {
        r: tuple(
            c.text for c in coverage if c.status == NeedStatus.SERVED and ids[r] in c.results
        )
        for r in rows
    }


def judge_candidates(scored: Scored, n: int) -> np.ndarray:
    """The rows the judge reads for a need: its `n` best initiatives by content (the fused
    score before the region factor: region is a rule applied afterwards)."""
    retrieved = scored.candidates if scored.candidates is not None else np.arange(len(scored.fused))
    order = np.argsort(-scored.fused[retrieved], kind="stable")[:n]
    return np.asarray(retrieved[order], dtype=np.int64)


def accepted_candidates(
    probabilities: np.ndarray, threshold: float, content_served: bool
) -> np.ndarray:
    """Which candidates the judge says serve a need: none when nothing in the catalogue serves
    it, else those at `threshold`, and at least the likeliest (training decides the same way,
    scripts/train_judge.py)."""
    accepted = (np.asarray(probabilities) >= threshold) & content_served
    if content_served and not accepted.any() and len(probabilities):
        accepted[int(np.argmax(probabilities))] = True
    return accepted


def judged_coverage(
    need: str,
    scored: Scored,
    rows: np.ndarray,
    probabilities: np.ndarray,
    threshold: float,
    relevance: np.ndarray,
    allowed: np.ndarray | None,
    ids: Sequence[str],
    *,
    need_top: int,
    content_served: bool,
) -> NeedCoverage:
    """A need's status from the judge's probabilities over its candidate `rows`.

    Served: some accepted initiative (p >= threshold) is open to the writer's region; it lists
    those, best ranked first. Other-region-only: only initiatives limited to other regions are
    accepted; it lists them. Gap: not `content_served` (the judge says nothing in the catalogue
    serves it, Judge.content_served). A need something serves with no candidate at the
    threshold accepts its likeliest one. Whether the catalogue serves a need does not depend on
    the user's filters; the programmes listed for it do.
    """
    accepted = accepted_candidates(probabilities, threshold, content_served)
    open_rows = scored.factors[rows] >= 1.0
    served = rows[accepted & open_rows]
    elsewhere = rows[accepted & ~open_rows]
    if len(served):
        status, listed = NeedStatus.SERVED, served
    elif len(elsewhere):
        status, listed = NeedStatus.OTHER_REGION_ONLY, elsewhere
    else:
        status, listed = NeedStatus.GAP, rows[:0]
    if allowed is not None:
        listed = listed[allowed[listed]]
    listed = listed[np.argsort(-relevance[listed], kind="stable")][:need_top]
    p_open = probabilities[open_rows]
    conf = scored.confidence * scored.factors
    return NeedCoverage(
        need,
        status is NeedStatus.SERVED,
        tuple(ids[r] for r in listed),
        round(float(np.max(conf)) if conf.size else 0.0, 4),
        status.value,
        round(1.0 - float(p_open.max()) if p_open.size else 1.0, 4),
    )


def outside_field(
    coverage: Sequence[NeedCoverage], field_similarity: float, field_floor: float
) -> bool:
    """A statement lies outside the catalogue's field when nothing serves any of its needs and
    it is less like the catalogue than every need the judge was trained to call served."""
    return (
        bool(coverage)
        and all(c.status == NeedStatus.GAP for c in coverage)
        and field_similarity < field_floor
    )


def mark_out_of_scope(coverage: Sequence[NeedCoverage]) -> list[NeedCoverage]:
    """The needs of a statement outside the field, each with status `out-of-scope`."""
    return [replace(c, status=NeedStatus.OUT_OF_SCOPE.value) for c in coverage]
