"""One result card: the initiative, the passage that matched, its terms, its label and its
region note, from a scored text."""

from __future__ import annotations

from matcher.catalogue.model import Initiative
from matcher.search.calibration import LabelModel, label_features
from matcher.search.explain import MatchLabel, highlight_terms
from matcher.search.results import Match
from matcher.search.scoring import Scored


def region_note(initiative: Initiative, outside_region: bool) -> str:
    """What a card says of an initiative's region limits, for this writer."""
    if outside_region:
        return f"Limited to {', '.join(initiative.regions)}"
    if initiative.regions:
        return f"Regional: {', '.join(initiative.regions)}"
    return ""


def make_match(
    initiative: Initiative,
    row: int,
    scored: Scored,
    passage: str,
    labels: LabelModel | None,
    stopwords: frozenset[str],
    needs: tuple[str, ...] = (),
    *,
    score: float | None = None,
    shown_for: str = "",
    rank_for_need: int = 0,
) -> Match:
    """The Match record of the initiative at catalogue `row` under a scored text.

    Args:
        initiative: The initiative.
        row: Its row in the catalogue (and in `scored`'s arrays).
        scored: The text it is shown for.
        passage: Its passage that best matched the text.
        labels: The fitted label model (None: every match is weak).
        stopwords: Stems the highlighter skips.
        needs: The needs the card says it serves.
        score: The score shown (default: the text's ranking score).
        shown_for: The need the card is placed for; rank_for_need: its place among them.
    """
    outside = bool(scored.factors[row] < 1.0)
    conf = float(scored.confidence[row] * scored.factors[row])
    shown = round(float(scored.final[row] if score is None else score), 4)
    features = label_features(round(conf, 4), shown, outside)
    return Match(
        id=initiative.id,
        title=initiative.title,
        score=shown,
        match=labels.label(features) if labels is not None else MatchLabel.WEAK.value,
        sub_working_group=initiative.sub_working_group,
        sub_working_group_title=initiative.sub_working_group_title,
        organizations=initiative.organizations,
        regions=initiative.regions,
        passage=passage,
        highlights=highlight_terms(scored.query, passage, stopwords),
        confidence=round(conf, 4),
        region_note=region_note(initiative, outside),
        needs=needs,
        shown_for=shown_for,
        rank_for_need=rank_for_need,
    )
