"""A real browser against `streamlit run app.py`: search, share a link, keyboard use, axe-core,
nothing fetched from the internet, and a catalogue import seen without a restart.

Uses Debian's Chromium (no browser downloads are possible here); skipped where it is absent.
The accessibility test needs axe-core from npm (`npm install --no-save --prefix build/axe
axe-core`, as .ci/run does). The app runs on the real models over a copy of the project's
catalogue and index (so the import test leaves the project's files alone).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from matcher.i18n.messages import LANGUAGE_NAMES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
AXE = ROOT / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LONG = 240_000  # ms: the first page load may build the index on a loaded machine
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# a bordered container (Streamlit 1.67 dropped stVerticalBlockBorderWrapper)
CARD = '[data-testid="stLayoutWrapper"]'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the catalogue and its index that the tests may change."""
    folder = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "corpus" / "initiatives.jsonl", folder / "initiatives.jsonl")
    if (ROOT / "index" / "manifest.json").exists():
        shutil.copytree(ROOT / "index", folder / "index")
    return folder


@pytest.fixture(scope="module")
def env(project: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BROWSER": "none",
        "MATCHER_CORPUS": str(project / "initiatives.jsonl"),
        "MATCHER_INDEX_DIR": str(project / "index"),
    }


@pytest.fixture(scope="module")
def server(env: dict[str, str], project: Path) -> Iterator[str]:
    port = free_port()
    with (project / "server.log").open("w") as log:
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
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a loaded machine can keep a rerun going: stop it
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
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
        yield browser
        browser.close()


OUTSIDE: list[str] = []  # every request any test's page made to a host other than this machine


def open_page(browser: Any, url: str) -> Any:
    """A page in a fresh browser context (no cookies, no storage), recording outside requests."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()

    def record(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in (
            "127.0.0.1",
            "localhost",
        ):
            OUTSIDE.append(request.url)

    page.on("request", record)
    page.goto(url, wait_until="domcontentloaded")
    return page


@pytest.fixture(scope="module")
def page(browser: Any, server: str) -> Iterator[Any]:
    page = open_page(browser, server)
    page.get_by_text("Find programmes").first.wait_for(timeout=LONG)
    yield page
    page.context.close()


def idle(page: Any) -> None:
    page.locator(IDLE).wait_for(timeout=LONG)


def search(page: Any, text: str) -> None:
    box = page.get_by_label("Your country's needs")
    box.wait_for(timeout=LONG)
    box.fill(text)
    box.press("Control+Enter")


def result_titles(page: Any) -> list[str]:
    """The programme cards' titles, in order (each card has a Shortlist checkbox)."""
    cards = page.locator(CARD).filter(has=page.get_by_role("checkbox", name="Shortlist"))
    return [c.locator("strong").first.inner_text() for c in cards.all()]


def test_statement_gives_results_and_a_screenshot(page: Any) -> None:
    search(page, "postal fentanyl trafficking, no forensic lab")
    page.get_by_text("Mail Channel Component").first.wait_for(timeout=120_000)
    body = page.inner_text("body")
    assert "What we read" in body
    assert "forensic lab" in body
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "find-programmes.png"), full_page=False)


def test_html_is_shown_as_text(page: Any) -> None:
    search(page, "<img src=x onerror=alert(1)> fentanyl in mail parcels")
    page.get_by_text("onerror=alert(1)", exact=False).first.wait_for(timeout=120_000)
    assert page.locator("img[src='x']").count() == 0


