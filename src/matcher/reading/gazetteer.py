"""Names found in a text: the mechanism under the place and organisation tables of `data/`.

A text is cut into word tokens; each token keeps what was written (for case rules) and a folded
key (lower case, no accents, Arabic letter variants merged) for lookup. Names are token sequences
in a trie, so a name matches whole words only: "lac" is never found inside "placement", and a
name is found wherever its words stand, whatever the punctuation between them ("Côte d'Ivoire",
"Côte d’Ivoire"). The longest name wins at each position.

Two languages need more than folding:

* Russian declines names: "Казахстан" is also "Казахстана", "Казахстане", "Казахстаном".
  `russian_forms` writes the six cases of a name from its nominative, word by word (nouns in
  -ия, -а, -я, -й, -ь, a consonant, plural -ы; adjectives in -ая, -ий, -ый, -ые ...).
* Arabic attaches conjunctions, prepositions and the article to the word: "وبالعراق" is
  "and in Iraq". A token is also looked up without them; `arabic_adjectives` writes the nisba
  adjectives of a name ("سوريا" -> "السورية", Syrian).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

_TOKEN = re.compile(r"\w+", re.UNICODE)
_BOUNDARY = ".!?:;\n•"
_ARABIC_LETTERS = str.maketrans({"ى": "ي", "ة": "ه", "ـ": ""})


class Case(StrEnum):
    """How a name must be written to count."""

    ANY = "any"
    EXACT = "exact"  # as written: "LAC", not the French "lac"
    CAPITALISED = "capitalised"  # first letter upper case ("Chile", not the pepper)
    PROPER = "proper"  # capitalised, and not the first word of a sentence ("el Pacífico")


def fold(text: str) -> str:
    """Lowercase and strip accents, so "Centroamérica" and "centroamerica" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    if decomposed.isascii():  # nothing to strip (most statements): skip the pass per character
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def key(word: str) -> str:
    """The lookup form of one word: folded, with Arabic alif maqsura, ta marbuta and tatweel
    merged (fold already drops the hamza and madda that sit on alif)."""
    return fold(word).translate(_ARABIC_LETTERS)


def is_arabic(word: str) -> bool:
    """True when the word is written in Arabic script."""
    return any("\u0600" <= c <= "\u06ff" for c in word)


def is_cyrillic(word: str) -> bool:
    """True when the word is written in Cyrillic script."""
    return any("\u0400" <= c <= "\u04ff" for c in word)


@dataclass(frozen=True)
class Token:
    """One word of a text: as written, its lookup key, where it stands."""

    text: str
    key: str
    start: int
    end: int
    initial: bool  # the first word of a sentence, a line or a list item


def tokenize(text: str) -> list[Token]:
    """Word tokens of a text, each marked when it opens a sentence, a line or a list item."""
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        if not tokens:
            initial = True
        else:
            prev = tokens[-1]
            gap = text[prev.end : m.start()]
            initial = any(c in _BOUNDARY for c in gap) or (
                prev.text.isdigit() and any(c in ".)" for c in gap)
            )
        tokens.append(Token(m.group(), key(m.group()), m.start(), m.end(), initial))
    return tokens


def words_of(name: str) -> tuple[str, ...]:
    """The lookup keys of a name's words."""
    return tuple(t.key for t in tokenize(name))


# --- Russian -----------------------------------------------------------------------------

