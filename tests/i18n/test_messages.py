"""The i18n module: language codes, fallbacks, placeholders and statement languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.i18n import messages as i18n


@pytest.fixture
def locale_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for lang, text in {"en": "", "es": "Hay {n} programas", "fr": ""}.items():
        folder = tmp_path / lang
        folder.mkdir()
        (folder / "demo.po").write_text(
            f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'msgid "There are {{n}} programmes"\nmsgstr "{text}"\n',
            encoding="utf-8",
        )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._catalog.cache_clear()
    yield tmp_path
    i18n._catalog.cache_clear()


def test_translation_fills_placeholders(locale_dir: Path) -> None:
    assert i18n.translator("es", "demo")("There are {n} programmes", n=3) == "Hay 3 programas"


def test_missing_translation_falls_back_to_english(locale_dir: Path) -> None:
    assert i18n.translator("fr", "demo")("There are {n} programmes", n=2) == "There are 2 programmes"


def test_untranslated_lists_every_gap(locale_dir: Path) -> None:
    missing = i18n.untranslated("demo")
    assert ("fr", "There are {n} programmes") in missing
    assert all(lang != "es" for lang, _ in missing)
    assert {lang for lang, _ in missing} == {"fr", "pt", "ru", "ar"}


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(i18n.LanguageError, match="choose one of en, es"):
        i18n.translator("xx", "app")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("our ports lack scanners and we need training for customs", "en"),
        ("necesitamos capacitación para la policía de fronteras", "es"),
        ("nous avons besoin d'une formation pour les douanes", "fr"),
        ("precisamos de formação para a polícia e não temos scanners", "pt"),
        ("нам нужна подготовка таможенников", "ru"),
        ("نحتاج إلى تدريب موظفي الجمارك", "ar"),
        ("", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert i18n.detect_language(text) == lang


def test_arabic_is_right_to_left() -> None:
    assert i18n.is_rtl("ar") and not i18n.is_rtl("es")
