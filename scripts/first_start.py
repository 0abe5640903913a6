"""The app's first start as a newcomer sees it: `streamlit run app.py` with no index yet, until the
Find programmes page is usable in a browser (the models loaded, the index built). Prints seconds.

    python scripts/first_start.py [--runs 1] [--keep-index]

Uses Debian's Chromium through Playwright (as tests/test_browser.py does) over a copy of the
catalogue in a temporary folder, so the project's own index is left alone. `--keep-index` times a
restart instead (the index already built by the first run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READY = "Type a statement above or pick an example to see matching programmes."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_start(folder: Path, chromium: str) -> tuple[float, float]:
    """(seconds to the server answering, seconds to the usable page), from the launch."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {
        **os.environ,
        "MATCHER_CORPUS": str(folder / "initiatives.jsonl"),
        "MATCHER_INDEX_DIR": str(folder / "index"),
    }
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
    command += ["--server.port", str(port), "--server.headless", "true"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        up = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}", wait_until="domcontentloaded")
            page.get_by_text(READY).wait_for(timeout=600_000)
            usable = time.perf_counter() - t0
            browser.close()
        return up, usable
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep-index", action="store_true", help="time a restart instead")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("error: needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(ROOT / "corpus" / "initiatives.jsonl", folder / "initiatives.jsonl")
        for run in range(1, args.runs + 1):
            if not args.keep_index:
                shutil.rmtree(folder / "index", ignore_errors=True)
            kind = "restart" if (folder / "index" / "manifest.json").exists() else "first"
            up, usable = one_start(folder, chromium)
            print(f"run {run} ({kind} start): server up {up:.1f} s, page usable {usable:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
