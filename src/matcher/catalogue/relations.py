"""Relations the catalogue states in words: one initiative naming another's programme, tool or
acronym.

The catalogue defines its own names: acronyms with their long form ("Scanning of Novel Opioids on
Online Platforms (SNOOP)", "[MEDD]", "known by its Spanish-language acronym SATA"), acronyms and
short leading names in titles ("SNOOP: ...", "#ScaleUp: ..."), and capitalised proper names
("Early Warning System of the Americas"). Every name is looked for in every initiative (title and
description, the long form counting as the acronym), and a name only a few initiatives use is
evidence that they are related:

* both titles carry the name: the same programme under two ids (INLOD and INLOD-LAC);
* one text names a programme another carries in its title: a suite listing its tools, a project
  naming its components, an initiative that "builds on" or "complements" another;
* both texts name it: they work on or with the same thing.

A name used by more than `max_df` initiatives ("Member States", "NPS", an organisation) is a
shared term, not one programme, and links nothing; organisations' own names and acronyms are
left out (they say who runs an initiative, not what it is). No rule names an initiative.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from matcher.catalogue.model import Initiative
from matcher.reading.metadata import _organization_table, fold, read_places, words

# An acronym as written: capitals and digits (a plural "s" or a short lower-case prefix allowed:
# DINs, mhGAP), or a hashtag name (#ScaleUp).
_ACRONYM = re.compile(r"(?<![\w#])(?:#[A-Za-z]\w+|[a-z]{0,3}[A-Z][A-Z0-9]{1,14}s?)(?![\w])")
_DEFINED = re.compile(r"[\(\[]\s*([a-z]{0,3}[A-Z][A-Z0-9-]{1,14}s?)\s*[\)\]]")
_KNOWN_AS = re.compile(r"\(([^()]{0,60}?acronym,?\s+([A-Z][A-Z0-9]{1,14}))\)")
_WORD_RE = re.compile(r"[#\w][\w'’/-]*")
# words that hold a capital letter (or a #): only those can be acronyms or joined to one
_ACRONYM_OR_COMPOUND = re.compile(r"#?[\w'’/-]*[A-Z][\w'’/-]*")
_CONNECTORS = frozenset("of on for and the to in & de".split())
_LEADS = frozenset("the a an this that these those its their our".split())
_ROMAN = frozenset("II III IV VI VII VIII IX XI XII".split())
_CUES = re.compile(
    r"(?i)\b(builds? on|building on|part of|as part|components?|suite|complements?|"
    r"under the|umbrella|in line with|based on|linked|rooted in|developed from|using|uses)\b"
)


class RelationKind(StrEnum):
    """How two initiatives are related in their words, strongest first."""

    SAME_NAME = "same-name"  # both titles carry the name
    NAMES = "names"  # one text names a programme the other's title carries
    SHARED = "shared-name"  # both texts name it


@dataclass(frozen=True)
class Relation:
    """Two initiatives the text relates, the names that relate them, and the wording around."""

    a: str
    b: str
    kind: RelationKind
    names: tuple[str, ...]
    cue: str = ""

    def describe(self) -> str:
        """One line for a reason column."""
        shown = ", ".join(f"'{n}'" for n in self.names[:3])
        if self.kind is RelationKind.SAME_NAME:
            return f"both titles name {shown}"
        if self.kind is RelationKind.NAMES:
            cue = f" ({self.cue})" if self.cue else ""
            return f"one description names the other's {shown}{cue}"
        return f"both descriptions name {shown}"


@dataclass(frozen=True)
class RelationSettings:
    """How rare a name must be to relate initiatives."""

    max_df: int = 4
    max_phrase_words: int = 9


def _key(words: Iterable[str]) -> str:
    """A name's matching key: folded words, a plural -s dropped from longer words."""
    return " ".join(_word_key(w) for w in words)


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    w = fold(word).strip("'’")
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w


def _is_org_token(token: str, orgs: frozenset[str]) -> bool:
    """A word that is, or is joined to, an organisation's name (ES-CICAD, UNODC/WHO)."""
    parts = [p for p in re.split(r"[/-]", token) if p]
    return any(p in orgs or _word_key(p) in orgs for p in parts) and token[:1].isupper()


