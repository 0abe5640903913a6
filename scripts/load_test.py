"""Start `matcher serve` on a free port, load it with Locust for a bounded time, print figures.

    python scripts/load_test.py                       # 20 users for 60 s, 2 workers
    python scripts/load_test.py --users 50 --seconds 120 --workers 2 --single-seconds 20
    python scripts/load_test.py --cold-starts 5 --workers 1   # only the cold start

Prints, in order: the cold start (process start to a 200 from /ready), each statement sent
alone (the reference answers), a single-user run and the multi-user run (requests per second,
p50/p95/p99 latency in ms, errors), and whether every answer under load equals the answer to the
same statement sent alone. Exits non-zero when there were errors or differing answers.
Runs on the index the server opens (`--index`/`--corpus` or the defaults: the real models).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import gevent
from locust import between
from locust.env import Environment

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import locustfile  # noqa: E402  (the users and statements, shared with the locust CLI)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def start_server(args: argparse.Namespace, port: int) -> tuple[subprocess.Popen[bytes], float]:
    """The server process and the seconds from its start to a 200 from /ready."""
    command = [sys.executable, "-m", "matcher"]
    if args.index:
        command += ["--index", args.index]
    if args.corpus:
        command += ["--corpus", args.corpus]
    command += ["serve", "--port", str(port), "--workers", str(args.workers)]
    command += ["--log-level", "warning"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = start + args.start_timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as r:
                if r.status == 200:
                    return proc, time.perf_counter() - start
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.05)
    proc.terminate()
    raise SystemExit(f"the server was not ready within {args.start_timeout} s")


def memory(pid: int) -> str:
    """Resident memory of the server process and its worker processes."""
    import psutil  # comes with locust

    parent = psutil.Process(pid)
    rss = [f"{p.memory_info().rss / 2**20:.0f} MB" for p in parent.children(recursive=True)]
    own = f"{parent.memory_info().rss / 2**20:.0f} MB"
    return f"server process {own}" + (f", workers {', '.join(rss)}" if rss else "")


def run_locust(host: str, users: int, seconds: float) -> dict[str, float]:
    """One bounded Locust run in this process; its overall figures."""
    env = Environment(user_classes=[locustfile.CoalitionUser], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    total = env.stats.total
    for error in env.stats.errors.values():  # which requests failed, and how
        print(f"  failed {error.occurrences}x {error.method} {error.name}: {str(error.error)[:120]}")
    return {
        "users": users,
        "seconds": seconds,
        "requests": total.num_requests,
        "errors": total.num_failures,
        "rps": total.num_requests / seconds,
        "p50_ms": total.get_response_time_percentile(0.50),
        "p95_ms": total.get_response_time_percentile(0.95),
        "p99_ms": total.get_response_time_percentile(0.99),
        "search_p95_ms": env.stats.get("/search", "POST").get_response_time_percentile(0.95),
    }


def show(label: str, figures: dict[str, float]) -> None:
    print(
        f"{label:<12} {figures['users']:>3} users {figures['seconds']:>5.0f} s: "
        f"{figures['requests']:>6} requests, {figures['rps']:6.2f} req/s, "
        f"p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, "
        f"p99 {figures['p99_ms']:.0f} ms (search p95 {figures['search_p95_ms']:.0f} ms), "
        f"errors {figures['errors']}"
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def measure_cold_starts(args: argparse.Namespace) -> int:
    seconds = []
    for _ in range(args.cold_starts):
        proc, cold = start_server(args, free_port())
        stop(proc)
        seconds.append(cold)
        print(f"cold start   `matcher serve --workers {args.workers}` to /ready: {cold:.2f} s")
    seconds.sort()
    print(f"median       {seconds[len(seconds) // 2]:.2f} s of {len(seconds)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--single-seconds", type=float, default=30.0, help="the 1-user run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--index", help="index folder (default: the server's default)")
    parser.add_argument("--corpus", help="catalogue file (default: the server's default)")
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument(
        "--wait",
        type=float,
        nargs=2,
        default=(1.0, 3.0),
        metavar=("MIN", "MAX"),
        help="seconds each user waits between requests (default 1 3; 0 0 hammers)",
    )
    parser.add_argument(
        "--vary",
        action="store_true",
        help="open each search with a writer's country, so most statements are new to the "
        "server (no cached embeddings); their answers are not compared",
    )
    parser.add_argument(
        "--cold-starts",
        type=int,
        default=0,
        metavar="N",
        help="only measure N cold starts (start, wait for /ready, stop) and their median",
    )
    args = parser.parse_args()
    if args.cold_starts:
        return measure_cold_starts(args)
    locustfile.CoalitionUser.wait_time = between(*args.wait)
    locustfile.CoalitionUser.vary = args.vary

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    proc, cold = start_server(args, port)
    try:
        print(
            f"cold start   `matcher serve --workers {args.workers}` to a 200 from /ready: {cold:.2f} s"
        )
        alone: dict[str, str] = {}
        timings = []
        for statement in locustfile.ALL_STATEMENTS:
            start = time.perf_counter()
            alone[statement] = locustfile.canonical(
                post(f"{host}/search", {"query": statement, "k": 10})
            )
            timings.append(time.perf_counter() - start)
        timings.sort()
        print(
            f"alone        {len(timings)} statements one at a time: median "
            f"{1000 * timings[len(timings) // 2]:.0f} ms, slowest {1000 * timings[-1]:.0f} ms"
        )
        locustfile.ANSWERS.clear()
        single = run_locust(host, 1, args.single_seconds)
        show("single user", single)
        many = run_locust(host, args.users, args.seconds)
        show("under load", many)
        differing = [s for s, seen in locustfile.ANSWERS.items() if seen != {alone[s]}]
        print(
            f"consistency  {len(locustfile.ANSWERS)} statements searched under load; "
            f"{len(differing)} got an answer other than when sent alone"
        )
        for s in differing[:5]:
            print(f"  differs: {s}")
        print(f"memory       {memory(proc.pid)}")
        return 1 if differing or many["errors"] or single["errors"] else 0
    finally:
        stop(proc)


if __name__ == "__main__":
    sys.exit(main())
