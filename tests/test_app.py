"""The Streamlit app driven through AppTest on a small index built with the fake encoder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import matcher.brief
import matcher.engine
from matcher.brief import Brief, render
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


@pytest.fixture
def briefs(monkeypatch: pytest.MonkeyPatch) -> list[Brief]:
    """Every brief the page renders for download, newest last."""
    seen: list[Brief] = []

    def spy(brief: Brief, fmt: str, lang: str | None = None) -> str:
        seen.append(brief)
        return render(brief, fmt, lang)

    monkeypatch.setattr(matcher.brief, "render", spy)
    return seen


def needs_read(at: AppTest) -> dict[str, str]:
    """The "What we read" panel's needs: each need's text and the verdict under it."""
    lines = [m.value.split("  \n", 1) for m in at.markdown if "  \n:" in m.value]
    return {text: verdict for text, verdict in lines}


def search_again(at: AppTest, *, drop: tuple[str, ...] = (), add: str = "") -> AppTest:
    pick = at.multiselect(key="need_pick")
    for need in drop:
        pick.unselect(need)
    at.text_input(key="need_add").input(add)
    return next(b for b in at.button if b.label == "Search again").click().run()


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
        "Brief (Word)",
        "Brief (PDF)",
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
    assert needs_read(app)["zebra quantum violin"].endswith("Probably not served: 0.68]")


def test_html_in_the_statement_is_shown_as_text(app: AppTest) -> None:
    app.text_area(key="statement").input("<img src=x onerror=alert(1)> fentanyl mail").run()
    assert not app.exception
    shown = [m.value for m in app.markdown if "img" in m.value]
    assert shown  # the need is listed ...
    assert all(re.search(r"(?<!\\)<img", v) is None for v in shown)  # ... with "<" escaped


KENYA = (
    "Hello. I work for the customs service of Kenya. We already have detector dogs at the "
    "borders. We need to stop fentanyl in mail and express parcels. We lack training courses "
    "for addiction treatment professionals. We need zebra quantum violins."
)
MAIL, TRAINING, ZEBRA = (
    "stop fentanyl in mail and express parcels",
    "training courses for addiction treatment professionals",
    "zebra quantum violins",
)
WARNING = "early warning system for new psychoactive substances"


def test_what_we_read_shows_each_need_the_context_and_the_rest(app: AppTest) -> None:
    app.text_area(key="statement").input(KENYA).run()
    assert not app.exception and not app.error
    assert needs_read(app) == {
        MAIL: ":green-badge[:material/check_circle: Served] by **1204** Mail Channel Component",
        TRAINING: (
            ":green-badge[:material/check_circle: Served] by **3200** Universal Treatment "
            "Curriculum, **3218** Workforce Development for Treatment Services"
        ),
        ZEBRA: ":red-badge[:material/block: Probably not served: 0.95]",
    }
    shown = texts(app)
    assert ":material/location_on: Place: Kenya" in shown
    assert ":material/badge: Who is asking: customs" in shown
    assert "Already in place: We already have detector dogs at the borders\\." in shown
    # the clauses not read as needs are listed, not dropped
    assert ":gray-badge[other 0.95] Hello\\." in shown
    assert ":blue-badge[context 0.91] I work for the customs service of Kenya\\." in shown
    assert app.multiselect(key="need_pick").value == [MAIL, TRAINING, ZEBRA]


def test_dropping_a_need_searches_again_without_it(app: AppTest, briefs: list[Brief]) -> None:
    app.text_area(key="statement").input(KENYA).run()
    search_again(app, drop=(ZEBRA,))
    assert not app.exception and not app.error
    assert list(needs_read(app)) == [MAIL, TRAINING]
    assert ZEBRA in app.multiselect(key="need_pick").options  # it can be picked again
    assert "Searching for the needs you chose" in texts(app)
    assert [need[0] for need in briefs[-1].needs] == [MAIL, TRAINING]
    assert briefs[-1].gaps == ()


def test_adding_a_need_searches_for_it_too(app: AppTest, briefs: list[Brief]) -> None:
    app.text_area(key="statement").input(KENYA).run()
    search_again(app, drop=(ZEBRA, MAIL), add=f"  {WARNING} ")
    assert not app.exception and not app.error
    read = needs_read(app)
    assert list(read) == [TRAINING, WARNING]
    assert read[WARNING].startswith(
        ":orange-badge[:material/public: Offered only to other regions] "
        "(**2103** Early Warning Systems in the Americas"
    )
    assert app.text_input(key="need_add").value == ""
    assert app.multiselect(key="need_pick").value == [TRAINING, WARNING]
    assert [need[0] for need in briefs[-1].needs] == [TRAINING, WARNING]
    # the edits survive a rerun from another widget
    app.sidebar.slider[0].set_value(5).run()
    assert list(needs_read(app)) == [TRAINING, WARNING]


def test_needs_as_read_and_a_new_statement_undo_the_edits(app: AppTest) -> None:
    app.text_area(key="statement").input(KENYA).run()
    search_again(app, drop=(ZEBRA,), add=WARNING)
    next(b for b in app.button if b.label == "Needs as read").click().run()
    assert list(needs_read(app)) == [MAIL, TRAINING, ZEBRA]
    assert app.multiselect(key="need_pick").options == [MAIL, TRAINING, ZEBRA]

    search_again(app, drop=(ZEBRA,), add=WARNING)
    app.text_area(key="statement").input("I am a customs officer. We need detector dogs.").run()
    assert not app.exception and not app.error
    assert list(needs_read(app)) == ["detector dogs"]
    assert app.multiselect(key="need_pick").value == ["detector dogs"]
    assert "Searching for the needs you chose" not in texts(app)


def test_dropping_every_need_keeps_the_last_search(app: AppTest) -> None:
    app.text_area(key="statement").input(KENYA).run()
    search_again(app, drop=(MAIL, TRAINING, ZEBRA))
    assert not app.exception and not app.error
    assert any("at least one need" in w.value for w in app.warning)
    assert list(needs_read(app)) == [MAIL, TRAINING, ZEBRA]
    assert app.multiselect(key="need_pick").value == [MAIL, TRAINING, ZEBRA]


def test_brief_keeps_edited_needs_when_the_shortlist_is_not_on_screen(
    app: AppTest, briefs: list[Brief]
) -> None:
    app.sidebar.slider[0].set_value(3).run()
    app.text_area(key="statement").input(KENYA).run()
    app.checkbox(key="short_3200").check().run()
    search_again(app, drop=(MAIL, TRAINING, ZEBRA), add="detector dogs at the airport")
    assert not app.exception and not app.error
    assert "ID 3200" not in texts(app)  # the shortlisted programme fell off the page ...
    brief = briefs[-1]
    assert [item.id for item in brief.items] == ["3200"]  # ... yet the brief has it
    assert [need[0] for need in brief.needs] == ["detector dogs at the airport"]  # and the edit


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
