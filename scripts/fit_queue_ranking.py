"""Fit the review queue's ranking (overlaps.ranking.QueueModel) on labelled candidate pairs.

    python scripts/fit_queue_ranking.py [scripts/data/overlap_queue_labels.json] [--dry-run]

A logistic regression over `QUEUE_FEATURES`; its L2 strength is chosen by repeated stratified
5-fold cross-validation on the labelled pairs (average precision of the held-out predictions),
and the figures of the chosen one are printed next to those of the hand-set noisy-or ranking on
the same held-out pairs. Writes src/matcher/data/queue_ranking.json with its provenance. The
labelled pairs leave out every pair of scripts/data/overlap_judgements.json, so
`scripts/eval_overlaps.py` on that file measures the fitted order on pairs it never saw.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold

from matcher.facade import Matcher
from matcher.overlaps.detect import score_pairs
from matcher.overlaps.ranking import DEFAULT_FILE, QueueModel
from matcher.overlaps.reviews import pair_key

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "scripts" / "data" / "overlap_queue_labels.json"
GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="?", default=str(LABELS))
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    labelled = json.loads(Path(args.labels).read_text(encoding="utf-8"))["pairs"]
    matcher = Matcher.open()
    scored = score_pairs(matcher.corpus.initiatives, matcher.initiative_vectors(), model=None)
    by_pair = {pair_key(s.a, s.b): s for s in scored}
    missing = [p for p in labelled if pair_key(p["a"], p["b"]) not in by_pair]
    if missing:
        raise SystemExit(
            f"{len(missing)} labelled pairs are no longer candidates, e.g. {missing[0]}"
        )
    rows = [by_pair[pair_key(p["a"], p["b"])] for p in labelled]
    x = np.array([s.features for s in rows], dtype=np.float64)
    y = np.array([p["label"] for p in labelled])
    # scaled over every candidate pair, not the labelled ones alone: the labels hold no copy,
    # and a copy's containment would otherwise sit a hundred deviations out
    every = np.array([s.features for s in scored], dtype=np.float64)
    mean, scale = every.mean(axis=0), every.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    folds = list(RepeatedStratifiedKFold(n_splits=5, n_repeats=10, random_state=23).split(z, y))

    def held_out(c: float | None) -> tuple[float, float]:
        aps, aucs = [], []
        for train, test in folds:
            if c is None:  # the hand-set noisy-or, fitted to nothing
                p = np.array([rows[i].look for i in test])
            else:
                fit = LogisticRegression(C=c, max_iter=2000).fit(z[train], y[train])
                p = fit.predict_proba(z[test])[:, 1]
            aps.append(average_precision_score(y[test], p))
            aucs.append(roc_auc_score(y[test], p))
        return float(np.mean(aps)), float(np.mean(aucs))

    base_ap, base_auc = held_out(None)
    print(f"{len(y)} labelled pairs, {int(y.sum())} worth a look; 5-fold x 10 repeats")
    print(f"  hand-set noisy-or: average precision {base_ap:.3f}, AUC {base_auc:.3f}")
    results = {c: held_out(c) for c in GRID}
    for c, (ap, auc) in results.items():
        print(f"  logistic C={c:<5}: average precision {ap:.3f}, AUC {auc:.3f}")
    best = max(GRID, key=lambda c: (results[c][0], -c))
    fit = LogisticRegression(C=best, max_iter=2000).fit(z, y)
    model = QueueModel(
        fit.coef_[0],
        float(fit.intercept_[0]),
        mean,
        scale,
        {
            "fitted_by": "scripts/fit_queue_ranking.py",
            "labels": str(Path(args.labels).resolve().relative_to(ROOT)),
            "pairs": len(y),
            "worth_a_look": int(y.sum()),
            "C": best,
            "cv": "repeated stratified 5-fold x 10 on the labelled pairs",
            "cv_average_precision": round(results[best][0], 3),
            "cv_auc": round(results[best][1], 3),
            "noisy_or_cv_average_precision": round(base_ap, 3),
            "noisy_or_cv_auc": round(base_auc, 3),
            "corpus_hash": matcher.corpus.content_hash,
            "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    print(f"chosen C={best}; weights:")
    for name, w in zip(model.to_dict()["features"], model.coef, strict=True):  # type: ignore[call-overload]
        print(f"  {name:<24} {w:+.2f}")
    if not args.dry_run:
        target = ROOT / "src" / "matcher" / "data" / DEFAULT_FILE
        target.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