def test_markup_is_shown_as_text(page: Any) -> None:
    search(page, "we need **bold** ![x](http://host.example/x.png) :red[red] $x^2$")
    page.get_by_text("**bold**", exact=False).first.wait_for(timeout=120_000)
    idle(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("img[src*='host.example']").count() == 0
    assert main.locator("a[href*='host.example']").count() == 0
    assert main.locator(".katex").count() == 0
    literals = ("**bold**", "red[red]", "$x^2$", "http://host.example/x.png")
    # the page may rerun once more (the URL takes the statement): read it once it has settled
    deadline = time.monotonic() + 60
    shown = main.inner_text()
    while not all(t in shown for t in literals) and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        idle(page)
        shown = main.inner_text()
    for literal in literals:
        assert literal in shown


SHORTLISTED = re.compile(r"^Shortlisted: ")


def test_a_shared_link_opens_the_same_results_in_a_fresh_browser(page: Any, browser: Any) -> None:
    search(page, "detector dogs at airports; no early warning system")
    page.get_by_role("checkbox", name="Shortlist").first.wait_for(timeout=120_000)
    # a rerun can replace the card under the click on a loaded machine: click again until the
    # shortlist says so ("Nothing shortlisted: ..." also holds "shortlisted:", matched case-blind:
    # wait for the caption the shortlist writes, which starts "Shortlisted:")
    for attempt in range(5):
        idle(page)
        box = page.get_by_role("checkbox", name="Shortlist").first
        try:
            if not box.is_checked():
                box.check(force=True, timeout=10_000)
            page.get_by_text(SHORTLISTED).first.wait_for(timeout=20_000)
            break
        except Exception:  # playwright's own error types: the page moved under the click
            if attempt == 4:
                raise
    idle(page)
    titles = result_titles(page)
    shortlisted = page.get_by_text(SHORTLISTED).first.inner_text()
    page.get_by_text("Share these results").click()
    link = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert link.startswith("http://127.0.0.1") and "q=" in link and "ids=" in link

    other = open_page(browser, link)  # a new context: no cookies, no session
    try:
        other.get_by_role("checkbox", name="Shortlist").first.wait_for(timeout=LONG)
        idle(other)
        assert other.get_by_label("Your country's needs").input_value() == (
            "detector dogs at airports; no early warning system"
        )
        assert result_titles(other) == titles
        assert other.get_by_text(SHORTLISTED).first.inner_text() == shortlisted
    finally:
        other.context.close()


def focus_by_tab(page: Any, matches: str, limit: int = 250) -> None:
    """Press Tab until the focused element satisfies the JS predicate `matches(el)`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({matches}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element matching {matches}")


def test_keyboard_alone_runs_a_search_and_downloads_a_brief(browser: Any, server: str) -> None:
    page = open_page(browser, server)
    try:
        page.get_by_label("Your country's needs").wait_for(timeout=LONG)
        idle(page)
        focus_by_tab(page, "el => el.tagName === 'TEXTAREA'")
        page.keyboard.type("postal fentanyl trafficking, no forensic lab")
        page.keyboard.press("Control+Enter")
        page.get_by_text("Brief (Markdown)").wait_for(timeout=120_000)
        idle(page)
        focus_by_tab(page, "el => el.innerText && el.innerText.includes('Brief (Markdown)')")
        with page.expect_download(timeout=60_000) as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename == "country-brief.md"
    finally:
        page.context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in result["violations"]
    ]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed under build/axe")
def test_axe_finds_no_wcag_a_or_aa_violation_on_any_page(browser: Any, server: str) -> None:
    pages = {
        "find": f"{server}/?q=postal+fentanyl+trafficking%2C+no+forensic+lab",
        "catalogue": f"{server}/catalogue",
        "overlaps": f"{server}/overlaps",
        "map": f"{server}/map",
        "find, in Arabic": f"{server}/?lang=ar&q=postal+fentanyl+trafficking",
    }
    found: dict[str, list[dict[str, Any]]] = {}
    for name, url in pages.items():
        page = open_page(browser, url)
        try:
            page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for(timeout=LONG)
            page.wait_for_load_state("networkidle")
            idle(page)
            found[name] = axe_violations(page)
        finally:
            page.context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(found, indent=2), encoding="utf-8")
    for name, violations in found.items():
        print(f"axe {name}: {len(violations)} violations {[v['id'] for v in violations]}")
    assert {name: [v["id"] for v in vs] for name, vs in found.items()} == {n: [] for n in found}


def test_arabic_is_laid_out_right_to_left_and_named_as_arabic(browser: Any, server: str) -> None:
    page = open_page(browser, f"{server}/?lang=ar")
    try:
        page.get_by_text("البحث عن البرامج").first.wait_for(timeout=LONG)
        idle(page)
        page.wait_for_function("document.documentElement.lang === 'ar'", timeout=60_000)
        direction = page.eval_on_selector(
            '[data-testid="stMain"]', "el => getComputedStyle(el).direction"
        )
        assert direction == "rtl"
    finally:
        page.context.close()


def programme_cards(page: Any) -> Any:
    """The result cards in any interface language (each has one checkbox: Shortlist)."""
    return page.locator(CARD).filter(has=page.locator('[data-testid="stCheckbox"]'))


@pytest.mark.parametrize("lang", list(LANGUAGE_NAMES))
def test_switching_the_language_keeps_the_search_working(
    browser: Any, server: str, lang: str
) -> None:
    """A search in English, then the sidebar's language switched: the filters left at their
    defaults still filter nothing, and the same search in the new language finds programmes."""
    page = open_page(browser, server)
    try:
        search(page, "detector dogs at airports")
        programme_cards(page).first.wait_for(timeout=LONG)
        idle(page)
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name=LANGUAGE_NAMES[lang], exact=True).click()
        idle(page)
        box = page.locator("textarea").first
        box.fill("detector dogs at airports; no early warning system")
        box.press("Control+Enter")
        page.wait_for_timeout(500)
        idle(page)
        programme_cards(page).first.wait_for(timeout=LONG)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert page.evaluate("document.documentElement.lang") == lang
    finally:
        page.context.close()


def test_the_search_button_runs_a_search(browser: Any, server: str) -> None:
    page = open_page(browser, server)
    try:
        box = page.get_by_label("Your country's needs")
        box.wait_for(timeout=LONG)
        box.fill("detector dogs at airports")
        page.get_by_role("button", name="Search", exact=True).click()
        programme_cards(page).first.wait_for(timeout=LONG)
    finally:
        page.context.close()


CUT = """els => els
    .filter(el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
    .map(el => el.innerText)"""


@pytest.mark.parametrize("lang", ["fr", "ru"])
def test_no_button_label_is_cut_short(browser: Any, server: str, lang: str) -> None:
    page = open_page(browser, f"{server}/?lang={lang}&q=detector+dogs+at+airports")
    try:
        programme_cards(page).first.wait_for(timeout=LONG)
        idle(page)
        labels = page.locator('[data-testid="stMain"] button [data-testid="stMarkdownContainer"]')
        assert labels.count() >= 6
        assert labels.evaluate_all(CUT) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"find-{lang}.png"), full_page=True)
    finally:
        page.context.close()


def test_nothing_is_fetched_from_the_internet(page: Any) -> None:
    # after the tests above opened every page in several browser contexts
    assert OUTSIDE == []


def test_an_imported_initiative_is_served_without_a_restart(
    page: Any, env: dict[str, str], tmp_path: Path
) -> None:
    extra = tmp_path / "one.jsonl"
    record = {
        "id": "9901",
        "title": "Lighthouse Keepers Fentanyl Watch",
        "sub_working_group": "1.2",
        "sub_working_group_title": "Trafficking",
        "pillar": 1,
        "text": "Lighthouse keepers report fentanyl smuggling boats along remote coasts.",
    }
    extra.write_text(json.dumps(record) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "matcher", "corpus", "import", str(extra)],
        env=env,
        check=True,
        cwd=ROOT,
    )
    total = len(Path(env["MATCHER_CORPUS"]).read_text(encoding="utf-8").splitlines())
    # the same browser session, the same server: a new search sees the new initiative
    search(page, "lighthouse keepers watching for fentanyl boats on remote coasts")
    page.get_by_text("The catalogue changed", exact=False).first.wait_for(timeout=LONG)
    page.get_by_text("Lighthouse Keepers Fentanyl Watch").first.wait_for(timeout=120_000)
    page.get_by_role("link", name="Catalogue").click()
    page.get_by_text(f"{total} of {total} initiatives").wait_for(timeout=60_000)
