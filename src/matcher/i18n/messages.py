"""The interface's own words in six languages: gettext catalogues read through Babel.

Each part of the product that shows words to people keeps them in its own *domain* (``app``,
``brief``, ``review``, ...), one PO file per language and domain under ``locale/<lang>/``:

    src/matcher/locale/es/app.po

English is the source language: a msgid is the English text itself, so a missing catalogue or
entry falls back to English (and ``untranslated()`` reports it, which a test turns into a
failure). Placeholders use ``str.format`` names: ``_("{n} programmes", n=3)``.

The catalogue's own texts (titles, descriptions) are never translated: they stay as published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "pt", "ru", "ar")
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "pt": "Português",
    "ru": "Русский",
    "ar": "العربية",
}
RTL_LANGUAGES = frozenset({"ar"})
LOCALE_DIR = Path(__file__).parent / "locale"

Translate = Callable[..., str]


class LanguageError(ValueError):
    """A language code outside the six the interface speaks."""


def check_language(lang: object) -> str:
    """The language code, lower-cased, or a LanguageError that lists the codes there are."""
    code = str(lang).strip().lower() if lang is not None else ""
    if code not in LANGUAGES:
        shown = code[:20] + ("…" if len(code) > 20 else "")
        raise LanguageError(f"unknown language {shown!r}: choose one of {', '.join(LANGUAGES)}")
    return code


def is_rtl(lang: str) -> bool:
    """Whether text in this language is laid out right to left."""
    return lang in RTL_LANGUAGES


def domains() -> tuple[str, ...]:
    """Every domain that has a catalogue in at least one language."""
    found = {path.stem for path in LOCALE_DIR.glob("*/*.po")}
    return tuple(sorted(found))


@lru_cache(maxsize=64)
def _catalog(lang: str, domain: str) -> Catalog | None:
    path = LOCALE_DIR / lang / f"{domain}.po"
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=lang.replace("-", "_"), domain=domain)


def translate(lang: str, domain: str, msgid: str, /, **values: object) -> str:
    """`msgid` in `lang` (English when there is no translation), with `values` filled in."""
    text = msgid
    if lang != "en":
        catalog = _catalog(lang, domain)
        if catalog is not None:
            message = catalog.get(msgid)
            if message is not None and isinstance(message.string, str) and message.string:
                text = message.string
    if values and is_rtl(lang):
        # a Latin-script title or id inside an Arabic sentence is isolated (FSI ... PDI), so the
        # sentence's own punctuation stays on its side (Unicode bidi, UAX #9)
        values = {k: f"\u2068{v}\u2069" if isinstance(v, str) else v for k, v in values.items()}
    return text.format(**values) if values else text


def translator(lang: str, domain: str) -> Translate:
    """A ``_(msgid, **values)`` function for one language and domain."""
    code = check_language(lang)

    def _(msgid: str, /, **values: object) -> str:
        return translate(code, domain, msgid, **values)

    return _


def untranslated(domain: str) -> list[tuple[str, str]]:
    """(language, msgid) for every English message of `domain` that a language lacks.

    The English catalogue ``locale/en/<domain>.po`` lists the domain's messages (its msgstr may
    stay empty); every other language must carry a non-empty msgstr for each of them, with the
    same ``{placeholders}``.
    """
    source = _catalog("en", domain)
    if source is None:
        return [("en", f"<no catalogue locale/en/{domain}.po>")]
    missing: list[tuple[str, str]] = []
    for lang in LANGUAGES[1:]:
        catalog = _catalog(lang, domain)
        for message in source:
            if not message.id or not isinstance(message.id, str):
                continue
            found = catalog.get(message.id) if catalog is not None else None
            text = found.string if found is not None else ""
            if not isinstance(text, str) or not text.strip():
                missing.append((lang, message.id))
            elif _placeholders(text) != _placeholders(message.id):
                missing.append((lang, f"{message.id} (placeholders differ)"))
    return missing


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)\}", text))


# -- the language a statement is written in --------------------------------------------------

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and of to in we our is are for with no not need have has lack a an on".split()
    ),
    "es": frozenset(
        "el la los las de del y en que no tenemos necesitamos para con un una por nuestro "
        "nuestra sistema falta".split()
    ),
    "fr": frozenset(
        "le la les des de du et en que nous avons pas besoin pour avec un une notre nos "
        "manque est sont".split()
    ),
    "pt": frozenset(
        "o a os as de do da dos das e em que não nao temos precisamos para com um uma nosso "
        "nossa falta".split()
    ),
}


def detect_language(text: str) -> str:
    """The interface language that suits a statement: script first, then common words.

    Arabic script gives ``ar`` and Cyrillic ``ru``; Latin text is scored on the short words
    each of English, Spanish, French and Portuguese uses most. Ties and empty text give ``en``.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "en"
    arabic = sum(1 for ch in letters if "ARABIC" in unicodedata.name(ch, ""))
    cyrillic = sum(1 for ch in letters if "CYRILLIC" in unicodedata.name(ch, ""))
    if arabic >= max(cyrillic, 1) and arabic * 3 >= len(letters):
        return "ar"
    if cyrillic * 3 >= len(letters):
        return "ru"
    words = re.findall(r"\w+", text.lower())
    scores = {lang: sum(word in stop for word in words) for lang, stop in _STOPWORDS.items()}
    # Accents and letters only one language uses break ties between close relatives.
    scores["es"] += 2 * len(re.findall(r"ñ|¿|¡|ción\b", text.lower()))
    scores["pt"] += 2 * len(re.findall(r"ã|õ|ção\b|ções\b", text.lower()))
    scores["fr"] += 2 * len(re.findall(r"\b(?:l|d|qu)'|è|ê|ç(?!ão)", text.lower()))
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] > 0 else "en"
