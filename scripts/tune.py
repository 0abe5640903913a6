"""Tune the fusion weights on the judged dev set with cross-validation, and print the figures.

Scores every dev query once per signal, then searches a coarse grid of convex weights (step 0.1)
for English and for non-English queries (two weight vectors blended by each query's English
share). Reports each signal alone, reciprocal-rank fusion, and the fused engine under 5-fold
cross-validation (weights chosen on 4 folds, measured on the fifth), so the figure is honest.

    python scripts/tune.py [../shared/eval/dev_queries.json]
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from matcher.evaluate import evaluate_runs, format_report, load_queries
from matcher.facade import Matcher
from matcher.search.retrieval import blend_weights, fuse, top_k
from matcher.settings import Settings

SIGNALS = ("bm25", "minilm", "use", "e5")


ENGLISH_SIGNALS = ("bm25", "minilm", "use")
FOREIGN_SIGNALS = ("bm25", "minilm", "use")
"""BM25 and MiniLM stay in the foreign set: names (captagon, fentanilo, tramadol) and shared
word pieces survive translation. Run with --e5 to include multilingual-e5 (slow per query)."""


def grid(signals: tuple[str, ...], step: float = 0.1) -> list[dict[str, float]]:
    n = round(1 / step)
    out = []
    for combo in itertools.product(range(n + 1), repeat=len(signals)):
        if sum(combo) == n:
            weights = dict.fromkeys(SIGNALS, 0.0)
            weights.update({s: round(c * step, 2) for s, c in zip(signals, combo, strict=True)})
            out.append(weights)
    return out


def main(path: str, with_e5: bool) -> None:
    global FOREIGN_SIGNALS, ENGLISH_SIGNALS
    queries = load_queries(path)
    settings = Settings()
    if with_e5:
        settings = replace(settings, dense_models=("minilm", "use", "e5"))
        FOREIGN_SIGNALS = (*FOREIGN_SIGNALS, "e5")
    settings = replace(settings, always_encode=settings.dense_models)  # every signal, every query
    m = Matcher.open(settings=settings)
    ids = m.corpus.ids
    scored = {q.qid: m.score(q.query) for q in queries}
    shares = {q.qid: m.prepare([q.query])[1][0] for q in queries}
    factors = {qid: s.factors for qid, s in scored.items()}

    def run(weights_en: dict[str, float], weights_fx: dict[str, float], qids: list[str]) -> dict:
        runs = {}
        for qid in qids:
            s = scored[qid]
            w = blend_weights(weights_en, weights_fx, shares[qid])
            final = fuse(s.signals, w, norm=settings.normalization) * factors[qid]
            runs[qid] = [ids[i] for i in top_k(final, 10)]
        return evaluate_runs([q for q in queries if q.qid in qids], runs)

    all_qids = [q.qid for q in queries]
    for signal in [s for s in SIGNALS if s == "bm25" or s in settings.dense_models]:
        one = {s: float(s == signal) for s in SIGNALS}
        print(format_report(run(one, one, all_qids), f"\n{signal} alone"))
    rrf_runs = {}
    for qid in all_qids:
        s = scored[qid]
        rrf = np.zeros(len(ids))
        for name in ("bm25", "minilm"):
            order = np.argsort(-s.signals[name])
            rrf[order] += 1 / (60 + np.arange(1, len(ids) + 1))
        rrf_runs[qid] = [ids[i] for i in top_k(rrf, 10)]
    print(format_report(evaluate_runs(queries, rrf_runs), "\nRRF(bm25, minilm)"))

    candidates = {"en": grid(ENGLISH_SIGNALS), "fx": grid(FOREIGN_SIGNALS)}
    foreign_q = [q.qid for q in queries if shares[q.qid] < 0.5]
    english_q = [q.qid for q in queries if shares[q.qid] >= 0.5]
    print(f"\nqueries judged English by share: {len(english_q)}, non-English: {len(foreign_q)}")

    def best(qids: list[str], fixed_fx: dict[str, float] | None) -> dict[str, float]:
        scores = []
        for w in candidates["en" if fixed_fx else "fx"]:
            rep = run(w, fixed_fx or w, qids)
            # ties go to the most even weighting, the choice least fitted to these queries
            scores.append((rep["overall"]["ndcg@10"], -max(w.values()), w))
        return max(scores, key=lambda t: (t[0], t[1]))[2]

    folds = [all_qids[i::5] for i in range(5)]
    cv_runs: dict[str, list[str]] = {}
    chosen: list[tuple[dict[str, float], dict[str, float]]] = []
    for fold in folds:
        train = [q for q in all_qids if q not in fold]
        w_fx = best([q for q in train if q in foreign_q], None) if foreign_q else None
        w_en = best([q for q in train if q in english_q], w_fx)
        rep = run(w_en, w_fx or w_en, fold)
        chosen.append((w_en, w_fx or w_en))
        for qid in fold:
            s = scored[qid]
            w = blend_weights(w_en, w_fx or w_en, shares[qid])
            cv_runs[qid] = [
                ids[i]
                for i in top_k(fuse(s.signals, w, norm=settings.normalization) * factors[qid], 10)
            ]
        print(f"fold {fold[0]}..: en={w_en} fx={w_fx} nDCG={rep['overall']['ndcg@10']}")
    print(format_report(evaluate_runs(queries, cv_runs), "\nfused, 5-fold cross-validated"))
    mean_en = {s: round(sum(c[0][s] for c in chosen) / len(chosen), 2) for s in SIGNALS}
    mean_fx = {s: round(sum(c[1][s] for c in chosen) / len(chosen), 2) for s in SIGNALS}
    print(f"\nmean of the folds' weights (the defaults): english={mean_en} foreign={mean_fx}")
    print(format_report(run(mean_en, mean_fx, all_qids), "fused with the mean weights"))
    cur = run(m.settings.english_weights.as_dict(), m.settings.foreign_weights.as_dict(), all_qids)
    print(format_report(cur, "\ncurrent settings"))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--e5"]
    main(args[0] if args else str(Path("../shared/eval/dev_queries.json")), "--e5" in sys.argv)
