"""The review page driven through AppTest on the mini catalogue with the fake encoder."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from matcher.overlaps.reviews import ReviewStore
from tests.test_app import app as _app_fixture  # noqa: F401  (a fixture by this name)

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def page(
    _app_fixture: AppTest,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AppTest:
    """The review page of the app on the mini catalogue (test_app's fixture), with its own
    review store."""
    monkeypatch.setenv("MATCHER_REVIEWS_DIR", str(tmp_path / "reviews"))
    at = _app_fixture.switch_page("app_pages/review.py").run()
    assert not at.exception
    return at


def test_deciding_a_pair_stores_it_and_takes_it_off_the_queue(
    page: AppTest, tmp_path: Path
) -> None:
    first = page.selectbox[0].options[0]
    before = len(page.selectbox[0].options)
    a, b = first.split(" ~ ")
    page.text_area[0].input("<b>same</b> **text**").run()
    next(x for x in page.button if x.label == "Duplicate").click().run()
    assert not page.exception
    stored = ReviewStore(tmp_path / "reviews").decisions()
    assert stored[(a, b)].decision.value == "duplicate"
    assert stored[(a, b)].note == "<b>same</b> **text**"
    assert first not in page.selectbox[0].options
    assert len(page.selectbox[0].options) <= before
    # the catalogue's text is shown as text, not rendered
    assert any(f"A = {page.selectbox[0].options[0].split(' ~ ')[0]}:" in t.value for t in page.text)


def test_not_related_is_stored_too(page: AppTest, tmp_path: Path) -> None:
    first = page.selectbox[0].options[0]
    next(x for x in page.button if x.label == "Not related").click().run()
    assert not page.exception
    a, b = first.split(" ~ ")
    assert ReviewStore(tmp_path / "reviews").decisions()[(a, b)].decision.value == "not-related"


def test_the_page_speaks_spanish(page: AppTest) -> None:
    page.session_state["lang"] = "es"
    page.session_state["lang_choice"] = "es"  # the app's selector, where it has one
    page.run()
    assert not page.exception
    assert page.title[0].value == "Revisar solapamientos"


def test_every_label_of_the_page_is_in_the_review_catalogue() -> None:
    import ast

    from matcher.i18n.messages import LOCALE_DIR, untranslated

    page_src = Path(APP).with_name("app_pages") / "review.py"
    tree = ast.parse(page_src.read_text(encoding="utf-8"))
    used = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and isinstance(node.args[0], ast.Constant)
    }
    catalogue = (LOCALE_DIR / "en" / "review.po").read_text(encoding="utf-8")
    missing = [m for m in used if f'msgid "{m}"' not in catalogue]
    assert len(used) > 20 and missing == []
    assert untranslated("review") == []
