"""Choose the engine's ranking settings by cross-validation over the dev statements and write
them to `src/matcher/data/ranking.json` (read by settings.py as the defaults).

    python scripts/tune_engine.py [--eval-dir ../shared/eval] [--folds 5] [--check]

It runs the whole search, statement reading and xQuAD included, for every setting of a small
grid:
* fusion weights for English and for non-English text (blended by each text's English share),
* xQuAD's lambda (serving every need against relevance to the whole statement),
* dense pseudo-relevance feedback (Rocchio) weight, 0 = off.
Statements: the 40 graded dev queries and the 70 training statements, whose initiatives that
serve a need count as grade 2 (they were written apart from the term tables, which were built
with the dev queries in view, so they keep the choice honest for non-English text). The
objective is the mean of the two sets' nDCG@10.
Nested: for each of 5 folds of statements the grid point with the best mean nDCG@10 on the other
4 folds is measured on the held-out one, so the out-of-fold figure is what a new statement can
expect; the in-sample figure is the best grid point measured on the statements it was chosen
on. Ties go to the current defaults, then to the earlier grid point. The gap model's features
depend on these settings: run scripts/calibrate.py afterwards.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from matcher.evaluate import (
    evaluate_runs,
    format_report,
    load_queries,
    load_training_statements,
    ndcg_at,
)
from matcher.facade import Matcher
from matcher.search.calibration import calibration_key, load_calibration
from matcher.search.encoders import default_encoders
from matcher.settings import FusionWeights, Settings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "matcher" / "data" / "ranking.json"

ENGLISH = [FusionWeights(bm25=b, minilm=round(1 - b, 2), use=0.0) for b in (0.35, 0.45, 0.55)]
FOREIGN = [
    FusionWeights(bm25=0.35, minilm=0.2, use=0.45),
    FusionWeights(bm25=0.5, minilm=0.25, use=0.25),
    FusionWeights(bm25=0.25, minilm=0.15, use=0.6),
]
LAMBDAS = (0.5, 0.7, 0.85)
PRF = (0.0, 0.3)


def grid() -> list[dict[str, object]]:
    return [
        {"english_weights": en, "foreign_weights": fx, "xquad_lambda": lam, "prf_weight": prf}
        for en, fx, lam, prf in itertools.product(ENGLISH, FOREIGN, LAMBDAS, PRF)
    ]


def describe(point: dict[str, object]) -> dict[str, object]:
    return {
        k: (dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v)  # type: ignore[arg-type]
        for k, v in point.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="report only; write nothing")
    args = parser.parse_args()
    dev_path = Path(args.eval_dir) / "dev_queries.json"
    train_path = Path(args.eval_dir) / "train_statements.json"
    dev = load_queries(dev_path)
    train_set = load_training_statements(train_path)
    queries = dev + train_set
    source = np.array([0] * len(dev) + [1] * len(train_set))
    encoders = default_encoders()
    # the gap model only weighs the parts of a statement here; any fit of it will do
    calibration = dataclasses.replace(
        load_calibration(), fitted_for=calibration_key(encoders, Settings())
    )
    base = Matcher.open(encoders=encoders, calibration=calibration, progress=False)
    points = grid()
    current = Settings()
    ndcg = np.zeros((len(points), len(queries)))
    runs_by_point = []
    for p, point in enumerate(points):
        engine = base.with_settings(**point)
        runs = {q.qid: [m.id for m in engine.search(q.query, k=10).results] for q in queries}
        runs_by_point.append(runs)
        ndcg[p] = [ndcg_at(runs[q.qid], q.judgments) for q in queries]
    is_current = np.array(
        [all(getattr(current, k) == v for k, v in point.items()) for point in points]
    )

    def choose(columns: np.ndarray) -> int:
        parts = [ndcg[:, columns[source[columns] == k]].mean(axis=1) for k in (0, 1)]
        means = ((parts[0] + parts[1]) / 2).round(6)
        best = means.max()
        ties = np.flatnonzero(means == best)
        preferred = [t for t in ties if is_current[t]]
        return int(preferred[0] if preferred else ties[0])

    qids = [q.qid for q in queries]
    folds = [
        np.concatenate([np.flatnonzero(source == k)[i :: args.folds] for k in (0, 1)])
        for i in range(args.folds)
    ]
    oof_runs: dict[str, list[str]] = {}
    for f, test in enumerate(folds):
        train = np.setdiff1d(np.arange(len(queries)), test)
        chosen = choose(train)
        for i in test:
            oof_runs[qids[i]] = runs_by_point[chosen][qids[i]]
        print(f"fold {f + 1}: chose {describe(points[chosen])}")
    best = choose(np.arange(len(queries)))
    current_point = int(np.flatnonzero(is_current)[0]) if is_current.any() else best
    report = {}
    for name, subset in (("dev", dev), ("train", train_set)):
        in_sample = evaluate_runs(subset, runs_by_point[best])
        out_of_fold = evaluate_runs(subset, oof_runs)
        before = evaluate_runs(subset, runs_by_point[current_point])
        print(format_report(before, f"\n{name}: the settings before this run"))
        print(format_report(in_sample, f"\n{name}: in sample (the chosen point)"))
        print(format_report(out_of_fold, f"\n{name}: out of fold (chosen without the statement)"))
        report[name] = (in_sample["overall"]["ndcg@10"], out_of_fold["overall"]["ndcg@10"])
    print(f"\nchosen: {describe(points[best])}")
    if args.check:
        return 0
    data = {
        "about": "Ranking settings chosen by scripts/tune_engine.py (grid search of the whole "
        "search, nested 5-fold cross-validation over the dev statements); read by settings.py.",
        "settings": describe(points[best]),
        "provenance": {
            "script": "scripts/tune_engine.py",
            "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data": {
                p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16]
                for p in (dev_path, train_path)
            },
            "models": {
                k: v for k, v in calibration_key(encoders, Settings()).items() if k != "settings"
            },
            "grid_points": len(points),
            "dev_ndcg@10_in_sample": report["dev"][0],
            "dev_ndcg@10_out_of_fold": report["dev"][1],
            "train_ndcg@10_in_sample": report["train"][0],
            "train_ndcg@10_out_of_fold": report["train"][1],
        },
    }
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}; now run scripts/calibrate.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
