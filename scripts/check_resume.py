"""Kill a real index build at random points, resume it, and compare with an uninterrupted build.

Builds the shipped catalogue's index once without interruption, then again in a child process
that is SIGKILLed `--kills` times at random moments (each next child resumes from the chunks the
killed ones finished), lets the last child finish, and compares every file but the manifest's
date byte for byte. Prints what each kill found and the verdict.

    python scripts/check_resume.py [--kills 5] [--chunk 16] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import sys
from pathlib import Path
from matcher.catalogue.parse import load_corpus
from matcher.search.encoders import default_encoders
from matcher.search.index_build import build_index
from matcher.settings import DEFAULT_CORPUS, Settings
settings = Settings(vector_store="faiss:")
report = build_index(Path(sys.argv[1]), load_corpus(DEFAULT_CORPUS),
                     default_encoders(settings.dense_models), settings,
                     progress=False, chunk=int(sys.argv[2]))
print("REPORT", report.embedded, report.resumed, report.per_second, report.seconds, flush=True)
"""


def build(index: Path, chunk: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(index), str(chunk)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )


def chunks_on_disk(index: Path) -> int:
    folder = index.parent / f".matcher-chunks-{index.name}"
    return sum(1 for p in folder.rglob("*.npy")) if folder.exists() else 0


def same_files(a: Path, b: Path) -> list[str]:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    differ = [
        n
        for n in names
        if n != "manifest.json"
        and (
            not (a / n).exists()
            or not (b / n).exists()
            or (a / n).read_bytes() != (b / n).read_bytes()
        )
    ]
    ma, mb = (json.loads((x / "manifest.json").read_text()) for x in (a, b))
    if ma["files"] != mb["files"]:
        differ.append("manifest.json (files)")
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        whole, resumed = Path(tmp) / "whole", Path(tmp) / "resumed"
        start = time.perf_counter()
        child = build(whole, args.chunk)
        out, _ = child.communicate()
        full = time.perf_counter() - start
        print(f"uninterrupted build: {full:.1f} s; {out.strip()}")
        for kill in range(1, args.kills + 1):
            # kill after 1-3 more chunks finish, at a random moment inside the next one
            target = chunks_on_disk(resumed) + rng.randint(1, 3)
            child = build(resumed, args.chunk)
            while child.poll() is None and chunks_on_disk(resumed) < target:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 1.0))
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
                child.wait()
                print(f"kill {kill}: killed; {chunks_on_disk(resumed)} finished chunks on disk")
            else:
                print(f"kill {kill}: the build had already finished")
        start = time.perf_counter()
        child = build(resumed, args.chunk)
        out, _ = child.communicate()
        print(f"last build: {time.perf_counter() - start:.1f} s; {out.strip()}")
        differ = same_files(whole, resumed)
        print("equal to the uninterrupted build" if not differ else f"DIFFER: {differ}")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
