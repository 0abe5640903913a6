"""Field shorthand and everyday words that the catalogue says formally.

Officials write "THN + SBIRT in PHC" or "tx for ATS use d/o"; the public writes "cops", "sniffer
dogs" or "dealers on Telegram". The catalogue spells these out ("canine detection", "organized
crime groups", "online platforms"). The query keeps its own words and gains the catalogue's
wording, so BM25 and the embedders both see it. Two tables, both data with provenance and checked
by `scripts/check_terms.py`:

- the glossary (`data/glossary.json`): a short form matches only as a whole token: not inside a
  longer word ("ATS" in "STATS"), and not when joined to one by "/", "&" or "-" ("SUD" in
  "SCI-SUD"). Ambiguous short forms are matched exactly as written ("ED", not "ed"); the entries
  marked `any_case` ("tx", "meth") in any case.
- everyday words (`data/everyday.json`): matched on whole words of the folded text (lower case, no
  accents), a form's words joined by spaces or hyphens ("pill-presses"), never inside a longer
  word nor hyphenated to one; an entry's `unless_next_to` words cancel a match right beside it
  ("weed out", "car dealers"). Ambiguous words ("ice", "crack") are only in two-word forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from matcher.errors import MatcherError
from matcher.reading.gazetteer import fold
from matcher.reading.tables import read_table

_BEFORE = r"(?<![\w/&-])"
_AFTER = r"(?![\w/&-])"


@dataclass(frozen=True)
class Abbreviation:
    """One short form and what it stands for."""

    short: str
    spelled_out: str
    any_case: bool
    source: str


@dataclass(frozen=True)
class Glossary:
    """The loaded table, compiled into one whole-token pattern."""

    entries: tuple[Abbreviation, ...]
    provenance: str
    pattern: re.Pattern[str] = field(repr=False, compare=False)
    lookup: dict[str, str] = field(repr=False, compare=False)
    """Exact short forms, and the lower-cased ones of `any_case` entries, -> spelled out."""

    def expansions_in(self, text: str) -> list[str]:
        """The spelled-out forms of the shorthand the text uses, once each, in text order."""
        found: dict[str, None] = {}
        for match in self.pattern.finditer(text):
            token = match.group(1)
            expansion = self.lookup.get(token) or self.lookup.get(token.lower())
            if expansion:
                found.setdefault(expansion, None)
        return list(found)


def _bad(path: str, what: str) -> MatcherError:
    return MatcherError(f"the term table {path} is malformed: {what}; fix the file or reinstall")


def glossary_from(data: object, path: str = "data/glossary.json") -> Glossary:
    """Validate and compile a glossary read from JSON (`path` only names it in errors)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise _bad(path, "it needs an object with an 'entries' list")
    if not isinstance(data.get("provenance"), str) or not data["provenance"].strip():
        raise _bad(path, "it needs a 'provenance' line")
    entries: list[Abbreviation] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["entries"]):
        if not isinstance(raw, dict):
            raise _bad(path, f"entry {i + 1} is not an object")
        short, long, any_case, source = (
            raw.get(k) for k in ("short", "long", "any_case", "source")
        )
        if not isinstance(short, str) or not short.strip() or short != short.strip():
            raise _bad(path, f"entry {i + 1} has no 'short' form (or one with spaces around it)")
        where = f"entry {i + 1} ({short!r})"
        if not isinstance(long, str) or not long.strip():
            raise _bad(path, f"{where} has no 'long' (spelled-out) form")
        if not isinstance(any_case, bool):
            raise _bad(path, f"{where} needs 'any_case': true or false")
        if any_case and short != short.lower():
            raise _bad(path, f"{where} is 'any_case' and must be written in lower case")
        if not isinstance(source, str) or not source.strip():
            raise _bad(path, f"{where} has no 'source' saying where it comes from")
        key = short.lower() if any_case else short
        if key in seen:
            raise _bad(path, f"{where} repeats a short form")
        seen.add(key)
        entries.append(Abbreviation(short, long, any_case, source))
    # longest first, so "clan labs" wins over "clan lab" and "dual dx" over its parts
    alternatives = [
        f"(?i:{re.escape(e.short)})" if e.any_case else re.escape(e.short)
        for e in sorted(entries, key=lambda e: len(e.short), reverse=True)
    ]
    pattern = re.compile(_BEFORE + "(" + "|".join(alternatives) + ")" + _AFTER)
    lookup = {(e.short.lower() if e.any_case else e.short): e.spelled_out for e in entries}
    return Glossary(tuple(entries), data["provenance"], pattern, lookup)


def load_glossary(path: Path | None = None) -> Glossary:
    """Read a glossary file (by default the packaged `data/glossary.json`)."""
    data, name = read_table("glossary.json", path)
    return glossary_from(data, name)


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The packaged glossary, read once."""
    return load_glossary()


# --- everyday words -----------------------------------------------------------------------

_WORD_BEFORE = r"(?<![\w-])"
_WORD_AFTER = r"(?![\w-])"
_JOINER = re.compile(r"[\s-]+")
_PREVIOUS_WORD = re.compile(r"(\w+)[\s-]+$")
_NEXT_WORD = re.compile(r"^[\s-]+(\w+)")


@dataclass(frozen=True)
class EverydayTerm:
    """Everyday or street words for one thing, and the catalogue's wording for it."""

    informal: tuple[str, ...]
    formal: str
    unless_next_to: frozenset[str]
    source: str


