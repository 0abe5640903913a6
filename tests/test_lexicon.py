from __future__ import annotations

import pytest

from matcher.glossary import expand_abbreviations
from matcher.lexicon import LEXICON, translate_terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("no tenemos sistema de alerta temprana", ["early warning system"]),
        (
            "Precisamos de tratamento para mulheres grávidas",
            ["pregnant women", "treatment of drug use disorders"],
        ),
        ("les intoxications aux urgences", ["emergency department", "intoxication poisoning"]),
        (
            "оценка доходов преступных групп",
            ["organized crime groups", "illicit profits money flows"],
        ),
        ("ونحتاج إلى خدمات علاج", ["treatment of drug use disorders"]),
    ],
)
def test_field_terms_are_added_in_english(text: str, terms: list[str]) -> None:
    out = translate_terms(text)
    assert out.startswith(text)
    added = out[len(text) :].strip(" ()").split("; ")
    assert set(terms) <= set(added)


def test_text_without_field_terms_is_unchanged() -> None:
    assert translate_terms("bonjour tout le monde") == "bonjour tout le monde"


def test_every_entry_has_forms() -> None:
    assert all(forms for forms in LEXICON.values())


def test_abbreviations_are_spelled_out_once() -> None:
    assert expand_abbreviations("THN + SBIRT in PHC") == (
        "THN + SBIRT in PHC (take-home naloxone overdose; screening brief intervention and "
        "referral to treatment; primary health care)"
    )
    assert expand_abbreviations("no shorthand here") == "no shorthand here"
    assert expand_abbreviations("ED ed") == "ED ed (emergency department)"  # capitals only


def test_english_statements_are_not_translated(tmp_path, mini_corpus, fake_encoders) -> None:
    from matcher.engine import Matcher

    m = Matcher.open(tmp_path / "i", corpus=mini_corpus, encoders=fake_encoders)
    texts, english = m.prepare(["postal services and police training", "policía y aduanas"])
    assert texts[0] == "postal services and police training" and english[0] == 1.0
    assert "customs" in texts[1] and english[1] == 0.0
