"""Damage the index under a running `matcher serve` and print what the clients saw.

Copies the index and catalogue to a temporary folder, starts `matcher serve` over the copy,
then truncates, deletes and replaces `vectors_use.npy` in turn while searching, and prints per
fault the answers seen (status and code) until searches answer 200 again, how long that took,
whether the answer equals the one before, and whether the server stayed up. The suite runs the
small version on the fake encoder (tests/api/test_faults.py); this one runs the real models.

    python scripts/fault_index.py [--index index] [--corpus corpus/initiatives.jsonl] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def call(port: int, path: str, body: dict[str, Any] | None = None) -> tuple[int | None, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data, {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except OSError as exc:
        return None, str(exc)


def damage(path: Path, how: str) -> None:
    if how == "truncate":
        os.truncate(path, path.stat().st_size // 4)
    elif how == "delete":
        path.unlink()
    else:
        other = path.with_name(path.name + ".other")
        other.write_bytes(path.read_bytes()[::-1])
        other.replace(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=str(ROOT / "index"))
    parser.add_argument("--corpus", default=str(ROOT / "corpus" / "initiatives.jsonl"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=240, help="give up on a fault after")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index, corpus = Path(tmp) / "index", Path(tmp) / "initiatives.jsonl"
        shutil.copytree(args.index, index)
        shutil.copy(args.corpus, corpus)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "matcher", "--index", str(index), "--corpus", str(corpus)]
        command += ["serve", "--port", str(port), "--workers", str(args.workers)]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        proc = subprocess.Popen([*command, "--log-level", "warning"], env=env)
        try:
            while call(port, "/ready")[0] != 200:
                if proc.poll() is not None:
                    print(f"the server exited with code {proc.returncode}")
                    return 1
                time.sleep(0.2)
            body = {"query": "We need detector dogs at airports", "k": 3}
            _, before = call(port, "/search", body)
            failed = False
            for how in ("truncate", "delete", "replace"):
                damage(index / "vectors_use.npy", how)
                start, seen = time.monotonic(), dict[str, int]()
                status, answer = None, None
                while time.monotonic() - start < args.seconds and proc.poll() is None:
                    status, answer = call(port, "/search", body)
                    key = (
                        f"{status} {answer.get('code', '') if isinstance(answer, dict) else answer}"
                    )
                    seen[key] = seen.get(key, 0) + 1
                    if status == 200 and len(seen) > 1:
                        break
                    time.sleep(0.2)
                took = time.monotonic() - start
                same = status == 200 and answer == before
                alive = proc.poll() is None
                failed |= not (same and alive)
                print(
                    f"{how:<9} answers {seen}, 200 again after {took:.1f} s, "
                    f"same answer {same}, server up {alive}"
                )
            return 1 if failed else 0
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    sys.exit(main())
