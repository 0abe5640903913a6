"""The brief's download buttons, driven through AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    from app_pages.downloads import brief_downloads
    from tests.brief.fixture import three_need_brief

    brief_downloads(three_need_brief(), "fr")


def _page_in_the_statements_language() -> None:
    from app_pages.downloads import brief_downloads
    from tests.brief.fixture import three_need_brief

    brief_downloads(three_need_brief("sin sistema de alerta temprana para las drogas"))


def test_five_buttons_labelled_in_the_language_asked() -> None:
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == [
        "Note (Markdown)",
        "Note (CSV)",
        "Note (JSON)",
        "Note (Word)",
        "Note (PDF)",
    ]


def test_without_a_language_the_statements_is_used() -> None:
    at = AppTest.from_function(_page_in_the_statements_language).run()
    assert not at.exception
    assert at.get("download_button")[-1].label == "Informe (PDF)"
