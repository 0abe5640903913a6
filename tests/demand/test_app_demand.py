"""The app's side of the demand record: the notice and the record only when it is on, once per
search however often the page reruns, and the Demand page's charts."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.demand import DemandStore
from matcher.demand.store import DB_NAME
from matcher.i18n.messages import untranslated
from tests.conftest import DATA
from tests.test_app import start

NOTICE = "Searches are recorded to help the secretariat see demand."


@pytest.mark.parametrize("on", [False, True])
def test_searches_are_recorded_only_when_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on: bool
) -> None:
    monkeypatch.setenv("MATCHER_DEMAND", "on" if on else "off")
    monkeypatch.delenv("MATCHER_REVIEWS_DIR", raising=False)
    app = start(tmp_path, monkeypatch, DATA / "mini.jsonl").run()
    app.text_area(key="statement").input("fentanyl in mail and express parcels").run()
    app.checkbox(key="short_1204").check().run()  # a rerun of the same search
    assert not app.exception and not app.error
    assert any(NOTICE in i.value for i in app.sidebar.info) is on
    store = tmp_path / "reviews"
    assert (store / DB_NAME).exists() is on
    if on:
        assert len(DemandStore(store).searches()) == 1
        app.switch_page("app_pages/demand.py").run()
        assert not app.exception and not app.error
        assert app.metric[0].value == "1"
        assert [s.value for s in app.subheader][:2] == [
            "Needs most asked",
            "Gaps that recur (nothing in the catalogue served them)",
        ]


def test_demand_words_are_translated() -> None:
    assert untranslated("demand") == []
