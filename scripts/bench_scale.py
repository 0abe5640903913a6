"""Scale benchmark: prints figures (no assertions) for catalogues far larger than today's.

* embedding cost per passage, per model (real passages, real models);
* `catalogue`: N initiatives made of the real initiatives' sentences (each new initiative takes
  sentences from a few real ones of one sub-working group), embedded by the real models and
  built through `build_index`, then searched through `Matcher`: build time, peak memory, disk,
  warm query p50/p95 on new statements;
* `vectors`: N passage vectors made from real embeddings (a mixture of two real passage
  vectors plus noise, normalised), per store: build time, peak memory, disk, warm top-10 query
  p50/p95 excluding the encoder, recall@10 of the approximate index against exact search; BM25
  over real sentences beside it (`--lexical`).

Each size runs in its own process, so its peak memory (ru_maxrss) is its own.

    python scripts/bench_scale.py embed
    python scripts/bench_scale.py vectors 100000 1000000 [--stores faiss milvus-lite] [--sweep]
    python scripts/bench_scale.py catalogue 10000
    python scripts/bench_scale.py vectors 100000 --sweep --write-params   # data/ann.json

`--write-params` keeps the smallest `nprobe` whose recall@10 reaches 0.95 at the largest size
measured, with the measurements as provenance.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ANN_FILE = ROOT / "src" / "matcher" / "data" / "ann.json"
RECALL_TARGET = 0.95
NPROBES = (8, 16, 32, 64)
RERANKS = (200, 500, 1000, 2000)
"""The grid --sweep measures: inverted lists visited, and PQ candidates re-scored exactly."""


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def folder_mb(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2)


def load_time() -> str:
    return os.getloadavg().__repr__()


# ------------------------------------------------------------------ real material


def real_passages() -> tuple[list[str], dict[str, np.ndarray]]:
    """The shipped catalogue's passage texts and their vectors (from the built index)."""
    from matcher.facade import Matcher

    m = Matcher.open(progress=False)
    texts = [p.embed_text for p in m.index.passages]
    return texts, {s: np.asarray(v, dtype=np.float32) for s, v in m.index.vectors.items()}


def dev_statements() -> list[str]:
    path = ROOT.parent / "shared" / "eval" / "dev_queries.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        return ["postal fentanyl trafficking, no forensic lab", "detector dogs at the airport"]
    rows = data["queries"] if isinstance(data, dict) else data
    return [r["query"] for r in rows]


