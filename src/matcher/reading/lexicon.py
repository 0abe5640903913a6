"""English terms of the field for statements not written in English.

The catalogue is English. The multilingual encoder carries most of a Spanish or Russian statement
across, but it blurs domain terms: "alerta temprana" (early warning) lands near "early childhood".
Dictionary-based query translation of the field's core terms is the classic remedy in
cross-language retrieval: the statement keeps its own words and gains the English terms it uses,
so BM25 and MiniLM can take part too.

The table is data with provenance (`data/lexicon.json`, checked by `scripts/check_terms.py`);
this module reads it and matches it. Matching is on accent-folded, lower-cased text, on word
boundaries, never inside a word:

- a word written with a trailing ``*`` is a stem: it must start a word (a hyphen joins a compound
  into one word, so "медицинск*" does not fire inside "судебно-медицинский") and may take any
  ending; every other word must end where the text's word ends;
- in Spanish, French and Portuguese the last word of a form may take a plural -s, -es or -x;
- Arabic writes conjunctions, prepositions and the article onto the word, so the first word of an
  Arabic form may carry و or ف, then ب, ك or ل, then ال (ل + ال is written لل); a form written
  with ال also matches without it;
- an entry's ``unless_followed_by`` words (per language) stop its forms from firing when the next
  word is one of them: "por correo" is by post, "por correo electrónico" by email.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from matcher.errors import MatcherError
from matcher.reading.metadata import fold
from matcher.reading.tables import read_table

LANGUAGES = ("es", "fr", "pt", "ru", "ar")
_PLURAL_LANGUAGES = frozenset({"es", "fr", "pt"})
_ARABIC_ARTICLE = "ال"
# conjunction, then preposition, then article; ل before the article drops its alef (لل)
_ARABIC_PREFIX = r"(?:[وف])?(?:لل|[بك]?ال|[بكل])?"
# a stem starts a word: not after a letter, digit or a hyphen that joins it to the word before
_STEM_START = r"(?<![\w-])"
_WORD_START = r"(?<!\w)"
_WORD_END = r"(?!\w)"


@dataclass(frozen=True)
class LexiconEntry:
    """One English target and the forms that stand for it in the other languages."""

    english: str
    forms: tuple[tuple[str, str], ...]
    """(language code, form) pairs, as written in the data file."""
    source: str
    unless_followed_by: tuple[tuple[str, str], ...] = ()
    """(language code, word) pairs: a form does not fire when the next word is one of these."""

    def forms_in(self, language: str) -> tuple[str, ...]:
        """This entry's forms in one language."""
        return tuple(form for lang, form in self.forms if lang == language)


@dataclass(frozen=True)
class Lexicon:
    """The loaded table, each entry compiled into one pattern over folded text."""

    entries: tuple[LexiconEntry, ...]
    provenance: str
    patterns: tuple[re.Pattern[str], ...] = field(repr=False, compare=False)

    def terms_in(self, text: str) -> list[str]:
        """The English targets whose forms occur in the text, in table order."""
        folded = _fold(text)
        return [
            e.english for e, p in zip(self.entries, self.patterns, strict=True) if p.search(folded)
        ]


def _fold(text: str) -> str:
    # typographic apostrophes ("d’alerte") meet the plain one the table is written with
    return fold(text).replace("\u2019", "'")


def _word_pattern(word: str) -> str:
    stem = word.endswith("*")
    body = re.escape(word.rstrip("*"))
    return body + r"\w*" if stem else body


def form_pattern(form: str, language: str) -> str:
    """The regular expression (over folded text) that one form of a language stands for."""
    words = _fold(form).split()
    if not words:
        raise ValueError("empty form")
    parts = [_word_pattern(w) for w in words]
    first = words[0]
    if language == "ar":
        bare = first[len(_ARABIC_ARTICLE) :] if first.startswith(_ARABIC_ARTICLE) else first
        parts[0] = _ARABIC_PREFIX + _word_pattern(bare)
    elif language in _PLURAL_LANGUAGES and not words[-1].endswith("*"):
        parts[-1] += r"(?:e?s|x)?"
    start = _STEM_START if first.endswith("*") else _WORD_START
    end = "" if words[-1].endswith("*") else _WORD_END
    return start + r"\s+".join(parts) + end