@dataclass(frozen=True)
class EverydayTerms:
    """The loaded table, compiled into one whole-word pattern over folded text."""

    entries: tuple[EverydayTerm, ...]
    provenance: str
    pattern: re.Pattern[str] = field(repr=False, compare=False)
    lookup: dict[str, EverydayTerm] = field(repr=False, compare=False)
    """Each form, its words joined by one space, -> its entry."""

    def expansions_in(self, text: str) -> list[str]:
        """The formal wording of the everyday words the text uses, once each, in text order."""
        folded = fold_text(text)
        found: dict[str, None] = {}
        for match in self.pattern.finditer(folded):
            entry = self.lookup[form_key(match.group(0))]
            if entry.unless_next_to and _neighbours(folded, *match.span()) & entry.unless_next_to:
                continue
            found.setdefault(entry.formal, None)
        return list(found)


def fold_text(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe: the text everyday forms are matched on."""
    return fold(text).replace("\u2019", "'")


def form_key(form: str) -> str:
    """A form or a match with its words joined by one space ("pill-presses" -> "pill presses")."""
    return _JOINER.sub(" ", form.strip())


def form_regex(form: str) -> str:
    """The pattern of one folded form, its words joined by any run of spaces or hyphens."""
    return r"[\s-]+".join(re.escape(word) for word in form_key(form).split(" "))


def _neighbours(text: str, start: int, end: int) -> set[str]:
    """The words right before and after a span (joined to it by spaces or hyphens only)."""
    words = set()
    if before := _PREVIOUS_WORD.search(text[max(0, start - 60) : start]):
        words.add(before.group(1))
    if after := _NEXT_WORD.match(text[end : end + 60]):
        words.add(after.group(1))
    return words


def everyday_terms_from(data: object, path: str = "data/everyday.json") -> EverydayTerms:
    """Validate and compile an everyday-words table read from JSON (`path` names it in errors)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise _bad(path, "it needs an object with an 'entries' list")
    if not isinstance(data.get("provenance"), str) or not data["provenance"].strip():
        raise _bad(path, "it needs a 'provenance' line")
    entries: list[EverydayTerm] = []
    lookup: dict[str, EverydayTerm] = {}
    for i, raw in enumerate(data["entries"]):
        if not isinstance(raw, dict):
            raise _bad(path, f"entry {i + 1} is not an object")
        informal, formal, source = (raw.get(k) for k in ("informal", "formal", "source"))
        unless = raw.get("unless_next_to", [])
        if (
            not isinstance(informal, list)
            or not informal
            or not all(isinstance(f, str) and f.strip() for f in informal)
        ):
            raise _bad(path, f"entry {i + 1} needs an 'informal' list of words")
        where = f"entry {i + 1} ({informal[0]!r})"
        if not isinstance(formal, str) or not formal.strip():
            raise _bad(path, f"{where} has no 'formal' wording")
        if not isinstance(source, str) or not source.strip():
            raise _bad(path, f"{where} has no 'source' saying where it comes from")
        if not isinstance(unless, list) or not all(
            isinstance(w, str) and re.fullmatch(r"\w+", w) and w == fold_text(w) for w in unless
        ):
            raise _bad(path, f"{where} needs 'unless_next_to' as a list of folded single words")
        entry = EverydayTerm(tuple(informal), formal, frozenset(unless), source)
        for form in informal:
            if form != fold_text(form) or form != form.strip():
                raise _bad(
                    path, f"{where}: the form {form!r} must be folded (lower case, no accents)"
                )
            if form_key(form) in lookup:
                raise _bad(path, f"{where} repeats the form {form!r}")
            lookup[form_key(form)] = entry
        entries.append(entry)
    # longest first, so "drug dealers" wins over "dealers" and "crack cocaine" is read whole
    alternatives = [form_regex(f) for f in sorted(lookup, key=len, reverse=True)]
    pattern = re.compile(_WORD_BEFORE + "(?:" + "|".join(alternatives) + ")" + _WORD_AFTER)
    return EverydayTerms(tuple(entries), data["provenance"], pattern, lookup)


def load_everyday_terms(path: Path | None = None) -> EverydayTerms:
    """Read an everyday-words file (by default the packaged `data/everyday.json`)."""
    data, name = read_table("everyday.json", path)
    return everyday_terms_from(data, name)


@lru_cache(maxsize=1)
def default_everyday_terms() -> EverydayTerms:
    """The packaged everyday-words table, read once."""
    return load_everyday_terms()


def expand_abbreviations(text: str) -> str:
    """The text followed by the spelled-out forms of the shorthand it uses and the catalogue's
    wording for its everyday words (unchanged if none)."""
    folded = fold_text(text)
    found: dict[str, None] = {}
    for expansion in (
        *default_glossary().expansions_in(text),
        *default_everyday_terms().expansions_in(text),
    ):
        # a wording the text already contains adds nothing
        if fold_text(expansion) not in folded:
            found.setdefault(expansion, None)
    if not found:
        return text
    return f"{text} ({'; '.join(found)})"
