"""The "Register interest" buttons beside the shortlist, driven through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.test_app import start


def test_register_interest_appears_with_a_shortlist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = start(tmp_path, monkeypatch, DATA / "mini.jsonl").run()
    app.text_area(key="statement").input("fentanyl in mail and express parcels").run()
    labels = [b.label for b in app.get("download_button")]
    assert not any("Register interest" in label for label in labels)
    assert any("write letters of interest" in c.value for c in app.caption)
    app.checkbox(key="short_1204").check().run()
    assert not app.exception and not app.error
    labels = [b.label for b in app.get("download_button")]
    assert "Register interest (e-mail)" in labels and "Register interest (Word)" in labels
    assert app.text_input(key="interest_country") is not None