# endings by case: nominative, genitive, dative, accusative, instrumental, prepositional
_ADJECTIVE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ая", ("ая", "ой", "ой", "ую", "ой", "ой")),
    ("яя", ("яя", "ей", "ей", "юю", "ей", "ей")),
    ("ые", ("ые", "ых", "ым", "ые", "ыми", "ых")),
    ("ие", ("ие", "их", "им", "ие", "ими", "их")),
    ("ый", ("ый", "ого", "ому", "ый", "ым", "ом")),
    ("ой", ("ой", "ого", "ому", "ой", "ым", "ом")),
    ("кий", ("кий", "кого", "кому", "кий", "ким", "ком")),
    ("ий", ("ий", "его", "ему", "ий", "им", "ем")),
    ("ое", ("ое", "ого", "ому", "ое", "ым", "ом")),
    ("ее", ("ее", "его", "ему", "ее", "им", "ем")),
)
_NOUN_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ия", ("ия", "ии", "ии", "ию", "ией", "ии")),
    ("ея", ("ея", "еи", "ее", "ею", "еей", "ее")),
    ("я", ("я", "и", "е", "ю", "ей", "е")),
    ("ка", ("ка", "ки", "ке", "ку", "кой", "ке")),
    ("га", ("га", "ги", "ге", "гу", "гой", "ге")),
    ("ха", ("ха", "хи", "хе", "ху", "хой", "хе")),
    ("а", ("а", "ы", "е", "у", "ой", "е")),
    ("й", ("й", "я", "ю", "й", "ем", "е")),
    ("ь", ("ь", "я", "ю", "ь", "ем", "е")),
    ("ы", ("ы", "", "ам", "ы", "ами", "ах")),
)
_INDECLINABLE_END = "оуеиэю"
_CONSONANT_ENDINGS = ("", "а", "у", "", "ом", "е")


def _russian_cases(word: str, adjective: bool) -> tuple[str, ...]:
    """Six case forms of one word of a Russian name (the same word six times if it does not
    decline). Adjective endings apply to a word before the last (Южная Африка); a one-word
    name is a noun."""
    lower = word.lower()
    if "-" in lower:  # Кот-д’Ивуар, Гвинея-Бисау: only the last part declines
        head, _, tail = word.rpartition("-")
        return tuple(f"{head}-{form}" for form in _russian_cases(tail, adjective))
    if not adjective:
        for ending, forms in _NOUN_ENDINGS:
            if lower.endswith(ending):
                stem = word[: len(word) - len(ending)]
                return tuple(stem + f for f in forms)
    else:
        for ending, forms in _ADJECTIVE_ENDINGS:
            if lower.endswith(ending):
                stem = word[: len(word) - len(ending)]
                return tuple(stem + f for f in forms)
        return _russian_cases(word, adjective=False)
    if lower[-1:] in _INDECLINABLE_END or not lower[-1:].isalpha():
        return (word,) * 6
    return tuple(word + f for f in _CONSONANT_ENDINGS)


_HARD_ADJECTIVE = ("ый", "ой", "ая", "ое", "ые", "ого", "ому", "ым", "ом", "ую", "ых", "ыми")
_K_ADJECTIVE = ("ий", "ой", "ая", "ое", "ие", "ого", "ому", "им", "ом", "ую", "их", "ими")


def _adjective_all_genders(word: str) -> set[str]:
    """A lone adjective ("латиноамериканский") in every gender, number and case."""
    lower = word.lower()
    for ending in ("ый", "ой", "ий", "ая", "ое", "ые", "ие"):
        if lower.endswith(ending):
            stem = word[: len(word) - len(ending)]
            soft = stem.lower()[-1:] in "кгхжшчщ" or ending in ("ий", "ие")
            return {stem + e for e in (_K_ADJECTIVE if soft else _HARD_ADJECTIVE)}
    return {word}


def russian_forms(name: str) -> set[str]:
    """The name in the six Russian cases, words agreeing ("Южная Америка" -> "Южной Америки",
    ...). Only the words up to the head noun decline: in "острова Тихого океана" the genitive
    complement stays as it is."""
    parts = name.split()
    if not parts:
        return set()
    is_adjective = [any(p.lower().endswith(e) for e, _ in _ADJECTIVE_ENDINGS) for p in parts]
    # the head noun is the first word that is not an adjective; a name of adjectives alone
    # ("тихоокеанский") declines throughout
    if len(parts) == 1 and is_adjective[0]:
        return _adjective_all_genders(name)
    head = is_adjective.index(False) if False in is_adjective else len(parts)
    declined = [
        _russian_cases(p, adjective=i < head) if i <= head else (p,) * 6
        for i, p in enumerate(parts)
    ]
    return {" ".join(forms[c] for forms in declined) for c in range(6)} | {name}


# --- Arabic ------------------------------------------------------------------------------


