"""Benchmark: quality and speed side by side, in one run.

Quality on a judged query file (nDCG@10, Recall@10, MRR@10): BM25 alone, MiniLM dense alone,
and the engine. Speed: cold start (a new process to its first result), warm query latency
p50/p95 over the queries, a full index build from nothing, peak memory, and the app's cold start
to first usable page and warm search round trip (AppTest).

    python scripts/bench.py [../shared/eval/dev_queries.json] [--skip-build] [--skip-app]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLD = (
    "import time; t=time.perf_counter();"
    "from matcher.facade import Matcher;"
    "r=Matcher.open().search('postal fentanyl trafficking, no forensic lab');"
    "print(time.perf_counter()-t)"
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def quality(path: str) -> dict[str, dict]:
    from matcher.evaluate import evaluate, load_queries
    from matcher.facade import Matcher
    from matcher.search.retrieval import top_k

    queries = load_queries(path)
    m = Matcher.open()
    ids = m.corpus.ids

    def bm25(q: str) -> list[str]:
        return [ids[i] for i in top_k(m.lexical.scores(q), 10)]

    def minilm(q: str) -> list[str]:
        vec = m.encoders["minilm"].encode([q], kind="query")[0]
        from matcher.search.retrieval import max_by_owner

        scores = max_by_owner(m.index.search("minilm", vec), m._owners, len(ids))
        return [ids[i] for i in top_k(scores, 10)]

    def engine(q: str) -> list[str]:
        return [r.id for r in m.search(q, k=10).results]

    out = {}
    for name, fn in (("BM25 alone", bm25), ("MiniLM dense alone", minilm), ("engine", engine)):
        report = evaluate(queries, fn)
        out[name] = {"overall": report["overall"], "by_style": report["by_style"]}
    latencies, repeated = [], []
    for q in queries:
        m.search(q.query, k=10)  # warm-up pass for this query's code paths
    for q in queries:
        m.clear_query_cache()  # a statement the engine has not seen: every text is embedded
        start = time.perf_counter()
        m.search(q.query, k=10)
        latencies.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        m.search(q.query, k=10)  # the same statement again (an app rerun): embeddings cached
        repeated.append((time.perf_counter() - start) * 1000)
    for key, values in (("latency_ms", latencies), ("latency_ms_repeated", repeated)):
        out[key] = {
            "p50": round(statistics.median(values), 1),
            "p95": round(percentile(values, 0.95), 1),
            "max": round(max(values), 1),
            "queries": len(values),
        }
    return out


def cold_start(runs: int = 3) -> dict[str, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(times), 2), "runs": runs}


def child_seconds(code: str) -> float:
    """Run `code` in a new interpreter; it prints the seconds it measured on its last line."""
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return float(out.stdout.strip().splitlines()[-1])


def build_time() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        seconds = child_seconds(
            "import time,sys; t=time.perf_counter();"
            "from matcher.facade import Matcher;"
            f"Matcher.open({str(Path(tmp) / 'index')!r}, progress=False);"
            "print(time.perf_counter()-t)"
        )
    return {"seconds": round(seconds, 1)}


def app_timing() -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    cold = child_seconds(
        "import time; t=time.perf_counter();"
        "from streamlit.testing.v1 import AppTest;"
        f"at=AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=120).run();"
        "assert not at.exception; print(time.perf_counter()-t)"
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    rounds = []
    for text in (
        "postal fentanyl trafficking, no forensic lab",
        "no tenemos alerta temprana",
        "prison overcrowding, treatment in prisons",
        "detector dogs at the airport",
    ):
        start = time.perf_counter()
        at.text_area(key="statement").input(text).run()
        rounds.append(time.perf_counter() - start)
    return {
        "cold_start_first_page_s": round(cold, 2),
        "warm_search_round_trip_s_median": round(statistics.median(rounds), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "queries", nargs="?", default=str(ROOT.parent / "shared/eval/dev_queries.json")
    )
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    results: dict[str, object] = {"quality": quality(args.queries)}
    results["cold_start"] = cold_start()
    if not args.skip_build:
        results["index_build"] = build_time()
    if not args.skip_app:
        results["app"] = app_timing()
    results["peak_memory_mb"] = round(
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024,
        1,
    )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    q = results["quality"]
    print(f"{'system':<22}{'nDCG@10':>9}{'R@10':>7}{'MRR@10':>8}   per style nDCG@10")
    for name in ("BM25 alone", "MiniLM dense alone", "engine"):
        o = q[name]["overall"]  # type: ignore[index]
        styles = " ".join(f"{s}={v['ndcg@10']:.3f}" for s, v in q[name]["by_style"].items())  # type: ignore[index]
        print(f"{name:<22}{o['ndcg@10']:>9.3f}{o['recall@10']:>7.3f}{o['mrr@10']:>8.3f}   {styles}")
    print(f"warm query latency, new statement (engine): {q['latency_ms']}")  # type: ignore[index]
    print(f"warm query latency, repeated statement: {q['latency_ms_repeated']}")  # type: ignore[index]
    for key in ("cold_start", "index_build", "app", "peak_memory_mb"):
        if key in results:
            print(f"{key}: {results[key]}")


if __name__ == "__main__":
    main()
