"""A real browser against `streamlit run app.py`: type a statement, wait for results, screenshot.

Uses Debian's Chromium (no browser downloads are possible here); skipped where it is absent.
The app runs on the real models and the project's index (built on first use).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "BROWSER": "none"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Find programmes").first.wait_for(timeout=240_000)
        yield page
        browser.close()


def search(page, text: str) -> None:
    box = page.get_by_label("Your country's needs")
    box.wait_for(timeout=240_000)
    box.fill(text)
    box.press("Control+Enter")


def test_statement_gives_results_and_a_screenshot(page) -> None:
    search(page, "postal fentanyl trafficking, no forensic lab")
    page.get_by_text("Mail Channel Component").first.wait_for(timeout=120_000)
    body = page.inner_text("body")
    assert "What we read" in body
    assert "forensic lab" in body
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "find-programmes.png"), full_page=False)


def test_html_is_shown_as_text(page) -> None:
    search(page, "<img src=x onerror=alert(1)> fentanyl in mail parcels")
    page.get_by_text("onerror=alert(1)", exact=False).first.wait_for(timeout=120_000)
    assert page.locator("img[src='x']").count() == 0
