"""The Streamlit app driven through AppTest on a small index built with the fake encoder."""

from __future__ import annotations

import ast
import errno
import json
import logging
import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import matcher.brief.render
import matcher.facade
from matcher import cli
from matcher.brief.model import Brief
from matcher.brief.render import render
from matcher.i18n import messages as i18n
from matcher.text import escape_markdown as escape_md
from tests.conftest import DATA, HashingEncoder

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus: Path) -> AppTest:
    monkeypatch.setenv("MATCHER_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("MATCHER_CORPUS", str(corpus))
    monkeypatch.setattr(
        matcher.facade,
        "default_encoders",
        lambda *_: {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)},
    )
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return start(tmp_path, monkeypatch, DATA / "mini.jsonl").run()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A catalogue the test may change: the six initiatives of mini.jsonl."""
    path = tmp_path / "catalogue.jsonl"
    shutil.copy(DATA / "mini.jsonl", path)
    return path


HOSTILE_TITLE = "Alarm ![x](http://host.example/x.png) :red[red] **bold** $x^2$ :material/hub:"


def initiative(ini_id: str, title: str, text: str) -> str:
    record = {
        "id": ini_id,
        "title": title,
        "sub_working_group": "1.2",
        "sub_working_group_title": "Trafficking",
        "pillar": 1,
        "text": text,
    }
    return json.dumps(record) + "\n"


def renders_markup(source: str) -> list[str]:
    """What in a Markdown source Streamlit's renderer would turn into something other than
    the text typed: an image or link, a bare URL, bold, LaTeX, a colour or an icon directive."""
    found = []
    for name, pattern in {
        "image or link": r"(?<!\\)\]\(",
        # remark-gfm links an address in text even when its punctuation is escaped
        "bare URL": r"(?<!`)https?\\?:",
        "bold": r"(?<!\\)\*\*bold",
        "LaTeX": r"(?<!\\)\$x",
        "colour": r"(?<!\\):red(?<!\\)\[",
        "icon": r":material/hub",
    }.items():
        if re.search(pattern, source):
            found.append(name)
    return found


@pytest.fixture
def briefs(monkeypatch: pytest.MonkeyPatch) -> list[Brief]:
    """Every brief the page renders for download, newest last."""
    seen: list[Brief] = []

    def spy(brief: Brief, fmt: str, lang: str | None = None) -> str:
        seen.append(brief)
        return render(brief, fmt, lang)

    monkeypatch.setattr(matcher.brief.render, "render", spy)
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
    app.selectbox(key="org").select("WCO").run()  # organisation filter
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
    app.slider(key="k").set_value(5).run()
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
    app.slider(key="k").set_value(3).run()
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
    app.selectbox[0].select("3200").run()
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


# -- issue 15: a changed catalogue, OS failures, markup, kept statement --------------------------


def catalogue_count(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.endswith("initiatives"))


def test_a_changed_catalogue_is_reloaded_without_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_copy: Path
) -> None:
    at = start(tmp_path, monkeypatch, corpus_copy).run()
    at.switch_page("app_pages/catalogue.py").run()
    assert catalogue_count(at) == "6 of 6 initiatives"
    extra = tmp_path / "one.jsonl"
    extra.write_text(
        initiative("1299", "Seaport Container Profiling", "Profiling shipping containers."),
        encoding="utf-8",
    )
    assert cli.main(["--corpus", str(corpus_copy), "corpus", "import", str(extra)]) == 0
    at.run()
    assert not at.exception and not at.error
    assert catalogue_count(at) == "7 of 7 initiatives"
    assert [t.value for t in at.toast] == ["The catalogue changed: now 7 initiatives."]
    at.run()  # the index the reload rebuilt is the engine's own: no second reload, no toast
    assert not at.toast and catalogue_count(at) == "7 of 7 initiatives"


def test_an_os_failure_says_what_failed_and_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = str(tmp_path / "index" / "vectors_minilm.npy")

    def full_disk(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", path)

    at = start(tmp_path, monkeypatch, DATA / "mini.jsonl")
    monkeypatch.setattr(matcher.facade.Matcher, "open", full_disk)
    with caplog.at_level(logging.ERROR, logger="matcher.app"):
        at.run()
    assert not at.exception
    shown = at.error[0].value
    assert "No space left on device" in shown and "vectors\\_minilm\\.npy" in shown
    assert "Free some disk space" in shown and "Something went wrong" not in shown
    logged = [r for r in caplog.records if r.name == "matcher.app"]
    assert logged and logged[0].exc_info is not None  # the traceback is in the server log


def test_markup_in_the_statement_is_shown_as_text(app: AppTest) -> None:
    app.text_area(key="statement").input(f"we need {HOSTILE_TITLE}").run()
    assert not app.exception
    sources = [
        e.value
        for kind in ("markdown", "caption", "warning", "info", "subheader", "error")
        for e in getattr(app, kind)
        if any(word in e.value for word in ("Alarm", "host", "bold", "hub"))
    ]
    assert sources  # the need is shown ...
    assert {s: renders_markup(s) for s in sources} == {s: [] for s in sources}  # ... as text


def test_markup_in_a_catalogue_title_is_shown_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_copy: Path
) -> None:
    with corpus_copy.open("a", encoding="utf-8") as handle:
        handle.write(initiative("1298", HOSTILE_TITLE, "Customs alarm for fentanyl in parcels."))
    at = start(tmp_path, monkeypatch, corpus_copy).run()
    at.switch_page("app_pages/catalogue.py").run()
    next(s for s in at.selectbox if s.label == "Open an initiative").select("1298").run()
    assert not at.exception
    heading = [h.value for h in at.subheader if "Alarm" in h.value]
    assert heading and renders_markup(heading[0]) == []
    at.switch_page("app_pages/find.py").run()
    at.text_area(key="statement").input("customs alarm for fentanyl in parcels").run()
    cards = [m.value for m in at.markdown if "Alarm" in m.value]
    assert cards and all(renders_markup(c) == [] for c in cards)


def test_the_statement_survives_a_visit_to_another_page(app: AppTest) -> None:
    app.text_area(key="statement").input(KENYA).run()
    app.switch_page("app_pages/map.py").run()
    assert app.text_input[0].value == KENYA  # the Map places it
    app.switch_page("app_pages/catalogue.py").run()
    app.switch_page("app_pages/find.py").run()
    assert app.text_area(key="statement").value == KENYA
    assert list(needs_read(app)) == [MAIL, TRAINING, ZEBRA]


def test_no_page_icon_is_fetched_from_the_internet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    icons: list[object] = []
    set_page_config, page = st.set_page_config, st.Page

    def spy_config(*args: object, **kwargs: object) -> None:
        icons.append(kwargs.get("page_icon"))
        set_page_config(*args, **kwargs)  # type: ignore[arg-type]

    def spy_page(*args: object, **kwargs: object) -> object:
        icons.append(kwargs.get("icon"))
        return page(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(st, "set_page_config", spy_config)
    monkeypatch.setattr(st, "Page", spy_page)
    start(tmp_path, monkeypatch, DATA / "mini.jsonl").run()
    assert len(icons) == 7  # the favicon and six pages (Demand: issue 23)
    # Streamlit draws a :material/...: favicon from fonts.gstatic.com (page icons come from its
    # bundled font); an emoji favicon is drawn locally
    favicon = icons[0]
    assert isinstance(favicon, str) and not favicon.startswith(":")


# -- issue 14: a shareable link ------------------------------------------------------------------


def test_a_link_reopens_the_same_statement_filters_and_shortlist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = start(tmp_path, monkeypatch, DATA / "mini.jsonl").run()
    first.text_area(key="statement").input("fentanyl in mail and express parcels").run()
    first.selectbox(key="org").select("WCO").run()
    first.checkbox(key="short_1204").check().run()
    params = dict(first.query_params)
    assert params["q"] == ["fentanyl in mail and express parcels"] or params["q"] == (
        "fentanyl in mail and express parcels"
    )
    assert any("?" in c.value and "ids=1204" in c.value for c in first.code)

    again = start(tmp_path, monkeypatch, DATA / "mini.jsonl")
    again.query_params.update({k: v[0] if isinstance(v, list) else v for k, v in params.items()})
    again.run()
    assert not again.exception and not again.error
    assert again.text_area(key="statement").value == "fentanyl in mail and express parcels"
    assert again.selectbox(key="org").value == "WCO"
    assert again.checkbox(key="short_1204").value is True
    assert texts(again) == texts(first)


def test_a_link_with_unknown_values_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = start(tmp_path, monkeypatch, DATA / "mini.jsonl")
    at.query_params.update({"q": "detector dogs", "org": "Nobody", "k": "zz", "ids": "9999"})
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="org").value == ""  # any organisation
    assert at.slider(key="k").value == 10


# -- issue 14: the interface in six languages ------------------------------------------------------

PAGES = ("app_pages/find.py", "app_pages/catalogue.py", "app_pages/overlaps.py", "app_pages/map.py")


def test_every_app_message_is_translated() -> None:
    assert i18n.untranslated("app") == []


def messages_in_the_sources() -> set[str]:
    """The first argument of every ``_()`` call in app.py and app_pages/, which must be a
    string literal (gettext extraction cannot read anything else). Modules whose ``_`` is another
    domain's (the brief's download buttons, the catalogue's changes panel) are checked by the
    tests of that domain."""
    found: set[str] = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        if "translator(" in source and "tr()" not in source:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                first = node.args[0] if node.args else None
                assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                    f"{path.name}:{node.lineno}: _() needs a string literal"
                )
                found.add(first.value)
    return found


def test_every_message_the_app_shows_is_in_the_english_catalogue() -> None:
    english = {m.id for m in i18n._catalog("en", "app") or [] if m.id}
    used = messages_in_the_sources()
    assert len(used) > 50
    assert sorted(used - english) == []
    assert sorted(english - used) == []  # nothing stale left for translators


@pytest.mark.parametrize("lang", i18n.LANGUAGES[1:])
def test_every_page_speaks_the_chosen_language(app: AppTest, lang: str) -> None:
    _ = i18n.translator(lang, "app")
    app.selectbox(key="lang_choice").select(lang).run()
    assert app.title[0].value == _("Find programmes")
    assert app.info[0].value == _(
        "Type a statement above or pick an example to see matching programmes."
    )
    app.text_area(key="statement").input(KENYA).run()
    assert not app.exception and not app.error
    assert app.subheader[0].value == _("What we read")
    assert any(s.value == _("{n} programmes", n=6) for s in app.subheader)
    for page, title in zip(PAGES[1:], ("Catalogue", "Overlaps", "Map"), strict=True):
        app.switch_page(page).run()
        assert not app.exception and not app.error
        assert app.title[0].value == _(title)
    html = [h.proto.body for h in app.get("html")]
    assert any(f'documentElement.lang = "{lang}"' in h for h in html)
    assert any("direction: rtl" in h for h in html) == (lang == "ar")


def test_the_interface_follows_the_statement_language(app: AppTest) -> None:
    app.text_area(key="statement").input(
        "Nos médecins urgentistes ne savent pas traiter les intoxications aux NPS"
    ).run()
    assert not app.exception
    assert app.title[0].value == "Trouver des programmes"
    app.selectbox(key="lang_choice").select("en").run()  # a choice beats the guess
    assert app.title[0].value == "Find programmes"


def test_the_interface_follows_the_browser_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = start(tmp_path, monkeypatch, DATA / "mini.jsonl")
    monkeypatch.setattr(type(st.context), "locale", property(lambda self: "pt-BR"))
    at.run()
    assert at.title[0].value == "Encontrar programas"


# -- issue 24: the interface language, the gaps and the order ---------------------------------


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_search_after_switching_the_language_finds_programmes(app: AppTest, lang: str) -> None:
    """The filters keep stable values under translated labels: a search in English, the
    language switched, then a search with the filters at their defaults finds programmes."""
    app.selectbox(key="region").select("global").run()  # a translated label ("mundial", ...)
    app.text_area(key="statement").input("detector dogs at airports").run()
    assert not app.exception and not app.error
    app.selectbox(key="lang_choice").select(lang).run()
    app.text_area(key="statement").input(KENYA).run()
    assert not app.exception and not app.error
    assert app.selectbox(key="swg").value == "" and app.selectbox(key="org").value == ""
    assert app.selectbox(key="region").value == "global"
    _ = i18n.translator(lang, "app")
    assert app.selectbox(key="region").format_func("global") == _("global")
    assert any(c.label == _("Shortlist") for c in app.checkbox)  # result cards


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_need_nothing_serves_gets_its_own_block_above_the_results(
    app: AppTest, lang: str
) -> None:
    _ = i18n.translator(lang, "app")
    app.selectbox(key="lang_choice").select(lang).run()
    app.text_area(key="statement").input("detector dogs at airports; zebra quantum violin").run()
    assert not app.exception and not app.error
    block = _("Nothing in the catalogue serves: {needs}", needs="*zebra quantum violin*")
    assert [w.value for w in app.warning if w.value == block] == [block]
    # "Serves:" never names the gap
    assert not any(
        "zebra" in m.value
        for m in app.markdown
        if m.value.startswith(_("Serves: {needs}", needs=""))
    )


def test_each_card_says_which_need_it_stands_for(app: AppTest) -> None:
    app.text_area(key="statement").input(
        "fentanyl in mail and express parcels; addiction treatment courses"
    ).run()
    placed = [m.value for m in app.markdown if "match for your need" in m.value]
    assert "First match for your need 1: *fentanyl in mail and express parcels*" in placed
    assert "First match for your need 2: *addiction treatment courses*" in placed
    assert any(p.startswith("Next match for your need") for p in placed)


def test_the_search_button_runs_the_search(app: AppTest) -> None:
    """A presenter clicks Search; nobody on a stage knows Ctrl+Enter."""
    app.text_area(key="statement").set_value("detector dogs at airports")
    app.button(key="search").click().run()
    assert not app.exception and not app.error
    assert app.button(key="search").label == "Search"
    assert any(c.label == "Shortlist" for c in app.checkbox)


@pytest.mark.parametrize("lang", ["es", "ru", "ar"])
def test_who_is_asking_is_said_in_the_interface_language(app: AppTest, lang: str) -> None:
    _ = i18n.translator(lang, "app")
    app.selectbox(key="lang_choice").select(lang).run()
    app.text_area(key="statement").input(
        "I work for the ministry of health. We need addiction treatment courses."
    ).run()
    assert not app.exception and not app.error
    who = next(m.value for m in app.markdown if m.value.startswith(":material/badge:"))
    assert _("health ministry") in who and "health ministry" not in who


def test_every_kind_of_writer_has_a_translated_name() -> None:
    from app_pages.what_we_read import actor_names

    kinds = json.loads((ROOT / "src/matcher/data/actors.json").read_text(encoding="utf-8"))
    assert set(actor_names()) == set(kinds["categories"])


def test_the_overlap_page_explains_its_colours_and_its_count(app: AppTest) -> None:
    app.switch_page("app_pages/overlaps.py").run()
    assert not app.exception
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Highlighted in red: words only in 3200.") for c in captions)
    assert any("Review overlaps lists every candidate pair" in c for c in captions)
    app.switch_page("app_pages/review.py").run()
    assert any("the Overlaps page shows only the pairs classed" in c.value for c in app.caption)


def test_arabic_paragraphs_take_the_direction_of_their_own_text(app: AppTest) -> None:
    app.selectbox(key="lang_choice").select("ar").run()
    html = [h.proto.body for h in app.get("html")]
    assert any("unicode-bidi: plaintext" in h for h in html)
    # a Latin-script value inside an Arabic sentence is isolated, so the full stop stays put
    shown = i18n.translate("ar", "app", "Serves: {needs}", needs="Mail Channel.")
    assert shown == "يلبّي: \u2068Mail Channel.\u2069"
    assert i18n.translate("fr", "app", "Serves: {needs}", needs="x") == "Répond à : x"


def test_a_first_start_says_it_is_building_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    spinner = st.spinner

    def recording(text: str = "", **kwargs: object) -> object:
        said.append(text)
        return spinner(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(st, "spinner", recording)
    start(tmp_path, monkeypatch, DATA / "mini.jsonl").run()
    assert said[:2] == [
        "Loading the language models (the first start takes longest)…",
        "Building the search index over the catalogue: only the first start does this…",
    ]
    said.clear()
    st.cache_resource.clear()  # a restarted server: the index is on disk now
    AppTest.from_file(APP, default_timeout=60).run()
    assert "Loading the catalogue and its index…" in said
    assert not any(s.startswith("Building the search index") for s in said)


def test_streamlit_watches_only_the_project_files() -> None:
    """Watchdog would watch the project root recursively, .venv included (inotify overflow);
    polling watches the project's own source files one by one."""
    import tomllib

    from streamlit.watcher.folder_black_list import FolderBlackList

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "poll"
    skipped = FolderBlackList(config["server"]["folderWatchBlacklist"])
    assert skipped.is_blacklisted(str(ROOT / ".venv" / "lib" / "torch" / "x.py"))
    assert not skipped.is_blacklisted(str(ROOT / "app_pages" / "find.py"))


def test_the_writer_s_country_is_picked_and_limits_programmes_for_other_regions(
    app: AppTest,
) -> None:
    app.text_area(key="statement").input("national early warning systems").run()
    regional = escape_md("Regional: Americas")
    assert regional in texts(app)
    app.selectbox(key="country").select("Ghana").run()
    assert not app.exception
    shown = texts(app)
    assert escape_md("Limited to Americas") in shown and regional not in shown
    params = dict(app.query_params)
    assert params["country"] in (["Ghana"], "Ghana")  # a shared link keeps it