@lru_cache(maxsize=65536)
def is_place(name: str) -> bool:
    """Whether a name is only a place ("LAC", "Latin American and Caribbean", "South African")."""
    places = read_places(name)
    if not places:
        return False
    if _ACRONYM.fullmatch(name):
        return True
    place_words = {w[:5] for p in places for w in words(f"{p.name} {p.region}")}
    return all(w[:5] in place_words for w in words(name) if w not in _CONNECTORS)


def _acronym_key(token: str) -> str:
    token = token.rstrip("-")
    if token.endswith("s") and token[:-1].isupper() and len(token) > 2:
        token = token[:-1]
    return token


@lru_cache(maxsize=1)
def _organization_keys() -> frozenset[str]:
    """Organisations' own names and first acronyms (their tools are kept: SNOOP is a name)."""
    keys = set()
    for org, row in _organization_table().items():
        for part in re.split(r"[/()]", org):
            keys.update({part.strip(), _key(_WORD_RE.findall(part))})
        keys.update(_key(_WORD_RE.findall(n)) for n in row["names"])
        keys.update(row["acronyms"][:1])
    keys.update({"UN", "US", "USA", "EU", "united nation"})
    return frozenset(k for k in keys if k)


def long_form(words_before: Sequence[str], acronym: str) -> tuple[str, ...]:
    """The words before an acronym that spell it, or () when they do not.

    Schwartz and Hearst's rule (each letter of the acronym, from the last, found in the words
    from the end, the first at a word's start), and most of the words start with one of the
    acronym's letters, so "Substance Use Disorders" does not spell SCI.
    """
    letters = [c.lower() for c in acronym if c.isalnum()]
    if len(letters) < 2:
        return ()
    window = list(words_before[-(len(letters) + 5) :])
    text = " ".join(window).lower()
    li, ti = len(letters) - 1, len(text) - 1
    while li >= 0:
        c = letters[li]
        while ti >= 0 and (text[ti] != c or (li == 0 and ti > 0 and text[ti - 1].isalnum())):
            ti -= 1
        if ti < 0:
            return ()
        li -= 1
        ti -= 1
    start = text.rfind(" ", 0, ti + 1) + 1
    chosen = text[start:].split()
    out = tuple(window[-len(chosen) :])
    while out and out[0].lower() in _LEADS | _CONNECTORS:
        out = out[1:]
    content = [w for w in out if w.lower() not in _CONNECTORS]
    initials = sum(1 for w in content if w[0].lower() in letters)
    if len(content) < 2 or initials < 0.6 * len(content):
        return ()
    return out


def defined_acronyms(text: str) -> dict[str, tuple[str, ...]]:
    """Acronyms a text defines -> their long form in words ("Pre-Flight Incident Notification
    Gateway (PING)", "Middle East Drug Dialogue [MEDD]", "(known by its ... acronym, SATA)")."""
    out: dict[str, tuple[str, ...]] = {}
    for m in _KNOWN_AS.finditer(text):
        before = _capitalised_run(_WORD_RE.findall(text[: m.start()]))
        if len(before) >= 2:
            out.setdefault(_acronym_key(m.group(2)), before)
    for m in _DEFINED.finditer(text):
        acronym = _acronym_key(m.group(1).split("-")[0])
        found = long_form(_WORD_RE.findall(text[: m.start()]), acronym)
        if found:
            out.setdefault(acronym, found)
    return out


def _capitalised_run(tokens: Sequence[str]) -> tuple[str, ...]:
    """The capitalised name that ends a list of words (connectors allowed inside)."""
    run: list[str] = []
    for w in reversed(tokens):
        if w[:1].isupper() or (run and w.lower() in _CONNECTORS):
            run.append(w)
        else:
            break
    while run and run[-1].lower() in _CONNECTORS | _LEADS:
        run.pop()
    return tuple(reversed(run))


def proper_names(
    text: str, orgs: frozenset[str] = frozenset(), max_words: int = 9
) -> list[tuple[str, ...]]:
    """Capitalised names of two or more capitalised words ("Early Warning System of the
    Americas"); an acronym or an organisation's name ends a name, a leading article is dropped,
    and the first word of a sentence does not start one."""
    out: list[tuple[str, ...]] = []
    for fragment in re.split(r"[.;:!?\n()\[\]\"“”]|\s[-–—]\s|,", text):
        out.extend(_fragment_names(fragment, orgs, max_words))
    return out


