"""`/docs` and `/redoc` work on a machine with no internet: every asset comes from the server.

The HTML checks run on FastAPI's TestClient; the browser check serves the app with uvicorn in
this process and opens `/docs` in Debian's Chromium with every request to another host refused.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import matcher.facade
import matcher.search.encoders
from matcher.api.app import create_app
from matcher.api.docs_assets import DOCS_URL, REDOC_URL
from matcher.api.run import open_live
from tests.conftest import DATA, HashingEncoder

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# src="...", href="...", url(...), and bare //host references in a page
REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")
ADDRESS = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+""")


def fakes(*_: object) -> dict[str, HashingEncoder]:
    return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    corpus = tmp_path / "catalogue.jsonl"
    shutil.copy(DATA / "mini.jsonl", corpus)
    monkeypatch.setattr(matcher.facade, "default_encoders", fakes)
    monkeypatch.setattr(matcher.search.encoders, "default_encoders", fakes)
    return create_app(open_live(tmp_path / "index", corpus))


def outside_addresses(html: str) -> list[str]:
    """Every host name an HTML page names: in its references and anywhere in its scripts."""
    found = [m.group(0) for m in ADDRESS.finditer(html)]
    for m in REFERENCE.finditer(html):
        ref = m.group(1) or m.group(2)
        if urlsplit(ref).netloc:
            found.append(ref)
    return found


def html_pages(app: Any) -> list[str]:
    """The GET routes without path parameters: every page the API can answer with no input."""
    paths = [DOCS_URL, REDOC_URL]
    for route in app.routes:
        if isinstance(route, APIRoute) and "GET" in (route.methods or ()) and "{" not in route.path:
            paths.append(route.path)
    return sorted(set(paths))


def test_docs_and_redoc_name_no_other_host(api: Any) -> None:
    client = TestClient(api)
    for path in (DOCS_URL, REDOC_URL):
        response = client.get(path)
        assert response.status_code == 200 and "text/html" in response.headers["content-type"]
        assert outside_addresses(response.text) == [], path
        # and what they reference is there
        for m in REFERENCE.finditer(response.text):
            ref = m.group(1) or m.group(2)
            assert client.get(ref).status_code == 200, ref


def test_no_html_response_of_the_api_names_another_host(api: Any) -> None:
    client = TestClient(api)
    pages = html_pages(api)
    assert {DOCS_URL, REDOC_URL, "/health"} <= set(pages)
    html = 0
    for path in pages:
        response = client.get(path)
        if "text/html" in response.headers.get("content-type", ""):
            html += 1
            assert outside_addresses(response.text) == [], path
    assert html >= 2  # /docs and /redoc at least


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(api: Any) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed")
@pytest.mark.parametrize("path", [DOCS_URL, REDOC_URL])
def test_docs_list_the_operations_with_the_network_blocked(served: str, path: str) -> None:
    from playwright.sync_api import sync_playwright

    refused: list[str] = []

    def block_outside(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.route("**/*", block_outside)
            page.goto(served + path)
            # an operation Swagger UI and ReDoc both list by its path
            page.get_by_text("/search/batch").first.wait_for(timeout=60_000)
            shown = page.inner_text("body")
        finally:
            browser.close()
    assert "/initiatives" in shown and "/brief" in shown
    assert refused == []