def arabic_stems(token_key: str) -> list[str]:
    """A token with the particles Arabic writes onto a word taken off, longest first:
    و/ف (and), ب/ل/ك (in, to, as), and لل for ل + ال."""
    out = [token_key]
    rest = token_key
    if rest[:1] in ("و", "ف") and len(rest) > 3:
        rest = rest[1:]
        out.append(rest)
    if rest.startswith("لل") and len(rest) > 4:
        out.append("ال" + rest[2:])
    if rest[:1] in ("ب", "ل", "ك") and len(rest) > 3:
        out.append(rest[1:])
    return out


def arabic_adjectives(name: str) -> set[str]:
    """Nisba adjectives of a one-word Arabic place name, with and without the article:
    "سوريا" -> "سوري", "السورية", "السوريين" ...; "العراق" -> "العراقي" ..."""
    word = key(name)
    if " " in word:
        return set()
    base = word.removeprefix("ال")
    for ending in ("يه", "يا", "ا", "ه", "ي"):
        if base.endswith(ending) and len(base) - len(ending) >= 3:
            base = base[: -len(ending)]
            break
    if len(base) < 3:
        return set()
    forms = {base + e for e in ("ي", "يه", "يين", "يون")}
    return forms | {"ال" + f for f in forms}


# --- the matcher -------------------------------------------------------------------------


@dataclass(frozen=True)
class Name(Generic[T]):
    """One way of writing one thing, and the rule for how it must be written."""

    value: T
    written: tuple[str, ...]  # the words as written, for Case.EXACT
    case: Case = Case.ANY
    not_followed_by: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hit(Generic[T]):
    """Names that matched one span of tokens (several when a name is ambiguous)."""

    first: int
    last: int  # inclusive token index
    values: tuple[T, ...]


@dataclass
class _Node(Generic[T]):
    children: dict[str, _Node[T]] = field(default_factory=dict)
    names: list[Name[T]] = field(default_factory=list)


