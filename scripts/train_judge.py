"""Train the judge: p(initiative serves need) for retrieval's best candidates, shipped in
src/matcher/data/judge (judge.npz + manifest.json) and read by search/judge.py.

    python scripts/train_judge.py                  # dump, cross-validate, fit, write (~2 min)
    python scripts/train_judge.py --no-final       # the out-of-fold table only
    python scripts/train_judge.py --cands F --out D --tiny   # the suite's smoke test

Recipe (chosen out of fold against today's thresholds, a logistic model over retrieval features
alone and a fine-tuned MiniLM cross-encoder; see the README's Evaluation):
* data: every need of gap_needs.json (each whole text one need, the region of its writer's
  country) and of train_statements.json (the region read from its whole statement);
* candidates: the need scored alone by the engine; its 8 best initiatives by content (fused
  score, before the region factor: region is a rule afterwards); label 1 when the id is in
  `served_by` (for other-region-only needs those are content-positives), 0 otherwise;
* pair model, p(candidate serves the need): `matcher.search.judge_features.pair_features`, the
  product's own definition: retrieval features, the word coverage of the need by the
  candidate and by the catalogue (word_cover.py), and the need x best-passage and need x
  initiative-mean vector products of MiniLM and USE;
* need model, p(something serves the need): `judge_features.need_row` (its candidates'
  evidence, the best word coverage, the gap model's probability, its likeness to the
  catalogue); label 1 unless the need is a gap;
* both: standardised features, logistic regression, C chosen by inner grouped CV log loss;
* decision: a need is served by something when mix x logit(best pair p) + (1 - mix) x
  logit(need p) >= need_threshold, else a gap; the candidates with pair p >= threshold (at least
  the likeliest) serve it: served if one is open to the writer, other-region-only if only
  region-limited ones are. mix, need_threshold and threshold find the most gaps and
  other-region-only needs while calling at most 5% of all served needs gaps, 10% not served,
  and 10% of either source's (the one-need set, the training statements) gaps, chosen in each
  outer fold on the other folds only;
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

from matcher.search.coverage import accepted_candidates
from matcher.search.judge import mixed_score

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
SHIPPED = ROOT / "src" / "matcher" / "data" / "judge"
WORK = ROOT / "build" / "judge"
CANDIDATES = 8
C_GRID = (0.001, 0.003, 0.01, 0.03)
NEED_C_GRID = (0.01, 0.03, 0.1, 0.3)
MIXES = (0.3, 0.5, 0.7)
PAIR_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))
MAX_SERVED_GAP_RATE = 0.05
"""At most this share of the served needs may be called gaps (the issue's target) ..."""
MAX_NOT_SERVED_RATE = 0.10
"""... at most this share not served (gaps and other-region-only together) ..."""
MAX_SOURCE_GAP_RATE = 0.10
"""... and at most this share of either source's (the one-need set, the training statements)
called gaps: the one-need statements are the harder, and must not pay for the easier."""


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
        p_gap = float(m.calibration.gap_model.probability(anywhere))
        rows, item = judge_input(scorer, s, anywhere, CANDIDATES, p_gap)
        head, features = rows[:CANDIDATES], item.features
        needs.append(dict(
            row, regions=list(regions), field=scorer.field_similarity(s),
            p_gap_anywhere=p_gap, need_features=item.need_features.round(6).tolist(),
            ids=[scorer.ids[int(r)] for r in head], open=[bool(s.factors[r] >= 1.0) for r in head],
            top10=[scorer.ids[int(r)] for r in rows[:10]], features=features.round(6).tolist(),
        ))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(needs, ensure_ascii=False), encoding="utf-8")
    print(f"dumped the candidates of {len(needs)} needs to {out}", flush=True)


# ----------------------------------------------------------------------------- decisions
Params = tuple[float, float, float]
"""(threshold, need_threshold, mix)."""


def decide(need: dict[str, Any], p: np.ndarray, q: float, params: Params) -> tuple[str, list[str]]:
    """The product's decision (search/coverage.judged_coverage with LinearJudge), on the same
    two functions."""
    t, t_need, mix = params
    if mixed_score(p, q, mix) < t_need:
        return "gap", []
    accepted = np.flatnonzero(accepted_candidates(p, t, True)).tolist()
    opened = [need["ids"][i] for i in accepted if need["open"][i]]
    if opened:
        return "served", opened
    return "other-region-only", [need["ids"][i] for i in accepted]


