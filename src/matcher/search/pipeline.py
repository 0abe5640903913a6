"""A statement searched: read it, score its needs and the whole, decide each need's status,
order the results so that every need is served early, and make the cards.

Each step is a function of its own module (reading.statement, scoring, coverage, ordering,
matches); this module runs them in order and holds no rule of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from matcher.errors import InputError
from matcher.reading.countries import resolve_country
from matcher.reading.model import ClauseRead
from matcher.reading.statement import Aspect, Reading, read_statement
from matcher.search.calibration import GAP_FEATURES, Calibration
from matcher.search.coverage import (
    aspect_votes,
    judge_candidates,
    judged_coverage,
    mark_out_of_scope,
    need_coverage,
    outside_field,
    served_needs,
)
from matcher.search.judge import Judge, JudgeInput
from matcher.search.judge_features import SIGNALS, need_row, pair_features
from matcher.search.matches import make_match
from matcher.search.ordering import xquad_order
from matcher.search.request import Filters, allowed_mask, check_k, clean_query
from matcher.search.results import Match, NeedCoverage, SearchResult
from matcher.search.retrieval import top_k
from matcher.search.scoring import Scored, Scorer
from matcher.search.word_cover import content_words

FEATURE_DEPTH = 15
"""How many of a need's best candidates set the maxima its judged candidates are measured from
(as many as the judge's training dump holds)."""
NO_REQUEST = (
    "We read no request in the statement, only context; results are for the "
    "statement as a whole. Say what you need (e.g. 'we need ...')."
)


def read(scorer: Scorer, calibration: Calibration, statement: str) -> Reading:
    """The statement read: clauses as need / context / other, needs, places and actors."""
    model = calibration.clause_model
    # the statement as searched is embedded in the reader's call when search will ask for it
    # (a model its language weights; the clauses are embedded either way)
    prepared, english = scorer.prepare([statement])
    whole = prepared if scorer.weighs(model.encoder, english[0]) else []

    def vectors_for(texts: list[str]) -> np.ndarray:
        return scorer.encode_queries(model.encoder, [*texts, *whole])[: len(texts)]

    return read_statement(statement, model, vectors_for)


def match_for(
    scorer: Scorer, calibration: Calibration, row: int, scored: Scored, needs: tuple[str, ...] = ()
) -> Match:
    """The card of the initiative at catalogue `row` under a scored text."""
    return make_match(
        scorer.corpus.initiatives[row],
        row,
        scored,
        scorer.best_passage(row, scored),
        calibration.label_model,
        scorer.stopwords,
        needs,
    )


def search(
    scorer: Scorer,
    calibration: Calibration,
    query: str,
    *,
    k: int = 10,
    filters: Filters | None = None,
    min_score: float = 0.0,
    needs: Sequence[str] | None = None,
    country: str | None = None,
) -> SearchResult:
    """The initiatives that serve a statement, best first, with why each matched.

    The statement is read first (reading.statement): its need clauses are scored one by one and
    its context only steers (the region read from it). xQuAD then orders the results so that
    each need the catalogue serves gets its best programmes early, while a one-need statement
    ranks exactly as the engine scores that need.

    Each need's status comes from the judge when the calibration carries one (it reads each
    need against its best candidates), else from the gap model's threshold.

    Args:
        needs: the needs to search for instead of those read from the statement (the app's
            "drop a need / add a need"); the statement still gives the context.
        country: the writer's country (a name or ISO code); without it, the first place the
            statement names is taken as the writer's.
    """
    settings = scorer.settings
    k = check_k(k)
    writer = resolve_country(country) if country is not None else None
    text, notices = clean_query(query)
    reading = read(scorer, calibration, text)
    aspects = list(reading.aspects)
    if needs is not None:
        blank = [n for n in needs if not isinstance(n, str) or not n.strip()]
        chosen = list(dict.fromkeys(clean_query(n)[0] for n in needs if n not in blank))
        if not chosen:
            raise InputError("give at least one need to search for (the needs were blank)")
        reading = replace(reading, needs=tuple(chosen))
        aspects = [Aspect(n, 1.0, -1, True) for n in chosen]
    if not aspects:
        aspects = [Aspect(text, 1.0, -1, True)]
    allowed = allowed_mask(scorer.corpus, filters or Filters())
    regions = reading.regions if writer is None else ((writer.region,) if writer.region else ())
    need_texts = list(reading.needs)
    if not need_texts:
        notices = (*notices, NO_REQUEST)
    texts = list(dict.fromkeys([a.text for a in aspects] + need_texts))
    # the needs' words the judge reads, embedded with the texts (one multilingual call)
    words = (
        [w for t in scorer.prepare(need_texts)[0] for w in content_words(t)]
        if calibration.judge is not None
        else []
    )
    if len(texts) == 1:
        whole = scorer.score_many(texts, regions=regions, allowed=allowed, words=words)[0]
        by_text = {texts[0]: whole}
    else:
        joined = settings.whole_query_joiner.join(need_texts)
        whole_text = joined if settings.whole_from_needs and joined else text
        scored = scorer.score_many(
            [whole_text, *texts],
            regions=regions,
            allowed=allowed,
            judged=[False] + [True] * len(texts),  # the whole ranks; its parts are judged
            words=words,
        )
        whole, by_text = scored[0], dict(zip(texts, scored[1:], strict=True))
    per_aspect = [by_text[a.text] for a in aspects]
    relevance = np.vstack([s.final for s in per_aspect])
    # the gap model's features, once per text (a need is usually also a part)
    features = {t: scorer.need_features(by_text[t]) for t in texts}
    gap_model = calibration.gap_model
    judge = calibration.judge
    if judge is not None and need_texts:
        coverage = judge_needs(
            scorer,
            judge,
            [by_text[t] for t in need_texts],
            need_texts,
            allowed,
            [features[t][1] for t in need_texts],
            [gap_model.probability(features[t][1]) for t in need_texts],
        )
    elif need_texts:
        coverage = need_coverage(
            need_texts,
            [by_text[t] for t in need_texts],
            np.vstack([by_text[t].final for t in need_texts]),
            allowed,
            [features[t] for t in need_texts],
            gap_model,
            scorer.ids,
            need_top=settings.need_top,
            need_relative=settings.need_relative,
        )
    else:
        coverage = []
    need_weight = np.array([a.p_need for a in aspects])
    if len(aspects) == 1:
        rows = top_k(whole.final, k, allowed)
        score_of = whole.final
    else:
        columns = scorer.columns(per_aspect, allowed)
        votes = aspect_votes(
            [a.p_need for a in aspects],
            [gap_model.probability(features[a.text][0]) for a in aspects],
        )
        sharp = relevance[:, columns] ** settings.need_sharpness
        picked = xquad_order(whole.final[columns], sharp, votes, k, lam=settings.xquad_lambda)
        rows = [int(columns[i]) for i in picked]
        # what a result is shown for: its best part, each part counted as far as it is a
        # need (a self-introduction naming "canine units" does not make 1209 a top match)
        score_of = (relevance * need_weight[:, None]).max(axis=0)
    rows = [r for r in rows if score_of[r] >= min_score]
    served = served_needs(rows, scorer.ids, coverage)
    matches = []
    turns: dict[str, int] = {}  # the cards placed so far for each need
    for r in rows:
        best = int(np.argmax(relevance[:, r] * need_weight))
        basis = per_aspect[best] if len(aspects) > 1 else whole
        shown_for = aspects[best].text if aspects[best].text in need_texts else ""
        turns[shown_for] = turns.get(shown_for, 0) + 1
        matches.append(
            make_match(
                scorer.corpus.initiatives[r],
                r,
                basis,
                scorer.best_passage(r, basis),
                calibration.label_model,
                scorer.stopwords,
                served[r],
                score=float(score_of[r]),
                shown_for=shown_for,
                rank_for_need=turns[shown_for] if shown_for else 0,
            )
        )
    return SearchResult(
        text,
        tuple(matches),
        tuple(coverage),
        whole.query_regions,
        notices,
        reading.context,
        tuple(ClauseRead(c.text, c.kind.value, c.probability) for c in reading.clauses),
        writer.name if writer is not None else "",
    )


def judge_input(
    scorer: Scorer, scored: Scored, gap_features: np.ndarray, judged: int, p_gap: float
) -> tuple[np.ndarray, JudgeInput]:
    """A need's candidates, best by content first, and what the judge reads of the first
    `judged`: the need as searched, their passages, their feature rows and the need's own row
    (`p_gap`: the gap model's probability that nothing anywhere serves it). Training reads the
    same (scripts/train_judge.py), so the two cannot drift apart."""
    rows = judge_candidates(scored, max(judged, FEATURE_DEPTH))
    head = rows[:judged]
    best = [scorer.best_passage_row(int(r), scored) for r in head]
    signals = [signal for signal in SIGNALS if signal in scorer.index.vectors]
    features = pair_features(
        scored,
        rows,
        dict(zip(GAP_FEATURES, gap_features.tolist(), strict=True)),
        {s: np.asarray(scorer.index.vectors[s][best], dtype=np.float64) for s in signals},
        {s: scorer.initiative_vectors(s)[head] for s in signals},
        judged,
        scorer.lexical.term_overlap(scored.query, [int(r) for r in head]),
        scorer.word_coverage(scored, head),
    )
    passages = tuple(
        f"{scorer.corpus.initiatives[int(r)].title}. {scorer.index.passages[b].text}"
        for r, b in zip(head, best, strict=True)
    )
    need = need_row(features, p_gap, scorer.field_similarity(scored))
    return rows, JudgeInput(scored.query, passages, features, need)


def judge_needs(
    scorer: Scorer,
    judge: Judge,
    per_need: Sequence[Scored],
    needs: Sequence[str],
    allowed: np.ndarray | None,
    gap_features: Sequence[np.ndarray],
    p_gaps: Sequence[float],
) -> list[NeedCoverage]:
    """Each need's status from the judge over its best candidates (one call for all needs); a
    statement outside the catalogue's field has all its needs out-of-scope."""
    inputs, judged = [], []
    for s, anywhere, p_gap in zip(per_need, gap_features, p_gaps, strict=True):
        rows, item = judge_input(scorer, s, anywhere, judge.candidates, p_gap)
        inputs.append(item)
        judged.append(rows[: judge.candidates])
    probabilities = judge.probabilities(inputs)
    served = judge.content_served(inputs, probabilities)
    coverage = [
        judged_coverage(
            need,
            s,
            rows,
            p,
            judge.threshold,
            s.final,
            allowed,
            scorer.ids,
            need_top=scorer.settings.need_top,
            content_served=content,
        )
        for need, s, rows, p, content in zip(
            needs, per_need, judged, probabilities, served, strict=True
        )
    ]
    likeness = max(scorer.field_similarity(s) for s in per_need)
    if outside_field(coverage, likeness, judge.field_floor):
        return mark_out_of_scope(coverage)
    return coverage