def mixture_vectors(base: np.ndarray, n: int, seed: int, noise: float = 0.05) -> np.ndarray:
    """n unit vectors, each a random mixture of two real vectors plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for lo in range(0, n, 100_000):
        m = min(100_000, n - lo)
        a, b = rng.integers(0, len(base), m), rng.integers(0, len(base), m)
        w = rng.random((m, 1), dtype=np.float32)
        rows = w * base[a] + (1 - w) * base[b]
        rows += noise * rng.standard_normal(rows.shape, dtype=np.float32)
        out[lo : lo + m] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


# ------------------------------------------------------------------ embedding cost


def bench_embed(n: int = 128) -> dict[str, Any]:
    from matcher.search.encoders import default_encoders

    texts, _ = real_passages()
    texts = (texts * (n // len(texts) + 1))[:n]
    out: dict[str, Any] = {"passages": n}
    for name, encoder in default_encoders(("minilm", "use")).items():
        encoder.encode(texts[:4], kind="passage")  # load the model
        # as a build embeds them (embed_stream.embed_in_chunks): batches of 32 similar lengths
        ordered = sorted(texts, key=len)
        start = time.perf_counter()
        for lo in range(0, n, 32):
            encoder.encode(ordered[lo : lo + 32], kind="passage")
        seconds = time.perf_counter() - start
        out[name] = {
            "ms_per_passage": round(1000 * seconds / n, 2),
            "per_second": round(n / seconds, 1),
        }
    return out


# ------------------------------------------------------------------ vectors at scale


def bench_vectors(
    n: int,
    stores: list[str],
    sweep: bool,
    lexical: bool,
    *,
    queries: int = 100,
    material: tuple[list[str], np.ndarray] | None = None,
    config: Any = None,
) -> dict[str, Any]:
    """Figures for n mixture vectors; `material` (texts, base vectors) replaces the real
    passages, `config` the AnnConfig (the test suite's small run)."""
    from matcher.search.vector_store import AnnConfig, FaissStore, exact_top

    if material is None:
        texts, real = real_passages()
        base = real["minilm"]
    else:
        texts, base = material
    vectors = mixture_vectors(base, n, seed=1)
    probes = mixture_vectors(base, queries, seed=2)
    truth = [exact_top(vectors, q, 10)[0] for q in probes]
    out: dict[str, Any] = {"size": n, "dim": int(base.shape[1]), "load": load_time()}
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        for store_name in stores:
            if store_name == "faiss":
                config = config or AnnConfig.load()
                start = time.perf_counter()
                store = FaissStore(vectors, config=config)
                build = time.perf_counter() - start
                store.save(tmp / "faiss.index")
                np.save(tmp / "vectors.npy", vectors)
                disk = folder_mb(tmp / "faiss.index") + folder_mb(tmp / "vectors.npy")
                kind = store.describe()["kind"]
                grid = [(config.nprobe, config.rerank)]
                if sweep and kind != "flat":
                    grid = [(p, r) for r in RERANKS for p in NPROBES]
                rows = []
                for nprobe, rerank in grid:
                    store.config = replace(config, nprobe=nprobe, rerank=rerank)
                    measured = time_and_recall(store, probes, truth)
                    rows.append({"nprobe": nprobe, "rerank": rerank, **measured})
                store.config = config
                out["faiss"] = {
                    "kind": kind,
                    "factory": config.factory(n, base.shape[1]),
                    "build_s": round(build, 1),
                    "disk_mb": disk,
                    "peak_mb_so_far": peak_mb(),
                    "by_nprobe": rows,
                }
                del store
            elif store_name == "milvus-lite":
                from matcher.search.milvus_store import MilvusStore

                uri = f"milvus-lite://{tmp / 'milvus.db'}"
                start = time.perf_counter()
                milvus = MilvusStore.create(uri, "bench", int(base.shape[1]))
                for lo in range(0, n, 50_000):
                    milvus.add(vectors[lo : lo + 50_000])
                build = time.perf_counter() - start
                milvus.top(probes[:1], 10)  # the first search loads the collection
                out["milvus-lite"] = {
                    "build_s": round(build, 1),
                    "disk_mb": folder_mb(tmp / "milvus.db"),
                    "peak_mb_so_far": peak_mb(),
                    **time_and_recall(milvus, probes, truth),
                }
        if lexical:
            out["bm25"] = bench_bm25(texts, n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out["peak_mb"] = peak_mb()
    return out


def time_and_recall(store: Any, probes: np.ndarray, truth: list[np.ndarray]) -> dict[str, Any]:
    store.top(probes[:5], 10)  # warm-up
    latencies, hits = [], 0
    for probe, expected in zip(probes, truth, strict=True):
        start = time.perf_counter()
        ids, _ = store.top(probe[None, :], 10)
        latencies.append((time.perf_counter() - start) * 1000)
        hits += len(set(ids[0].tolist()) & set(expected.tolist()))
    return {
        "recall@10": round(hits / (10 * len(truth)), 4),
        "query_ms_p50": pct(latencies, 0.5),
        "query_ms_p95": pct(latencies, 0.95),
    }


def bench_bm25(texts: list[str], n: int) -> dict[str, Any]:
    """BM25 over n documents of real sentences (two real passages' halves each)."""
    from matcher.search.lexical import LexicalIndex

    rng = random.Random(3)
    halves = [t[: len(t) // 2] for t in texts] + [t[len(t) // 2 :] for t in texts]
    docs = [f"{rng.choice(halves)} {rng.choice(halves)}" for _ in range(n)]
    start = time.perf_counter()
    index = LexicalIndex(docs)
    build = time.perf_counter() - start
    latencies = []
    for q in dev_statements()[:30]:
        start = time.perf_counter()
        scores = index.scores(q)
        np.argpartition(-scores, 10)[:10]
        latencies.append((time.perf_counter() - start) * 1000)
    return {
        "build_s": round(build, 1),
        "query_ms_p50": pct(latencies, 0.5),
        "query_ms_p95": pct(latencies, 0.95),
    }


# ------------------------------------------------------------------ a real-embedded catalogue


def synthetic_catalogue(n: int, path: Path, seed: int = 5) -> None:
    """n initiatives made of the real ones' sentences, written as JSONL."""
    import re

    from matcher.catalogue.parse import load_corpus
    from matcher.settings import DEFAULT_CORPUS

    real = load_corpus(DEFAULT_CORPUS).initiatives
    rng = random.Random(seed)
    groups: dict[str, list[Any]] = {}
    for ini in real:
        groups.setdefault(ini.sub_working_group, []).append(ini)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            first = rng.choice(real)
            donors = [
                first,
                *rng.sample(
                    groups[first.sub_working_group], k=min(2, len(groups[first.sub_working_group]))
                ),
            ]
            sentences = [s for d in donors for s in re.split(r"(?<=[.!?])\s+", d.text) if s.strip()]
            rng.shuffle(sentences)
            row = first.to_dict()
            row["id"] = f"{i:04d}"
            row["title"] = f"{first.title} ({i})"
            row["text"] = " ".join(sentences[: rng.randint(3, 9)])
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def bench_catalogue(n: int) -> dict[str, Any]:
    from matcher.catalogue.parse import load_corpus
    from matcher.facade import Matcher

    tmp = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
    try:
        path = tmp / "catalogue.jsonl"
        synthetic_catalogue(n, path)
        corpus = load_corpus(path)
        start = time.perf_counter()
        # the shipped calibration is fitted on the real catalogue's models and settings: the
        # same models, so it loads; the figures are about speed, not about its decisions
        m = Matcher.open(tmp / "index", corpus=corpus, progress=sys.stderr.isatty())
        build = time.perf_counter() - start
        build_peak = peak_mb()
        manifest = json.loads((tmp / "index" / "manifest.json").read_text())
        statements = dev_statements()
        for q in statements[:5]:
            m.search(q)
        latencies = []
        for q in statements:
            m.clear_query_cache()
            start = time.perf_counter()
            m.search(q)
            latencies.append((time.perf_counter() - start) * 1000)
        return {
            "initiatives": n,
            "passages": manifest["counts"]["passages"],
            "build_s": round(build, 1),
            "build_peak_mb": build_peak,
            "disk_mb": folder_mb(tmp / "index"),
            "store": manifest.get("stores", {}),
            "query_ms_p50_new_statement": pct(latencies, 0.5),
            "query_ms_p95_new_statement": pct(latencies, 0.95),
            "peak_mb": peak_mb(),
            "load": load_time(),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------ driver


def in_child(args: list[str]) -> dict[str, Any]:
    """Run one measurement in a new process (its own peak memory); its JSON result."""
    out = subprocess.run(
        [sys.executable, __file__, *args, "--json-one"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_params(results: list[dict[str, Any]], command: str) -> None:
    """Keep the fastest (nprobe, rerank) reaching the recall target at the largest size
    measured (the most accurate one when none does)."""
    measured = [r for r in results if r.get("faiss", {}).get("kind") == "ivfpq"]
    if not measured:
        print("no approximate index was measured; data/ann.json left as it is")
        return
    largest = max(measured, key=lambda r: r["size"])
    rows = largest["faiss"]["by_nprobe"]
    good = [r for r in rows if r["recall@10"] >= RECALL_TARGET] or [
        max(rows, key=lambda r: r["recall@10"])
    ]
    chosen = min(good, key=lambda r: (r["query_ms_p50"], r["nprobe"], r["rerank"]))
    from matcher.search.vector_store import AnnConfig

    config = AnnConfig.load()
    settings = replace(config, nprobe=chosen["nprobe"], rerank=chosen["rerank"]).as_dict()
    data = {
        "about": "FAISS index choice and search parameters; nprobe and rerank are the fastest "
        f"pair whose recall@10 against exact search reaches {RECALL_TARGET} at the largest size "
        "measured (scripts/bench_scale.py --sweep --write-params).",
        "settings": settings,
        "provenance": {
            "script": "scripts/bench_scale.py",
            "command": command,
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data": "mixtures of two real MiniLM passage vectors + N(0, 0.05) noise, normalised",
            "measurements": [
                {
                    "size": r["size"],
                    "factory": r["faiss"]["factory"],
                    "by_nprobe": r["faiss"]["by_nprobe"],
                }
                for r in measured
            ],
        },
    }
    ANN_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {ANN_FILE.relative_to(ROOT)}: {chosen}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["embed", "vectors", "catalogue"])
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--stores", nargs="+", default=["faiss"], choices=["faiss", "milvus-lite"])
    parser.add_argument("--sweep", action="store_true", help="measure several nprobe values")
    parser.add_argument("--lexical", action="store_true", help="BM25 over real sentences too")
    parser.add_argument("--write-params", action="store_true")
    parser.add_argument("--here", action="store_true", help="measure in this process")
    parser.add_argument("--json-one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    def one(size: int) -> dict[str, Any]:
        if args.what == "vectors":
            return bench_vectors(size, args.stores, args.sweep, args.lexical)
        return bench_catalogue(size)

    if args.json_one:
        result = bench_embed() if args.what == "embed" else one(args.sizes[0])
        print(json.dumps(result))
        return
    if args.what == "embed":
        results = [bench_embed() if args.here else in_child(["embed"])]
    else:
        results = []
        for size in args.sizes or [10_000]:
            child = [args.what, str(size), "--stores", *args.stores]
            child += ["--sweep"] * args.sweep + ["--lexical"] * args.lexical
            results.append(one(size) if args.here else in_child(child))
    for result in results:
        print(json.dumps(result, indent=1))
    if args.write_params:
        write_params(results, "python scripts/bench_scale.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