def counts(needs: Sequence[dict[str, Any]], probs: Sequence[np.ndarray], qs: Sequence[float],
           ps: Sequence[Params]) -> dict[str, int]:
    c = dict(gap=0, gap_n=0, served_not=0, served_gap=0, served_n=0, oro=0, oro_n=0, hit=0, top10=0)
    for n, p, q, params in zip(needs, probs, qs, ps, strict=True):
        status, accepted = decide(n, p, q, params)
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


def choose_params(needs: Sequence[dict[str, Any]], probs: Sequence[np.ndarray],
                  qs: Sequence[float]) -> Params:
    """The mix and thresholds that find the most gaps and other-region-only needs while calling
    at most MAX_SERVED_GAP_RATE of all served needs gaps, MAX_NOT_SERVED_RATE not served, and at
    most MAX_SOURCE_GAP_RATE of either source's; ties to more serving ids accepted."""
    sources = sorted({n["source"] for n in needs})
    by_source = {src: [i for i, n in enumerate(needs) if n["source"] == src] for src in sources}
    best: tuple[float, float, Params] = (-1.0, -1.0, (0.5, float("-inf"), 0.5))
    served = np.array([n["status"] == "served" for n in needs])
    for mix in MIXES:
        scores = np.array([mixed_score(p, q, mix) for p, q in zip(probs, qs, strict=True)])
        low = np.sort(scores[served])[: max(1, int(0.2 * served.sum()))]
        for t_need in np.unique(np.round(low, 3)):
            for t in PAIR_THRESHOLDS:
                params = (t, float(t_need), mix)
                parts = {src: counts([needs[i] for i in ix], [probs[i] for i in ix],
                                     [qs[i] for i in ix], [params] * len(ix))
                         for src, ix in by_source.items()}
                total = {key: sum(c[key] for c in parts.values()) for key in next(iter(parts.values()))}
                if (total["served_gap"] > MAX_SERVED_GAP_RATE * max(1, total["served_n"])
                        or total["served_not"] > MAX_NOT_SERVED_RATE * max(1, total["served_n"])
                        or any(c["served_gap"] > MAX_SOURCE_GAP_RATE * max(1, c["served_n"])
                               for c in parts.values())):
                    continue
                key = ((total["gap"] + total["oro"]) / max(1, total["gap_n"] + total["oro_n"]),
                       total["hit"] / max(1, total["served_n"]))
                if key > best[:2]:
                    best = (*key, params)
    return best[2]


