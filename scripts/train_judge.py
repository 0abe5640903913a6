"""Train the judge: p(initiative serves need) for retrieval's best candidates, shipped in
src/matcher/data/judge (judge.npz + manifest.json) and read by search/judge.py.

    python scripts/train_judge.py                  # dump, cross-validate, fit, write (~3 min)
    python scripts/train_judge.py --no-final       # the out-of-fold table only
    python scripts/train_judge.py --cands F --out D --tiny   # the suite's smoke test

Recipe (chosen out of fold against today's thresholds, a logistic model over retrieval features
alone and a fine-tuned MiniLM cross-encoder; see the README's Evaluation):
* data: every need of gap_needs.json (each whole text one need, the region of its writer's
  country) and of train_statements.json (the region read from its whole statement);
* candidates: the need scored alone by the engine; its 8 best initiatives by content (fused
  score, before the region factor: region is a rule afterwards); label 1 when the id is in
  `served_by` (for other-region-only needs those are content-positives), 0 otherwise;
* features: `matcher.search.judge_features.pair_features`, the product's own definition:
  17 retrieval features and the need x best-passage and need x initiative-mean vector products
  of MiniLM and USE;
* model: standardised features, logistic regression, C chosen by inner grouped CV log loss;
* decision: accepted = p >= threshold; served if an accepted candidate is open to the writer,
  other-region-only if only region-limited ones the writer is outside of are, gap otherwise;
  the threshold finds the most not-served needs while calling at most 5% of served needs not
  served, chosen in each outer fold on the other folds only;
* cross-validation: 5 folds grouped by gap topic / statement (GroupKFold, shuffled, seed 13),
  so a topic is never in train and test at once;
* field floor: the least likeness to the catalogue (MiniLM cosine to its mean passage) of any
  need labelled served; a statement less like it, with every need a gap, is out-of-scope.
The dump goes to build/judge/cands.json (ignored by git); --redump makes it again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
SHIPPED = ROOT / "src" / "matcher" / "data" / "judge"
WORK = ROOT / "build" / "judge"
CANDIDATES = 8
C_GRID = (0.001, 0.003, 0.01, 0.03)
MAX_NOT_SERVED_RATE = 0.05


# ----------------------------------------------------------------------------- data
def labelled_needs(gap_path: Path, train_path: Path) -> list[dict[str, Any]]:
    rows = []
    for g in json.loads(gap_path.read_text("utf-8")):
        rows.append(dict(source="gap", nid=g["nid"], group="T:" + g["topic"], text=g["text"],
                         statement=None, lang=g["lang"], style=g["style"], status=g["status"],
                         served_by=g["served_by"], writer_country=g["writer_country"]))
    for st in json.loads(train_path.read_text("utf-8")):
        for j, n in enumerate(st["needs"]):
            rows.append(dict(source="train", nid=f"{st['sid']}.{j}", group="S:" + st["sid"],
                             text=n["text"], statement=st["statement"], lang=st["lang"],
                             style=st["style"], status=n["status"], served_by=n["served_by"],
                             writer_country=(st.get("places") or [None])[0]))
    return rows


def dump_candidates(gap_path: Path, train_path: Path, out: Path) -> None:
    """Each labelled need scored alone by the engine, with its candidates' feature rows."""
    from matcher.facade import Matcher
    from matcher.reading.countries import resolve_country
    from matcher.search.calibration import load_calibration
    from matcher.search.pipeline import judge_input

    m = Matcher.open(calibration=load_calibration(judge=False), progress=False)
    scorer = m.scorer
    needs = []
    for row in labelled_needs(gap_path, train_path):
        if row["statement"] is not None:
            regions = tuple(m.read(row["statement"]).regions)
        elif row["writer_country"]:
            region = resolve_country(row["writer_country"]).region
            regions = (region,) if region else ()
        else:
            regions = tuple(m.read(row["text"]).regions)
        s = m.score_many([row["text"]], regions=regions)[0]
        anywhere = m.need_features(s)[1]
        rows, item = judge_input(scorer, s, anywhere, CANDIDATES)
        head, features = rows[:CANDIDATES], item.features
        needs.append(dict(
            row, regions=list(regions), field=scorer.field_similarity(s),
            p_gap_anywhere=float(m.calibration.gap_model.probability(anywhere)),
            ids=[scorer.ids[int(r)] for r in head], open=[bool(s.factors[r] >= 1.0) for r in head],
            top10=[scorer.ids[int(r)] for r in rows[:10]], features=features.round(6).tolist(),
        ))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(needs, ensure_ascii=False), encoding="utf-8")
    print(f"dumped the candidates of {len(needs)} needs to {out}", flush=True)


