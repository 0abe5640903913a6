"""Concurrent clients on one engine: per-request latency and throughput, by encoder threads.

Each client is a thread calling `Matcher.search` on statements no client searched before (the
dev and train statements, split between the clients; the query cache starts empty), as the
HTTP API's worker threads do. Printed per (threads of each encoder, clients): p50 / p95
per request and statements per second. Timings are upper bounds on a shared machine.

    python scripts/bench_concurrency.py [--threads 1 2] [--clients 1 4] [--statements 80] [--eval ../shared/eval]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"


def statements(n: int, folder: Path = EVAL) -> list[str]:
    texts = [q["query"] for q in json.loads((folder / "dev_queries.json").read_text())]
    train = json.loads((folder / "train_statements.json").read_text())
    rows = train if isinstance(train, list) else train.get("statements", [])
    texts += [r.get("query") or r.get("statement") or "" for r in rows]
    return [t for t in dict.fromkeys(texts) if t][:n]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)


def run(threads: int, clients: int, texts: list[str]) -> dict[str, float]:
    from matcher.facade import Matcher
    from matcher.search.encoders import MiniLMEncoder, USEEncoder

    m = Matcher.open(
        progress=False, encoders={"minilm": MiniLMEncoder(threads=threads, query_threads=threads),
                                  "use": USEEncoder(threads=threads)}
    )
    for q in texts[:3]:
        m.search(q)  # models loaded, code paths warm
    m.clear_query_cache()

    def one(text: str) -> float:
        start = time.perf_counter()
        m.search(text)
        return (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        latencies = list(pool.map(one, texts))
    wall = time.perf_counter() - start
    return {
        "p50_ms": pct(latencies, 0.5),
        "p95_ms": pct(latencies, 0.95),
        "statements_per_s": round(len(texts) / wall, 1),
        "median_ms": round(statistics.median(latencies), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--statements", type=int, default=80)
    parser.add_argument("--eval", type=Path, default=EVAL, help="folder of the judged files")
    args = parser.parse_args()
    texts = statements(args.statements, args.eval)
    print(f"{len(texts)} statements, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
          " (timings are upper bounds on a shared machine)")
    print(f"{'threads':>15}{'clients':>9}{'p50 ms':>9}{'p95 ms':>9}{'stmt/s':>8}")
    for threads in args.threads:
        for clients in args.clients:
            r = run(threads, clients, texts)
            print(f"{threads:>15}{clients:>9}{r['p50_ms']:>9}{r['p95_ms']:>9}"
                  f"{r['statements_per_s']:>8}")


if __name__ == "__main__":
    main()
