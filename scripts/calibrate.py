"""Fit the statement reader and the gap model, cross-validated by statement, and write them to
`src/matcher/data/calibration.json` with what they were fitted on.

    python scripts/calibrate.py [--eval-dir ../shared/eval] [--folds 5] [--check]

Data: `train_statements.json` (every clause labelled need / context / other; every need served,
gap or other-region-only) and, for the gap model only, the dev files (`dev_queries.json`: every
judged need is served; `dev_out_of_scope.json`: the out-of-scope needs are gaps).

1. Clause model: multinomial logistic regression over the multilingual sentence embedding of a
   clause and its cue features (reading.py). C is chosen by inner cross-validation.
2. Gap model: logistic regression over gap_features (calibration.py) of each labelled need, with
   C and the decision threshold chosen by inner cross-validation: the threshold is the one that
   finds the most real gaps while calling at most MAX_FALSE_GAP_RATE of served needs gaps.
3. Every figure is printed twice: out of fold (outer 5-fold by statement: fitted without the
   statement it is measured on) and in sample (fitted on everything). The end-to-end figures run
   the whole engine on each training statement with the models of the fold that left it out.

`--check` fits and reports without writing the file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from matcher.facade import Matcher
from matcher.reading.clauses import Clause
from matcher.reading.needs import as_need
from matcher.reading.statement import ClauseModel, cue_features, fit_clause_model
from matcher.search.calibration import (
    GAP_FEATURES,
    Calibration,
    CalibrationError,
    GapModel,
    calibration_key,
    decide_status,
    fit_gap_model,
    fit_label_model,
    label_features,
    load_calibration,
)
from matcher.search.results import Match

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "matcher" / "data" / "calibration.json"
C_GRID = (0.3, 1.0, 3.0, 10.0)
GAP_C_GRID = (0.1, 0.3, 1.0, 3.0)
MAX_FALSE_GAP_RATE = 0.05
"""The gap threshold may call at most this share of the training statements' served needs gaps
(inner cross-validation): the target for unseen statements is 5%."""


@dataclass
class ClauseRow:
    sid: str
    lang: str
    text: str
    kind: str


@dataclass
class NeedRow:
    sid: str
    source: str
    text: str
    statement: str
    status: str  # served | gap | other-region-only


def report_staleness(current: dict[str, str]) -> None:
    """Say whether the shipped calibration was fitted on these versions of the data files."""
    try:
        fitted_on = load_calibration().provenance.get("data", {})
    except CalibrationError as exc:
        print(f"shipped calibration: {exc}")
        return
    stale = sorted(n for n, digest in current.items() if fitted_on.get(n) != digest)
    if stale:
        print(f"shipped calibration was fitted on other versions of: {', '.join(stale)}")
    else:
        print("shipped calibration was fitted on these data files")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def gold_clauses(statement: dict) -> list[tuple[Clause, str]]:
    text, pos, out = statement["statement"], 0, []
    for c in statement["clauses"]:
        start = text.index(c["text"], pos)
        pos = start + len(c["text"])
        out.append((Clause(c["text"], start, pos), c["kind"]))
    return out


# ---------------------------------------------------------------------------- clause model
def terse_variant(statement: dict) -> tuple[str, list[Clause]] | None:
    """The statement as a terse list of its need clauses alone ("a; b; c"), all needs: users
    also write that way, with no introduction, and a model that has only seen statements opening
    with one reads any first clause as context. Kept in the statement's group, so
    cross-validation never trains on a variant of a statement it measures."""
    needs = [c.text.strip(" ,;.") for c, kind in gold_clauses(statement) if kind == "need"]
    if len(needs) < 2:
        return None
    text, clauses, pos = "", [], 0
    for i, need in enumerate(needs):
        if i:
            text += "; "
            pos = len(text)
        text += need
        clauses.append(Clause(need, pos, pos + len(need)))
    return text, clauses


def fit_clauses_cv(
    vectors: np.ndarray,
    cues: np.ndarray,
    labels: np.ndarray,
    groups: np.ndarray,
    folds: int,
    encoder: str,
    fingerprint: str,
) -> float:
    """The C with the best cross-validated accuracy on this data."""
    best, best_acc = C_GRID[0], -1.0
    for c in C_GRID:
        pred = np.empty(len(labels), dtype=object)
        for tr, te in GroupKFold(folds).split(vectors, labels, groups):
            m = fit_clause_model(
                vectors[tr], cues[tr], labels[tr], c=c, encoder=encoder, fingerprint=fingerprint
            )
            pred[te] = np.array(m.classes)[m.probabilities(vectors[te], cues[te]).argmax(1)]
        acc = float((pred == labels).mean())
        if acc > best_acc:
            best, best_acc = c, acc
    return best


def clause_report(pred: np.ndarray, labels: np.ndarray, langs: np.ndarray) -> dict[str, object]:
    out: dict[str, object] = {"accuracy": round(float((pred == labels).mean()), 3)}
    for kind in ("need", "context", "other"):
        tp = int(((pred == kind) & (labels == kind)).sum())
        out[f"{kind}_recall"] = round(tp / max(1, int((labels == kind).sum())), 3)
        out[f"{kind}_precision"] = round(tp / max(1, int((pred == kind).sum())), 3)
    out["non_need_read_as_need"] = round(
        float(((pred == "need") & (labels != "need")).sum() / max(1, (labels != "need").sum())), 3
    )
    out["by_language"] = {
        lang: round(float((pred[langs == lang] == labels[langs == lang]).mean()), 3)
        for lang in sorted(set(langs))
    }
    return out


# ---------------------------------------------------------------------------- gap model
def choose_threshold(p: np.ndarray, y: np.ndarray, counted: np.ndarray) -> float:
    """The threshold that finds the most not-served needs while calling at most
    MAX_FALSE_GAP_RATE of the `counted` served needs not served (the training statements':
    the dev needs are paraphrases, far easier, and would let the rate through)."""
    best_t, best_recall = 0.99, -1.0
    served = (y == 0) & counted
    for t in np.round(np.arange(0.2, 0.96, 0.01), 2):
        false_rate = float(((p >= t) & served).sum() / max(1, served.sum()))
        recall = float(((p >= t) & (y == 1)).sum() / max(1, (y == 1).sum()))
        if false_rate <= MAX_FALSE_GAP_RATE and recall > best_recall:
            best_t, best_recall = float(t), recall
    return best_t


def fit_gap_cv(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int, counted: np.ndarray
) -> GapModel:
    """Choose C by inner cross-validated log loss, the threshold on the inner out-of-fold
    probabilities, then fit on all of x."""
    best_c, best_loss, best_p = GAP_C_GRID[0], np.inf, np.zeros(len(y))
    for c in GAP_C_GRID:
        p = np.zeros(len(y))
        for tr, te in GroupKFold(folds).split(x, y, groups):
            m = fit_gap_model(x[tr], y[tr], c=c)
            p[te] = [m.probability(row) for row in x[te]]
        pc = np.clip(p, 1e-6, 1 - 1e-6)
        loss = float(-np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc)))
        if loss < best_loss:
            best_c, best_loss, best_p = c, loss, p
    model = fit_gap_model(x, y, c=best_c)
    return replace(model, threshold=choose_threshold(best_p, y, counted))


def gap_report(
    rows: list[NeedRow], p_writer: np.ndarray, p_any: np.ndarray, thresholds: np.ndarray
) -> dict[str, object]:
    statuses = [
        decide_status(float(a), float(b), float(t)).value
        for a, b, t in zip(p_writer, p_any, thresholds, strict=True)
    ]
    gold = [r.status for r in rows]
    served = [i for i, g in enumerate(gold) if g == "served"]
    gaps = [i for i, g in enumerate(gold) if g == "gap"]
    oro = [i for i, g in enumerate(gold) if g == "other-region-only"]

    def share(idx: list[int], ok: set[str]) -> str:
        hit = sum(1 for i in idx if statuses[i] in ok)
        return f"{hit}/{len(idx)} ({hit / max(1, len(idx)):.3f})"

    return {
        "served_called_not_served": share(served, {"gap", "other-region-only"}),
        "served_called_gap": share(served, {"gap"}),
        "gaps_found": share(gaps, {"gap"}),
        "gaps_called_served": share(gaps, {"served"}),
        "other_region_only_found": share(oro, {"other-region-only"}),
        "other_region_only_not_served": share(oro, {"gap", "other-region-only"}),
    }


# ---------------------------------------------------------------------------- labels
STRONG_PRECISION = 0.7
PARTIAL_PRECISION = 0.4
"""`strong`: at least 70% of such results clearly serve the statement; `partial`: 40%."""


def match_features(m: Match) -> np.ndarray:
    return label_features(m.confidence, m.score, m.region_note.startswith("Limited"))


def cut_for(p: np.ndarray, y: np.ndarray, precision: float) -> float:
    """The lowest probability above which at least `precision` of the results are relevant
    (and at least 10 results lie above it)."""
    for t in np.round(np.arange(0.05, 0.96, 0.01), 2):
        above = p >= t
        if above.sum() >= 10 and y[above].mean() >= precision:
            return float(t)
    return 0.96


# ---------------------------------------------------------------------------- end to end
def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def end_to_end(matcher: Matcher, statement: dict) -> Counter[str]:
    """Run the whole engine on one training statement; count what its needs were read as."""
    result = matcher.search(statement["statement"], k=10)
    reading = matcher.read(statement["statement"])
    by_text = {
        text: (reading.clauses[i].start, reading.clauses[i].end)
        for text, i in zip(reading.needs, reading.need_clauses, strict=True)
    }
    gold = gold_clauses(statement)
    gold_status = {n["clause"]: n["status"] for n in statement["needs"]}
    counts: Counter[str] = Counter()
    covered_gold: set[int] = set()
    for need in result.needs:
        span = by_text.get(need.text)
        if span is None:
            counts["need_unaligned"] += 1
            continue
        j = max(range(len(gold)), key=lambda g: overlap(span, (gold[g][0].start, gold[g][0].end)))
        kind = gold[j][1]
        counts[f"reported_{need.status}_on_{kind}"] += 1
        if kind == "need":
            covered_gold.add(j)
            counts[f"{gold_status.get(j, 'served')}_reported_{need.status}"] += 1
    for j, (_, kind) in enumerate(gold):
        if kind == "need" and j not in covered_gold:
            counts["gold_need_missed"] += 1
            counts[f"{gold_status.get(j, 'served')}_missed"] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="report only; write nothing")
    args = parser.parse_args()
    eval_dir = Path(args.eval_dir)
    train_path = eval_dir / "train_statements.json"
    dev_path = eval_dir / "dev_queries.json"
    oos_path = eval_dir / "dev_out_of_scope.json"
    train = json.loads(train_path.read_text(encoding="utf-8"))
    dev = json.loads(dev_path.read_text(encoding="utf-8"))
    oos = json.loads(oos_path.read_text(encoding="utf-8"))
    report_staleness({p.name: sha(p) for p in (train_path, dev_path, oos_path)})

    # A provisional calibration lets the engine open; its clause model is replaced below.
    base = Matcher.open(calibration=_placeholder(), progress=False)
    key = calibration_key(base.encoders, base.settings)
    encoder_name = "use"
    encoder = base.encoders[encoder_name]
    fingerprint = encoder.fingerprint()

    # ---- clauses
    rows: list[ClauseRow] = []
    cue_rows = []
    for s in train:
        gold = gold_clauses(s)
        cue_rows.append(cue_features([c for c, _ in gold], s["statement"]))
        rows += [ClauseRow(s["sid"], s["lang"], c.text, kind) for c, kind in gold]
    original = len(rows)
    for s in train:
        terse = terse_variant(s)
        if terse is not None:
            statement, clauses = terse
            cue_rows.append(cue_features(clauses, statement))
            rows += [ClauseRow(s["sid"], s["lang"], c.text, "need") for c in clauses]
    augmented = np.arange(len(rows)) >= original
    cues = np.vstack(cue_rows)
    labels = np.array([r.kind for r in rows], dtype=object)
    groups = np.array([r.sid for r in rows])
    langs = np.array([r.lang for r in rows])
    vectors = encoder.encode([r.text for r in rows], kind="query").astype(np.float64)

    folds = list(GroupKFold(args.folds).split(vectors, labels, groups))
    oof = np.empty(len(rows), dtype=object)
    fold_clause: list[ClauseModel] = []
    for tr, te in folds:
        te = te[~augmented[te]]  # measured on the statements as written
        c = fit_clauses_cv(
            vectors[tr], cues[tr], labels[tr], groups[tr], args.folds - 1, encoder_name, fingerprint
        )
        m = fit_clause_model(
            vectors[tr], cues[tr], labels[tr], c=c, encoder=encoder_name, fingerprint=fingerprint
        )
        fold_clause.append(m)
        oof[te] = np.array(m.classes)[m.probabilities(vectors[te], cues[te]).argmax(1)]
    c_all = fit_clauses_cv(vectors, cues, labels, groups, args.folds, encoder_name, fingerprint)
    clause_model = fit_clause_model(
        vectors, cues, labels, c=c_all, encoder=encoder_name, fingerprint=fingerprint
    )
    insample = np.array(clause_model.classes)[clause_model.probabilities(vectors, cues).argmax(1)]
    real = ~augmented
    print(
        f"Clause reading (gold clause spans; {original} clauses, trained also on "
        f"{int(augmented.sum())} clauses of terse variants):"
    )
    print("  out of fold:", json.dumps(clause_report(oof[real], labels[real], langs[real])))
    print("  in sample:  ", json.dumps(clause_report(insample[real], labels[real], langs[real])))
    print(f"  C = {c_all}")

    # ---- needs
    need_rows: list[NeedRow] = []
    for s in train:
        gold = gold_clauses(s)
        for n in s["needs"]:
            need_rows.append(
                NeedRow(
                    s["sid"],
                    "train",
                    as_need(gold[n["clause"]][0].text),
                    s["statement"],
                    n["status"],
                )
            )
    for q in dev:
        texts = [as_need(q["query"])] if len(q["needs"]) == 1 else list(q["needs"])
        need_rows += [NeedRow(q["qid"], "dev", t, q["query"], "served") for t in texts]
    for q in oos:
        if len(q["needs"]) == 1:
            status = "gap" if q["out_of_scope_needs"] else "served"
            need_rows.append(NeedRow(q["qid"], "oos", as_need(q["query"]), q["query"], status))
        else:
            need_rows += [
                NeedRow(
                    q["qid"],
                    "oos",
                    t,
                    q["query"],
                    "gap" if t in q["out_of_scope_needs"] else "served",
                )
                for t in q["needs"]
            ]
    x_writer, x_any = [], []
    for r in need_rows:
        regions = base.read(r.statement).regions
        scored = base.score_many([r.text], regions=regions)[0]
        w, a = base.need_features(scored)
        x_writer.append(w)
        x_any.append(a)
    xw, xa = np.vstack(x_writer), np.vstack(x_any)
    y = np.array([0 if r.status == "served" else 1 for r in need_rows])
    ngroups = np.array([r.sid for r in need_rows])
    from_train = np.array([r.source == "train" for r in need_rows])
    p_w, p_a, thr = np.zeros(len(y)), np.zeros(len(y)), np.zeros(len(y))
    need_folds = list(GroupKFold(args.folds).split(xw, y, ngroups))
    fold_gap: list[GapModel] = []
    for tr, te in need_folds:
        m = fit_gap_cv(xw[tr], y[tr], ngroups[tr], args.folds - 1, from_train[tr])
        fold_gap.append(m)
        p_w[te] = [m.probability(v) for v in xw[te]]
        p_a[te] = [m.probability(v) for v in xa[te]]
        thr[te] = m.threshold
    gap_model = fit_gap_cv(xw, y, ngroups, args.folds, from_train)
    ins_w = np.array([gap_model.probability(v) for v in xw])
    ins_a = np.array([gap_model.probability(v) for v in xa])
    ins_t = np.full(len(y), gap_model.threshold)
    print("\nGap decision (each labelled need searched alone):")
    for source in ("train", "dev", "oos"):
        idx = [i for i, r in enumerate(need_rows) if r.source == source]
        sub = [need_rows[i] for i in idx]
        print(
            f"  {source:5s} out of fold:", json.dumps(gap_report(sub, p_w[idx], p_a[idx], thr[idx]))
        )
        print(
            f"  {source:5s} in sample:  ",
            json.dumps(gap_report(sub, ins_w[idx], ins_a[idx], ins_t[idx])),
        )
    print(
        f"  threshold {gap_model.threshold}; coefficients "
        + json.dumps(dict(zip(GAP_FEATURES, np.round(gap_model.coef, 3).tolist(), strict=True)))
    )

    # ---- match labels: P(a result clearly serves the statement), cut for `strong` / `partial`
    label_rows, label_y, label_groups, label_source = [], [], [], []
    provisional = base.with_calibration(Calibration(clause_model, gap_model, key, {}))
    for q in dev:
        for m in provisional.search(q["query"], k=10).results:
            label_rows.append(match_features(m))
            label_y.append(int(q["judgments"].get(m.id, 0) >= 2))
            label_groups.append(q["qid"])
            label_source.append("dev")
    for s in train:
        served = {i for n in s["needs"] if n["status"] == "served" for i in n["served_by"]}
        for m in provisional.search(s["statement"], k=10).results:
            label_rows.append(match_features(m))
            label_y.append(int(m.id in served))
            label_groups.append(s["sid"])
            label_source.append("train")
    lx, ly = np.vstack(label_rows), np.array(label_y)
    lg, ls = np.array(label_groups), np.array(label_source)
    lp = np.zeros(len(ly))
    fold_cuts = []
    for tr, te in GroupKFold(args.folds).split(lx, ly, lg):
        inner = np.zeros(len(tr))
        for a, b in GroupKFold(args.folds - 1).split(lx[tr], ly[tr], lg[tr]):
            m = fit_label_model(lx[tr][a], ly[tr][a], strong=1.0, partial=1.0)
            inner[b] = [m.probability(v) for v in lx[tr][b]]
        cuts = (cut_for(inner, ly[tr], STRONG_PRECISION), cut_for(inner, ly[tr], PARTIAL_PRECISION))
        fold_cuts.append(cuts)
        m = fit_label_model(lx[tr], ly[tr], strong=cuts[0], partial=cuts[1])
        lp[te] = [m.probability(v) for v in lx[te]]
    all_inner = np.zeros(len(ly))
    for tr, te in GroupKFold(args.folds).split(lx, ly, lg):
        m = fit_label_model(lx[tr], ly[tr], strong=1.0, partial=1.0)
        all_inner[te] = [m.probability(v) for v in lx[te]]
    strong_cut = cut_for(all_inner, ly, STRONG_PRECISION)
    partial_cut = cut_for(all_inner, ly, PARTIAL_PRECISION)
    label_model = fit_label_model(lx, ly, strong=strong_cut, partial=partial_cut)
    ins_p = np.array([label_model.probability(v) for v in lx])
    oof_strong = np.zeros(len(ly), dtype=bool)
    oof_partial = np.zeros(len(ly), dtype=bool)
    for (_tr, te), cuts in zip(GroupKFold(args.folds).split(lx, ly, lg), fold_cuts, strict=True):
        oof_strong[te] = lp[te] >= cuts[0]
        oof_partial[te] = (lp[te] >= cuts[1]) & ~oof_strong[te]
    print("\nMatch labels (top 10 of every dev and training statement; relevant = grade >= 2):")
    for source in ("dev", "train"):
        idx = ls == source
        for name, strong, partial in (
            ("out of fold", oof_strong[idx], oof_partial[idx]),
            (
                "in sample",
                ins_p[idx] >= strong_cut,
                (ins_p[idx] >= partial_cut) & (ins_p[idx] < strong_cut),
            ),
        ):
            y = ly[idx]
            print(
                f"  {source:5s} {name}: strong {int(strong.sum())} results, "
                f"{y[strong].mean() if strong.any() else 0:.2f} relevant; partial {int(partial.sum())}, "
                f"{y[partial].mean() if partial.any() else 0:.2f} relevant; weak "
                f"{int((~strong & ~partial).sum())}, {y[~strong & ~partial].mean() if (~strong & ~partial).any() else 0:.2f} relevant"
            )
    print(f"  cuts: strong P >= {strong_cut}, partial P >= {partial_cut}")

    # ---- end to end on the training statements, each with the models that left it out
    sid_fold = {}
    for f, (_, te) in enumerate(folds):
        for sid in set(groups[te]):
            sid_fold[sid] = f
    need_fold = {}
    for f, (_, te) in enumerate(need_folds):
        for sid in set(ngroups[te]):
            need_fold[sid] = f
    total_oof: Counter[str] = Counter()
    total_ins: Counter[str] = Counter()
    full = Calibration(clause_model, gap_model, key, {}, label_model)
    in_sample_matcher = base.with_calibration(full)
    for s in train:
        fold_cal = Calibration(
            fold_clause[sid_fold[s["sid"]]], fold_gap[need_fold[s["sid"]]], key, {}, label_model
        )
        total_oof += end_to_end(base.with_calibration(fold_cal), s)
        total_ins += end_to_end(in_sample_matcher, s)
    print("\nEnd to end on the 70 training statements (clauses as the engine cuts them):")
    for name, counts in (("out of fold", total_oof), ("in sample", total_ins)):
        served_total = sum(v for k, v in counts.items() if k.startswith("served_"))
        false_gaps = counts["served_reported_gap"] + counts["served_reported_other-region-only"]
        context_gaps = counts["reported_gap_on_context"] + counts["reported_gap_on_other"]
        print(
            f"  {name}: unserved reported {sum(v for k, v in counts.items() if k.startswith('reported_gap') or k.startswith('reported_other-region'))}; "
            f"context/other clauses read as needs {counts['reported_served_on_context'] + counts['reported_gap_on_context'] + counts['reported_other-region-only_on_context'] + counts['reported_served_on_other'] + counts['reported_gap_on_other']}"
            f" (of which gaps {context_gaps}); served needs called not served {false_gaps}/{served_total}"
            f" ({false_gaps / max(1, served_total):.3f}); served needs missed {counts['served_missed']};"
            f" real gaps found {counts['gap_reported_gap']}/21; other-region-only found"
            f" {counts['other-region-only_reported_other-region-only']}/8"
        )
        print("    ", json.dumps(dict(sorted(counts.items()))))

    if args.check:
        return 0
    provenance = {
        "script": "scripts/calibrate.py",
        "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {
            "train_statements.json": sha(train_path),
            "dev_queries.json": sha(dev_path),
            "dev_out_of_scope.json": sha(oos_path),
        },
        "clause_model": {"c": c_all, "clauses": len(rows), "encoder": encoder_name},
        "gap_model": {"needs": len(need_rows), "max_false_gap_rate": MAX_FALSE_GAP_RATE},
    }
    provenance["label_model"] = {
        "results": len(ly),
        "strong_precision_target": STRONG_PRECISION,
        "partial_precision_target": PARTIAL_PRECISION,
    }
    final = Calibration(clause_model, gap_model, key, provenance, label_model)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(final.to_dict(), indent=1) + "\n", encoding="utf-8")
    tmp.replace(OUT)
    print(f"\nwrote {OUT.relative_to(ROOT)}")
    return 0


def _placeholder() -> Calibration:
    """A calibration that lets the engine open before anything is fitted (reading all clauses as
    needs, no gaps); it is never written."""
    from matcher.reading.statement import CUE_FEATURES

    dim = 512
    width = dim + len(CUE_FEATURES)
    clause = ClauseModel(
        ("context", "need", "other"),
        np.zeros((3, width)),
        np.array([0.0, 1.0, 0.0]),
        np.zeros(len(CUE_FEATURES)),
        np.ones(len(CUE_FEATURES)),
        "use",
        "",
    )
    gap = GapModel(
        np.zeros(len(GAP_FEATURES)), -5.0, np.zeros(len(GAP_FEATURES)), np.ones(len(GAP_FEATURES))
    )
    return _Unchecked(clause, gap, {}, {})


class _Unchecked(Calibration):
    def check(self, expected: object, source: str = "calibration") -> None:
        return None


if __name__ == "__main__":
    sys.exit(main())