@lru_cache(maxsize=65536)
def _fragment_names(
    fragment: str, orgs: frozenset[str], max_words: int
) -> tuple[tuple[str, ...], ...]:
    """proper_names of one fragment between punctuation (cached: catalogues repeat phrases)."""
    out = []
    tokens = _WORD_RE.findall(fragment)
    run: list[str] = []
    for n, w in enumerate([*tokens, "."]):
        capital = (
            (w[:1].isupper() or bool(_ACRONYM.fullmatch(w)))
            and n > 0
            and not _is_org_token(w, orgs)
        )
        if capital or (run and w.lower() in _CONNECTORS):
            run.append(w)
            continue
        while run and run[-1].lower() in _CONNECTORS:
            run.pop()
        if sum(1 for x in run if x[:1].isupper()) >= 2 and len(run) <= max_words:
            out.append(tuple(run))
        run = []
    return tuple(out)


def title_names(title: str, orgs: frozenset[str] = frozenset()) -> set[str]:
    """Names a title carries: its acronyms and a short leading name ("SNOOP: ...")."""
    out = {_acronym_key(t) for t in _ACRONYM.findall(title) if not _is_org_token(t, orgs)}
    lead = re.split(r":\s|\s[-–—]\s", title, maxsplit=1)
    if len(lead) == 2 and 1 <= len(lead[0].split()) <= 2:
        out.add(lead[0] if _ACRONYM.fullmatch(lead[0]) else _key(_WORD_RE.findall(lead[0])))
    return {n for n in out if n and n not in _ROMAN and n not in orgs and not is_place(n)}


@dataclass(frozen=True)
class NameIndex:
    """Which initiatives use each name, and which carry it in their title."""

    shown: dict[str, str]
    users: dict[str, tuple[int, ...]]
    in_title: dict[str, frozenset[int]]


def index_names(
    initiatives: Sequence[Initiative], settings: RelationSettings | None = None
) -> NameIndex:
    """Every name the catalogue defines, and the initiatives that use it.

    Names come from the descriptions (a Title Case title capitalises every word, so its
    phrases are not names) and from the acronyms and leading names of titles; they are then
    matched in titles and descriptions, longest name first at each word, so "Next Generation
    Targeting Tools" does not also count as "Next Generation". Linear in the catalogue: names
    are looked up by their first word.
    """
    settings = settings or RelationSettings()
    orgs = _organization_keys()
    shown: dict[str, str] = {}
    phrases: dict[str, str] = {}  # phrase key -> name key
    for ini in initiatives:
        for acronym, found in defined_acronyms(f"{ini.title}\n{ini.text}").items():
            if acronym not in orgs and not is_place(acronym):
                phrases[_key(found)] = acronym
                shown.setdefault(acronym, acronym)
        for found in proper_names(ini.text, orgs, settings.max_phrase_words):
            k = _key(found)
            if k not in orgs and k not in phrases and not is_place(" ".join(found)):
                phrases[k] = k
                shown.setdefault(k, " ".join(found))
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for k, name in phrases.items():
        parts = tuple(k.lower().split())
        by_first.setdefault(parts[0], []).append((parts, name))
    for entries in by_first.values():
        entries.sort(key=lambda e: -len(e[0]))
    users: dict[str, set[int]] = {}
    in_title: dict[str, set[int]] = {}
    loose: dict[str, set[int]] = {}  # written in any case: a common term's users too
    memo: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for row, ini in enumerate(initiatives):
        for text, is_title in ((ini.title, True), (ini.text, False)):
            found_names, any_case = _names_in(text, by_first, orgs, memo)
            if is_title:
                found_names |= title_names(text, orgs)
                for name in found_names:
                    in_title.setdefault(name, set()).add(row)
            for name in found_names:
                users.setdefault(name, set()).add(row)
                shown.setdefault(name, name)
            for name in any_case:
                loose.setdefault(name, set()).add(row)
    # a long form most initiatives write in lower case ("drug use disorders") is a term
    terms = {n for n, rows in loose.items() if len(rows) > settings.max_df}
    for phrase, name in phrases.items():
        if name in terms and phrase != name:  # the acronym as written still counts
            users.pop(name, None)
            in_title.pop(name, None)
    users = {k: v for k, v in users.items() if k not in terms or k.isupper()}
    return NameIndex(
        shown,
        {k: tuple(sorted(v)) for k, v in users.items()},
        {k: frozenset(v) for k, v in in_title.items()},
    )