class Gazetteer(Generic[T]):
    """A trie of names over token keys; `find` returns the longest names standing in a text.

    Built name by name with `add`, or read from rows `write_rows` wrote (`from_rows`): folding
    and declining ~24,000 place names takes over a second, reading them back a few hundredths.
    """

    def __init__(self) -> None:
        self._root: _Node[T] = _Node()
        self.size = 0
        # rows not yet in the trie, by first key, and how to read their values (from_rows)
        self._unread: dict[str, Sequence[str]] = {}
        self._decode: Callable[[str], T] | None = None
        self._lock = threading.Lock()

    def add(
        self,
        name: str,
        value: T,
        case: Case = Case.ANY,
        *,
        inflect: bool = True,
        not_followed_by: Iterable[str] = (),
    ) -> None:
        """Add a name; a Russian name also in its six cases, unless `inflect` is False."""
        inflect = inflect and case is not Case.EXACT and is_cyrillic(name)
        forms = russian_forms(name) if inflect else {name}
        for form in sorted(forms):  # a set's order changes from one process to the next
            tokens = tokenize(form)
            if not tokens:
                continue
            self._read(tokens[0].key)  # rows read from a table keep their place before it
            self._file(
                tuple(t.key for t in tokens),
                Name(value, tuple(t.text for t in tokens), case, frozenset(not_followed_by)),
            )
            self.size += 1

    def _file(self, keys: tuple[str, ...], name: Name[T]) -> None:
        node = self._root
        for k in keys:
            node = node.children.setdefault(k, _Node())
        node.names.append(name)

    def names(self) -> Iterator[tuple[tuple[str, ...], Name[T]]]:
        """Every name with the keys it is filed under, depth first: a node's names, in the order
        they were added, before its children's."""
        for first in list(self._unread):
            self._read(first)
        stack: list[tuple[tuple[str, ...], _Node[T]]] = [((), self._root)]
        while stack:
            keys, node = stack.pop()
            for name in node.names:
                yield keys, name
            stack.extend(((*keys, k), child) for k, child in reversed(node.children.items()))

    def write_rows(self, encode: Callable[[T], str]) -> dict[str, list[str]]:
        """The names as text, for `from_rows`: first key -> one row per name filed under it,
        "words as written|case|not followed by|value" (the value as `encode` writes it).

        Raises:
            ValueError: a row that would not read back as the same name.
        """
        rows: dict[str, list[str]] = {}
        for keys, name in self.names():
            if tuple(key(w) for w in name.written) != keys or not all(name.written):
                raise ValueError(f"{name.written} is filed under {keys}, not under its words")
            if any(not w or "|" in w or w.split() != [w] for w in name.not_followed_by):
                raise ValueError(f"not_followed_by {sorted(name.not_followed_by)}: not words")
            fields = (
                " ".join(name.written),
                name.case.value,
                " ".join(sorted(name.not_followed_by)),
                encode(name.value),
            )
            rows.setdefault(keys[0], []).append("|".join(fields))
        return rows

    @classmethod
    def from_rows(
        cls, rows: Mapping[str, Sequence[str]], decode: Callable[[str], T]
    ) -> Gazetteer[T]:
        """A gazetteer over rows `write_rows` wrote, `decode` reading each value back.

        A first key's rows go into the trie the first time a text holds that key, so loading
        costs no more than reading the rows, and a text files a few dozen of them.
        """
        gaz: Gazetteer[T] = cls()
        gaz._unread = dict(rows)
        gaz._decode = decode
        gaz.size = sum(len(group) for group in rows.values())
        return gaz

    def _read(self, first: str) -> None:
        """File the unread rows of a first key (none left: nothing to do)."""
        if first not in self._unread:
            return
        with self._lock:
            # another thread may have filed them meanwhile; the rows leave `_unread` only once
            # filed, so a reader that finds them gone finds them in the trie
            group = self._unread.get(first)
            if group is None or self._decode is None:
                return
            for row in group:
                written, case, not_followed, value = row.split("|", 3)
                words = tuple(written.split(" "))
                keys = (first, *(key(w) for w in words[1:]))
                self._file(
                    keys,
                    Name(self._decode(value), words, Case(case), frozenset(not_followed.split())),
                )
            del self._unread[first]

    def find(self, tokens: list[Token], skip: set[int] | None = None) -> Iterator[Hit[T]]:
        """Longest matches, left to right, that do not overlap or touch a token in `skip`."""
        skip = skip or set()
        i = 0
        while i < len(tokens):
            hit = None if i in skip else self._longest(tokens, i, skip)
            if hit is None:
                i += 1
                continue
            yield hit
            i = hit.last + 1

    def _longest(self, tokens: list[Token], i: int, skip: set[int]) -> Hit[T] | None:
        starts = arabic_stems(tokens[i].key) if is_arabic(tokens[i].key) else [tokens[i].key]
        best: Hit[T] | None = None
        for first_key in starts:
            self._read(first_key)
            node = self._root.children.get(first_key)
            j = i
            while node is not None:
                values = tuple(
                    n.value for n in node.names if _written_right(n, tokens, i, j, first_key)
                )
                if values and (best is None or j > best.last):
                    best = Hit(i, j, tuple(dict.fromkeys(values)))
                j += 1
                if j >= len(tokens) or j in skip:
                    break
                node = node.children.get(tokens[j].key)
        return best


def _written_right(name: Name[T], tokens: list[Token], i: int, j: int, first_key: str) -> bool:
    if name.not_followed_by and j + 1 < len(tokens) and tokens[j + 1].key in name.not_followed_by:
        return False
    if name.case is Case.ANY:
        return True
    span = tokens[i : j + 1]
    if name.case is Case.EXACT:
        return [t.text for t in span] == list(name.written)
    if first_key != tokens[i].key:  # reached through an Arabic particle: no case to read
        return True
    # the words the name writes with a capital must be written so ("the Gulf": Gulf); a name
    # written in lower case throughout needs its first word capitalised
    marked = [t for t, w in zip(span, name.written, strict=False) if w[:1].isupper()] or span[:1]
    for tok in marked:
        if not any(c.isalpha() and (c.isupper() or c.islower()) for c in tok.text):
            continue  # a script without case (Arabic): the rule cannot be read
        if not tok.text[:1].isupper() or (name.case is Case.PROPER and tok.initial):
            return False
    return True