# ----------------------------------------------------------------------------- decisions
VETOES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
"""Gap-model probabilities from which a need is a gap whatever the judge accepts (1.01: never)."""


def decide(need: dict[str, Any], p: np.ndarray, t: float | tuple[float, float]) -> tuple[str, list[str]]:
    t, veto = t if isinstance(t, tuple) else (t, 1.01)
    if need.get("p_gap_anywhere", 0.0) >= veto:
        return "gap", []
    accepted = [i for i, v in enumerate(p) if v >= t]
    opened = [need["ids"][i] for i in accepted if need["open"][i]]
    if opened:
        return "served", opened
    return ("other-region-only", []) if accepted else ("gap", [])


def counts(needs: Sequence[dict[str, Any]], probs: Sequence[np.ndarray], ts: Sequence[Any]) -> dict[str, int]:
    c = dict(gap=0, gap_n=0, served_not=0, served_gap=0, served_n=0, oro=0, oro_n=0, hit=0, top10=0)
    for n, p, t in zip(needs, probs, ts, strict=True):
        status, accepted = decide(n, p, t)
        if n["status"] == "gap":
            c["gap_n"] += 1
            c["gap"] += status == "gap"
        elif n["status"] == "served":
            c["served_n"] += 1
            c["served_not"] += status != "served"
            c["served_gap"] += status == "gap"
            c["hit"] += bool(set(accepted) & set(n["served_by"]))
            c["top10"] += bool(set(n["top10"]) & set(n["served_by"]))
        else:
            c["oro_n"] += 1
            c["oro"] += status == "other-region-only"
    return c


def fmt(c: dict[str, int]) -> str:
    def r(a: int, b: int) -> str:
        return f"{a}/{b}" if b else "-"

    return (f"gap found {r(c['gap'], c['gap_n'])} | served called gap {r(c['served_gap'], c['served_n'])}"
            f" | served called not served {r(c['served_not'], c['served_n'])} | other-region-only "
            f"found {r(c['oro'], c['oro_n'])} | serving id accepted {r(c['hit'], c['served_n'])} "
            f"(in top 10 {r(c['top10'], c['served_n'])})")


def choose_threshold(needs: Sequence[dict[str, Any]], probs: Sequence[np.ndarray]) -> tuple[float, float]:
    """The judge's threshold and the gap model's veto that find the most not-served needs while
    calling at most 5% of served needs not served; ties to more serving ids accepted, then the
    lower threshold and no veto."""
    best: tuple[float, float, tuple[float, float]] = (-1.0, -1.0, (0.5, 1.01))
    for veto in sorted(VETOES, reverse=True):
        for t in np.round(np.arange(0.01, 0.99, 0.01), 2):
            c = counts(needs, probs, [(float(t), veto)] * len(needs))
            if c["served_not"] > MAX_NOT_SERVED_RATE * max(1, c["served_n"]):
                continue
            key = ((c["gap"] + c["oro"]) / max(1, c["gap_n"] + c["oro_n"]), c["hit"] / max(1, c["served_n"]))
            if key > best[:2]:
                best = (*key, (float(t), veto))
    return best[2]