def table(needs: Sequence[dict[str, Any]], probs: Sequence[np.ndarray], qs: Sequence[float],
          ps: Sequence[Params]) -> str:
    def line(ix: Sequence[int]) -> str:
        return fmt(counts([needs[i] for i in ix], [probs[i] for i in ix], [qs[i] for i in ix],
                          [ps[i] for i in ix]))

    lines = []
    for src in ("gap", "train"):
        idx = [i for i, n in enumerate(needs) if n["source"] == src]
        lines.append(f"{src:5s} all              {line(idx)}")
        for key in ("lang", "style"):
            for v in sorted({needs[i][key] for i in idx}):
                lines.append(f"{src:5s} {key}={v:12s} {line([i for i in idx if needs[i][key] == v])}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- model
def xy(needs: Sequence[dict[str, Any]], idx: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pair model's rows: one per (need, candidate)."""
    x, y, g = [], [], []
    for i in idx:
        n = needs[i]
        for j, f in enumerate(n["features"]):
            x.append(f)
            y.append(int(n["ids"][j] in n["served_by"]))
            g.append(n["group"])
    return np.array(x, dtype=np.float64), np.array(y), np.array(g)


def need_xy(needs: Sequence[dict[str, Any]], idx: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The need model's rows: one per need, 1 unless it is a gap."""
    x = np.array([needs[i]["need_features"] for i in idx], dtype=np.float64)
    y = np.array([int(needs[i]["status"] != "gap") for i in idx])
    return x, y, np.array([needs[i]["group"] for i in idx])


def fit(x: np.ndarray, y: np.ndarray, g: np.ndarray, grid: Sequence[float]) -> tuple[Any, float]:
    """A standardised logistic model, C by inner grouped 4-fold log loss."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

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


def fit_both(needs: Sequence[dict[str, Any]], idx: Sequence[int], grids: tuple[Sequence[float], Sequence[float]]) -> tuple[Any, Any, float, float]:
    pair, c = fit(*xy(needs, idx), grids[0])
    need, c_need = fit(*need_xy(needs, idx), grids[1])
    return pair, need, c, c_need


def predict(model: Any, need: dict[str, Any]) -> np.ndarray:
    return model.predict_proba(np.array(need["features"], dtype=np.float64))[:, 1]


def predict_need(model: Any, need: dict[str, Any]) -> float:
    return float(model.predict_proba(np.array([need["need_features"]], dtype=np.float64))[0, 1])


def arrays(model: Any, prefix: str) -> dict[str, np.ndarray]:
    scaler, lr = model.steps[0][1], model.steps[1][1]
    return {f"{prefix}mean": scaler.mean_, f"{prefix}scale": scaler.scale_,
            f"{prefix}coef": lr.coef_.reshape(-1), f"{prefix}intercept": np.array([float(lr.intercept_[0])])}


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
    grids = (C_GRID[1:2], NEED_C_GRID[1:2]) if args.tiny else (C_GRID, NEED_C_GRID)
    from sklearn.model_selection import GroupKFold

    groups = np.array([n["group"] for n in needs])
    k = 2 if args.tiny else args.folds
    folds = list(GroupKFold(n_splits=k, shuffle=True, random_state=args.seed).split(groups, groups, groups))
    oof: list[np.ndarray] = [np.zeros(0)] * len(needs)
    oof_q = [0.0] * len(needs)
    fold_of = np.zeros(len(needs), dtype=int)
    cs = []
    for f, (tr, te) in enumerate(folds):
        pair, need, c, c_need = fit_both(needs, tr, grids)
        cs.append([c, c_need])
        for i in te:
            oof[i] = predict(pair, needs[i])
            oof_q[i] = predict_need(need, needs[i])
            fold_of[i] = f
    ps: list[Params] = [(0.5, 0.0, 0.5)] * len(needs)
    for f in range(k):
        others = [i for i in range(len(needs)) if fold_of[i] != f]
        chosen = choose_params([needs[i] for i in others], [oof[i] for i in others],
                               [oof_q[i] for i in others])
        for i in np.flatnonzero(fold_of == f):
            ps[i] = chosen
    args.cands.with_name("oof.json").write_text(json.dumps(
        {"nid": [n["nid"] for n in needs], "params": ps, "need_p": oof_q,
         "probs": [p.tolist() for p in oof]}), encoding="utf-8")
    text = table(needs, oof, oof_q, ps)
    print("out of fold (each fold's thresholds from the other folds):\n" + text, flush=True)
    threshold, need_threshold, mix = choose_params(needs, oof, oof_q)
    figures = {src: counts([n for n in needs if n["source"] == src],
                           [oof[i] for i, n in enumerate(needs) if n["source"] == src],
                           [oof_q[i] for i, n in enumerate(needs) if n["source"] == src],
                           [ps[i] for i, n in enumerate(needs) if n["source"] == src])
               for src in ("gap", "train")}
    served = [float(n["field"]) for n in needs if n["status"] == "served"]
    manifest: dict[str, Any] = {
        "script": "scripts/train_judge.py",
        "seed": args.seed,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "features": "matcher.search.judge_features.pair_features",
        "need_features": "matcher.search.judge_features.need_row",
        "eval_candidates": CANDIDATES,
        "threshold": threshold,
        "need_threshold": need_threshold,
        "mix": mix,
        "field_floor": round(min(served), 4) if served else float("-inf"),
        "decision": "served by something when mix * logit(best pair p) + (1 - mix) * logit(need "
        "p) >= need_threshold, else gap; then the candidates (of the 8 best by content) with pair "
        "p >= threshold, at least the likeliest, serve it: served if one is open to the writer, "
        "other-region-only if only region-limited ones are; out-of-scope when every need is a gap "
        "and the statement is less like the catalogue than field_floor",
        "data_sha256": {p.name: sha256(p) for p in (args.cands, args.gap, args.train)},
        "out_of_fold": {"per_fold_C": cs, "per_fold_params": sorted(set(ps)),
                        **figures, "table": text.splitlines()},
        "tiny": args.tiny,
    }
    if not args.no_final:
        pair, need, c, c_need = fit_both(needs, range(len(needs)), grids)
        args.out.mkdir(parents=True, exist_ok=True)
        weights = args.out / "judge.npz"
        np.savez(weights, **arrays(pair, ""), **arrays(need, "need_"))
        manifest["final_C"] = {"pair": c, "need": c_need}
        manifest["weights_sha256"] = {"judge.npz": sha256(weights)}
        manifest["train_wall_s"] = round(time.time() - start, 1)
        (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out} (threshold {threshold}, need threshold {need_threshold}, mix {mix}, "
              f"C {c}/{c_need}, {time.time() - start:.0f} s)")


if __name__ == "__main__":
    main()