def guarded_pattern(form: str, language: str, unless: tuple[str, ...] = ()) -> str:
    """`form_pattern`, refused where the next word is one of `unless` (each may be a stem)."""
    pattern = form_pattern(form, language)
    if not unless:
        return pattern
    words = "|".join(
        _word_pattern(_fold(w)) + ("" if w.endswith("*") else _WORD_END) for w in unless
    )
    return f"{pattern}(?!\\s+(?:{words}))"


def stem_letters(word: str, language: str) -> str:
    """What a stem word must literally match: without its ``*`` and, in Arabic, its article."""
    core = _fold(word).rstrip("*")
    if language == "ar" and core.startswith(_ARABIC_ARTICLE):
        core = core[len(_ARABIC_ARTICLE) :]
    return core


def _bad(path: str, what: str) -> MatcherError:
    return MatcherError(f"the term table {path} is malformed: {what}; fix the file or reinstall")


def lexicon_from(data: object, path: str = "data/lexicon.json") -> Lexicon:
    """Validate and compile a lexicon read from JSON (`path` only names it in errors)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise _bad(path, "it needs an object with an 'entries' list")
    if not isinstance(data.get("provenance"), str) or not data["provenance"].strip():
        raise _bad(path, "it needs a 'provenance' line")
    entries: list[LexiconEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["entries"]):
        where = f"entry {i + 1}"
        if not isinstance(raw, dict):
            raise _bad(path, f"{where} is not an object")
        english = raw.get("english")
        if not isinstance(english, str) or not english.strip():
            raise _bad(path, f"{where} has no 'english' target")
        where = f"entry {i + 1} ({english!r})"
        if english in seen:
            raise _bad(path, f"{where} repeats an English target")
        seen.add(english)
        source = raw.get("source")
        if not isinstance(source, str) or not source.strip():
            raise _bad(path, f"{where} has no 'source' saying where it comes from")
        forms = raw.get("forms")
        if not isinstance(forms, dict) or not forms:
            raise _bad(path, f"{where} needs a 'forms' object of language code -> list of forms")
        pairs: list[tuple[str, str]] = []
        for lang, values in forms.items():
            if lang not in LANGUAGES:
                raise _bad(
                    path, f"{where} has forms in {lang!r}; languages are {', '.join(LANGUAGES)}"
                )
            if not isinstance(values, list) or not values:
                raise _bad(path, f"{where} needs a non-empty list of {lang} forms")
            for form in values:
                if not isinstance(form, str) or not form.strip() or form.strip("* ") == "":
                    raise _bad(path, f"{where} has an empty {lang} form")
                pairs.append((lang, form))
        unless = raw.get("unless_followed_by", {})
        if not isinstance(unless, dict) or not all(
            lang in LANGUAGES
            and isinstance(words, list)
            and all(isinstance(w, str) and w.strip("* ") for w in words)
            for lang, words in unless.items()
        ):
            raise _bad(path, f"{where} needs 'unless_followed_by' as language code -> words")
        stops = tuple((lang, w) for lang, words in unless.items() for w in words)
        entries.append(LexiconEntry(english, tuple(pairs), source, stops))
    patterns = tuple(
        re.compile(
            "|".join(
                dict.fromkeys(
                    guarded_pattern(
                        f, lang, tuple(w for la, w in e.unless_followed_by if la == lang)
                    )
                    for lang, f in e.forms
                )
            )
        )
        for e in entries
    )
    return Lexicon(tuple(entries), data["provenance"], patterns)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read a lexicon file (by default the packaged `data/lexicon.json`)."""
    data, name = read_table("lexicon.json", path)
    return lexicon_from(data, name)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The packaged lexicon, read once."""
    return load_lexicon()


def translate_terms(text: str) -> str:
    """The text followed by the English terms of the field it uses (unchanged if none)."""
    folded = _fold(text)
    found = [
        english
        for english in default_lexicon().terms_in(text)
        # a target the text already spells out adds nothing
        if not re.search(_WORD_START + re.escape(english.lower()) + _WORD_END, folded)
    ]
    if not found:
        return text
    return f"{text} ({'; '.join(found)})"