def table(needs: Sequence[dict[str, Any]], probs: Sequence[np.ndarray], ts: Sequence[Any]) -> str:
    lines = []
    for src in ("gap", "train"):
        idx = [i for i, n in enumerate(needs) if n["source"] == src]
        lines.append(f"{src:5s} all              {fmt(counts([needs[i] for i in idx], [probs[i] for i in idx], [ts[i] for i in idx]))}")
        for key in ("lang", "style"):
            for v in sorted({needs[i][key] for i in idx}):
                ix = [i for i in idx if needs[i][key] == v]
                lines.append(f"{src:5s} {key}={v:12s} {fmt(counts([needs[i] for i in ix], [probs[i] for i in ix], [ts[i] for i in ix]))}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- model
def xy(needs: Sequence[dict[str, Any]], idx: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y, g = [], [], []
    for i in idx:
        n = needs[i]
        for j, f in enumerate(n["features"]):
            x.append(f)
            y.append(int(n["ids"][j] in n["served_by"]))
            g.append(n["group"])
    return np.array(x, dtype=np.float64), np.array(y), np.array(g)


def fit(needs: Sequence[dict[str, Any]], idx: Sequence[int], grid: Sequence[float]) -> tuple[Any, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y, g = xy(needs, idx)
    best = (np.inf, grid[0])
    if len(grid) > 1:
        for c in grid:
            loss = 0.0
            for a, b in GroupKFold(n_splits=4).split(x, y, g):
                model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000)).fit(x[a], y[a])
                p = np.clip(model.predict_proba(x[b])[:, 1], 1e-6, 1 - 1e-6)
                loss -= float(np.sum(y[b] * np.log(p) + (1 - y[b]) * np.log(1 - p)))
            best = min(best, (loss, c))
    model = make_pipeline(StandardScaler(), LogisticRegression(C=best[1], max_iter=3000)).fit(x, y)
    return model, best[1]


def predict(model: Any, need: dict[str, Any]) -> np.ndarray:
    return model.predict_proba(np.array(need["features"], dtype=np.float64))[:, 1]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cands", type=Path, default=WORK / "cands.json")
    ap.add_argument("--redump", action="store_true")
    ap.add_argument("--gap", type=Path, default=EVAL / "gap_needs.json")
    ap.add_argument("--train", type=Path, default=EVAL / "train_statements.json")
    ap.add_argument("--out", type=Path, default=SHIPPED)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-final", action="store_true")
    ap.add_argument("--tiny", action="store_true", help="one C, 2 folds: a smoke test")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    random.seed(args.seed)
    np.random.seed(args.seed)
    start = time.time()
    if args.redump or not args.cands.exists():
        dump_candidates(args.gap, args.train, args.cands)
    needs: list[dict[str, Any]] = json.loads(args.cands.read_text("utf-8"))
    grid = C_GRID[1:2] if args.tiny else C_GRID
    from sklearn.model_selection import GroupKFold

    groups = np.array([n["group"] for n in needs])
    k = 2 if args.tiny else args.folds
    folds = list(GroupKFold(n_splits=k, shuffle=True, random_state=args.seed).split(groups, groups, groups))
    oof: list[np.ndarray] = [np.zeros(0)] * len(needs)
    fold_of = np.zeros(len(needs), dtype=int)
    cs = []
    for f, (tr, te) in enumerate(folds):
        model, c = fit(needs, tr, grid)
        cs.append(c)
        for i in te:
            oof[i] = predict(model, needs[i])
            fold_of[i] = f
    ts: list[tuple[float, float]] = [(0.5, 1.01)] * len(needs)
    for f in range(k):
        others = [i for i in range(len(needs)) if fold_of[i] != f]
        chosen = choose_threshold([needs[i] for i in others], [oof[i] for i in others])
        for i in np.flatnonzero(fold_of == f):
            ts[i] = chosen
    args.cands.with_name("oof.json").write_text(json.dumps(
        {"nid": [n["nid"] for n in needs], "threshold": ts,
         "probs": [p.tolist() for p in oof]}), encoding="utf-8")
    text = table(needs, oof, ts)
    print("out of fold (each fold's threshold from the other folds):\n" + text, flush=True)
    threshold, veto = choose_threshold(needs, oof)
    figures = {src: counts([n for n in needs if n["source"] == src],
                           [oof[i] for i, n in enumerate(needs) if n["source"] == src],
                           [ts[i] for i, n in enumerate(needs) if n["source"] == src])
               for src in ("gap", "train")}
    served = [float(n["field"]) for n in needs if n["status"] == "served"]
    manifest: dict[str, Any] = {
        "script": "scripts/train_judge.py",
        "seed": args.seed,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "features": "matcher.search.judge_features.pair_features",
        "eval_candidates": CANDIDATES,
        "threshold": threshold,
        "gap_model_veto": veto,
        "field_floor": round(min(served), 4) if served else float("-inf"),
        "decision": "accept p >= threshold among the 8 best candidates by content; served if an "
        "accepted one is open to the writer, other-region-only if only region-limited ones are, "
        "else gap; out-of-scope when every need is a gap and the statement is less like the "
        "catalogue than field_floor",
        "data_sha256": {p.name: sha256(p) for p in (args.cands, args.gap, args.train)},
        "out_of_fold": {"per_fold_C": cs, "per_fold_thresholds": sorted(set(ts)),
                        **figures, "table": text.splitlines()},
        "tiny": args.tiny,
    }
    if not args.no_final:
        model, c = fit(needs, range(len(needs)), grid)
        scaler, lr = model.steps[0][1], model.steps[1][1]
        args.out.mkdir(parents=True, exist_ok=True)
        weights = args.out / "judge.npz"
        np.savez(weights, mean=scaler.mean_, scale=scaler.scale_, coef=lr.coef_.reshape(-1),
                 intercept=np.array([float(lr.intercept_[0])]))
        manifest["final_C"] = c
        manifest["weights_sha256"] = {"judge.npz": sha256(weights)}
        manifest["train_wall_s"] = round(time.time() - start, 1)
        (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out} (threshold {threshold}, veto {veto}, C {c}, {time.time() - start:.0f} s)")


if __name__ == "__main__":
    main()
