"""Each distinct text of a statement is prepared (shorthand spelled out, terms translated) once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from matcher.facade import Matcher
from matcher.search import scoring


def test_a_statement_translates_each_text_once(
    tmp_path: Path, mini_corpus, fake_encoders, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: Counter[str] = Counter()
    real = scoring.translate_terms

    def counting(text: str) -> str:
        seen[text] += 1
        return real(text)

    monkeypatch.setattr(scoring, "translate_terms", counting)
    m = Matcher.open(tmp_path / "index", corpus=mini_corpus, encoders=fake_encoders)
    statement = "no tenemos sistema de alerta temprana, necesitamos perros detectores"
    first = m.search(statement)
    assert seen[statement] == 1  # read and scored: translated once
    assert max(seen.values()) == 1
    m.clear_query_cache()
    seen.clear()
    assert [r.id for r in m.search(statement).results] == [r.id for r in first.results]
    assert seen[statement] == 1  # a cleared cache prepares again
