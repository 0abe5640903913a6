"""The Streamlit app driven through AppTest on a small index built with the fake encoder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import matcher.engine
from tests.conftest import DATA, HashingEncoder

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MATCHER_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("MATCHER_CORPUS", str(DATA / "mini.jsonl"))
    monkeypatch.setattr(
        matcher.engine,
        "default_encoders",
        lambda *_: {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)},
    )
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    return at.run()


def texts(at: AppTest) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [w.value for w in at.warning]
        + [i.value for i in at.info]
    )


def test_find_page_starts_with_an_empty_state(app: AppTest) -> None:
    assert not app.exception
    assert app.title[0].value == "Find programmes"
    assert "pick an example" in texts(app)


def test_typing_a_statement_shows_needs_cards_and_brief(app: AppTest) -> None:
    app.text_area(key="statement").input(
        "fentanyl in mail and express parcels; addiction treatment courses"
    ).run()
    assert not app.exception and not app.error
    shown = texts(app)
    assert "Mail Channel Component" in shown
    assert "fentanyl in mail and express parcels" in shown
    assert [b.label for b in app.get("download_button")] == [
        "Brief (Markdown)",
        "Brief (CSV)",
        "Brief (JSON)",
    ]


def test_example_button_and_filter(app: AppTest) -> None:
    app.button(key="example_Postal fentanyl, no lab").click().run()
    assert app.text_area(key="statement").value == "postal fentanyl trafficking, no forensic lab"
    assert not app.exception
    app.sidebar.selectbox[1].select("WCO").run()  # organisation filter
    shown = texts(app)
    assert "ID 1204" in shown and "ID 3200" not in shown


def test_gap_is_stated_plainly(app: AppTest) -> None:
    app.text_area(key="statement").input("zebra quantum violin").run()
    assert any("No initiative in the catalogue addresses" in w.value for w in app.warning)


def test_html_in_the_statement_is_shown_as_text(app: AppTest) -> None:
    app.text_area(key="statement").input("<img src=x onerror=alert(1)> fentanyl mail").run()
    assert not app.exception
    shown = [m.value for m in app.markdown if "img" in m.value]
    assert shown  # the need is listed ...
    assert all(re.search(r"(?<!\\)<img", v) is None for v in shown)  # ... with "<" escaped


def test_catalogue_page_opens_an_initiative_with_neighbours(app: AppTest) -> None:
    app.switch_page("app_pages/catalogue.py").run()
    assert not app.exception
    app.selectbox[0].select("3200: Universal Treatment Curriculum").run()
    assert any("3218: Workforce Development" in m.value for m in app.markdown)


def test_overlaps_page_shows_the_verbatim_pair_and_diff(app: AppTest) -> None:
    app.switch_page("app_pages/overlaps.py").run()
    assert not app.exception
    assert "3200 ~ 3218 (verbatim)" in app.selectbox[0].options
    assert any("words shared" in c.value for c in app.caption)


def test_map_page_draws_the_catalogue(app: AppTest) -> None:
    app.switch_page("app_pages/map.py").run()
    assert not app.exception
    app.text_input[0].input("fentanyl mail").run()
    assert not app.exception and not app.error


def test_missing_index_folder_parent_is_an_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATCHER_CORPUS", str(tmp_path / "absent.jsonl"))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "cannot read" in at.error[0].value