_Table = dict[str, list[tuple[tuple[str, ...], str]]]


def _names_in(
    text: str,
    by_first: _Table,
    orgs: frozenset[str],
    memo: dict[str, tuple[frozenset[str], frozenset[str]]] | None = None,
) -> tuple[set[str], set[str]]:
    """Names used in a text: acronyms as written, phrases whose first word is capitalised here
    (the rest in any case), the longest at each word; and the phrases written in any case.
    Read sentence by sentence, each sentence once (`memo`: catalogues repeat sentences)."""
    memo = {} if memo is None else memo
    found: set[str] = set()
    any_case: set[str] = set()
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n", text):
        if sentence not in memo:
            memo[sentence] = _sentence_names(sentence, by_first, orgs)
        named, loose = memo[sentence]
        found |= named
        any_case |= loose
    return found, any_case


def _sentence_names(
    sentence: str, by_first: _Table, orgs: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    found = set()
    for t in _ACRONYM_OR_COMPOUND.findall(sentence):
        if "-" in t or "/" in t:
            if _is_org_token(t, orgs):
                continue
            for part in re.split(r"[/-]", t):
                if _ACRONYM.fullmatch(part):
                    found.add(_acronym_key(part))
        elif _ACRONYM.fullmatch(t):
            found.add(t if t.startswith("#") else _acronym_key(t))
    found = {k for k in found if k not in orgs and k not in _ROMAN and not is_place(k)}
    any_case: set[str] = set()
    tokens = _WORD_RE.findall(sentence)
    keys = [_word_key(t).lower() for t in tokens]
    # every word capitalised (a Title Case title) or the sentence's first word: a capital says
    # less, so a short name ("Technical Assistance", "Drug Use Disorders") does not count there
    title_case = sum(t[:1].isupper() for t in tokens) >= 0.7 * max(1, len(tokens))
    i = 0
    while i < len(keys):
        step = 1
        for parts, name in by_first.get(keys[i], ()):
            if tuple(keys[i : i + len(parts)]) != parts:
                continue
            step = len(parts)
            any_case.add(name)
            capital = tokens[i][:1].isupper()
            if capital and len(parts) >= (4 if title_case else 3 if i == 0 else 2):
                found.add(name)
            break
        i += step
    return frozenset(found), frozenset(any_case)


def find_relations(
    initiatives: Sequence[Initiative], settings: RelationSettings | None = None
) -> dict[tuple[int, int], Relation]:
    """Pairs of initiatives (rows, smaller first) related by a name only a few of them use."""
    settings = settings or RelationSettings()
    names = index_names(initiatives, settings)
    found: dict[tuple[int, int], tuple[RelationKind, list[str]]] = {}
    for name, rows in names.users.items():
        if not 2 <= len(rows) <= settings.max_df:
            continue
        titled = names.in_title.get(name, frozenset())
        for n, i in enumerate(rows):
            for j in rows[n + 1 :]:
                if i in titled and j in titled:
                    kind = RelationKind.SAME_NAME
                elif i in titled or j in titled:
                    kind = RelationKind.NAMES
                else:
                    kind = RelationKind.SHARED
                old_kind, old_names = found.get((i, j), (kind, []))
                strongest = min(old_kind, kind, key=list(RelationKind).index)
                found[(i, j)] = (strongest, [*old_names, names.shown.get(name, name)])
    out = {}
    for (i, j), (kind, shown) in found.items():
        a, b = initiatives[i], initiatives[j]
        out[(i, j)] = Relation(a.id, b.id, kind, tuple(sorted(set(shown))), _cue(a, b, shown))
    return out


def _cue(a: Initiative, b: Initiative, shown: Sequence[str]) -> str:
    """The wording that says how one names the other ("builds on", "suite"), if any."""
    for text in (a.text, b.text):
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if any(s.lower() in sentence.lower() for s in shown):
                m = _CUES.search(sentence)
                if m:
                    return m.group(1).lower()
    return ""
