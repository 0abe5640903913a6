"""Split a statement into needs, and order results so that every need is served early.

Splitting works by structure, so it holds in any of the main languages: line breaks and list
markers, semicolons, sentence ends, commas, and the coordinating conjunctions of English, Spanish,
French, Portuguese, Russian and Arabic when both sides are substantial. Deficits are turned into
needs by dropping the negation ("no forensic lab" -> "forensic lab"): to a search engine the
absence is noise, the missing capacity is the need.

Ordering uses xQuAD (Santos, Macdonald & Ounis, 2010): each pick maximises relevance to the whole
statement plus the relevance to each need still unserved by the picks so far, so the second
programme for one need waits until the other needs have had theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LIST_SPLIT = re.compile(r"(?:\r?\n)+|;|•|(?:^|\s)(?:\d{1,2}[).]|[a-h]\))\s+|(?<=\S)\s+-\s+(?=\S)")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?؟。])\s+")
_COMMA_SPLIT = re.compile(r"\s*[,،]\s*")
_CONJUNCTIONS = re.compile(
    r"\s+(?:and also|and|as well as|plus|y también|además de|y|et aussi|ainsi que|et|e também|e|"
    r"а также|и|و)\s+",
    re.IGNORECASE,
)
# Leading words that only say "we lack / we need": dropped so the need itself remains.
_DEFICIT_PHRASES = (
    "have no",
    "has no",
    "there is no",
    "there are no",
    "no",
    "not enough",
    "lack of",
    "lack",
    "lacking",
    "without",
    "need to",
    "needs to",
    "need",
    "needs",
    "want to",
    "wants to",
    "would like to",
    "require",
    "requires",
    "don't have",
    "do not have",
    "can't",
    "cannot",
    "unable to",
    "weak",
    "insufficient",
    "limited",
    "no tenemos",
    "necesitamos",
    "queremos",
    "falta de",
    "falta",
    "sin",
    "carecemos de",
    "no hay",
    "no existe",
    "nous n'avons pas de",
    "nous n'avons pas",
    "pas de",
    "manque de",
    "nous voulons",
    "nous avons besoin de",
    "nous avons besoin d'",
    "il faut",
    "não temos",
    "precisamos de",
    "não há",
    "нет",
    "нужна",
    "нужно",
    "нужен",
    "нам нужна",
    "не хватает",
    "نحتاج إلى",
    "لا يوجد",
    "ليس لدينا",
)
_CONNECTOR = re.compile(
    r"^(?:and|but|so|also|then|while|y|pero|también|et|mais|aussi|e|mas|но|а|и)\s+", re.IGNORECASE
)
_DEFICIT = re.compile(
    r"^(?:(?:we|our country|they|nosotros|nous|nós|мы)\s+)?(?:(?:also|still|urgently)\s+)?(?:"
    + "|".join(
        re.escape(p).replace("\\ ", r"\s+") for p in sorted(_DEFICIT_PHRASES, key=len, reverse=True)
    )
    + r")(?=\s|$)\s*",
    re.IGNORECASE,
)
# Fragments that qualify the previous need rather than state a new one.
_QUALIFIER = re.compile(
    r"^(?:including|includ|especially|particularly|in particular|such as|e\.g\.|i\.e\.|mainly|"
    r"mostly|notably|incluyendo|incluidos|incluidas|especialmente|sobre todo|en particulier|"
    r"notamment|surtout|y compris|incluindo|especialmente|в том числе|особенно|خاصة|بما في ذلك)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_WORDS = 3
"""A piece with fewer content words is merged into its neighbour rather than made a need."""
MAX_NEEDS = 8
_FILLER = frozenset(
    """
    a an the of to in on for at by with from our we us is are be it its this that and or our
    de la el los las en y del al un una que se por con para le les des du et à au aux dans
    pour sur nous il est e o os as da do dos das em na no um uma и в на с по для не мы
    """.split()
)


@dataclass(frozen=True)
class Need:
    """One need: the user's words, and the text that is searched for it."""

    text: str
    query: str


def _content_words(text: str) -> int:
    return sum(1 for w in _WORD.findall(text.lower()) if w not in _FILLER)


def _strip(piece: str) -> str:
    return piece.strip(" \t-–—*•.,:;!?()[]\"'“”«»")


def _merge_small(pieces: list[str], joiner: str) -> list[str]:
    """Attach fragments too short to be a need, or that qualify the previous one."""
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if (out and (_content_words(piece) < MIN_WORDS - 1 or _QUALIFIER.match(piece))) or (
            out and _content_words(out[-1]) < MIN_WORDS - 1
        ):
            out[-1] = f"{out[-1]}{joiner}{piece}"
        else:
            out.append(piece)
    return out


def _split_conjunctions(piece: str) -> list[str]:
    parts = _CONJUNCTIONS.split(piece)
    if len(parts) == 1:
        return [piece]
    # split only where both sides stand as needs of their own
    out = [parts[0]]
    joins = _CONJUNCTIONS.findall(piece)
    for join, part in zip(joins, parts[1:], strict=True):
        if _content_words(out[-1]) >= MIN_WORDS and _content_words(part) >= MIN_WORDS:
            out.append(part)
        else:
            out[-1] = f"{out[-1]}{join}{part}"
    return out


def as_need(piece: str) -> str:
    """A clause rewritten as the capacity it asks for: leading deficit words removed."""
    text = _strip(piece)
    for _ in range(3):
        stripped = _DEFICIT.sub("", _CONNECTOR.sub("", text, count=1), count=1).strip()
        if stripped == text or not stripped:
            break
        text = _strip(stripped)
    return text or _strip(piece)


def split_needs(statement: str) -> list[Need]:
    """The distinct needs of a statement, in the order written (at least one).

    A single-need statement stays one need whose query is the whole statement.
    """
    statement = statement.strip()
    pieces: list[str] = []
    for block in _LIST_SPLIT.split(statement):
        block = _strip(block or "")
        if not block:
            continue
        for sentence in _SENTENCE_SPLIT.split(block):
            clauses = _merge_small([_strip(c) for c in _COMMA_SPLIT.split(sentence)], ", ")
            for clause in clauses:
                pieces.extend(_strip(p) for p in _split_conjunctions(clause))
    pieces = _merge_small([p for p in pieces if p], ", ")
    if len(pieces) <= 1:
        text = as_need(statement) or statement
        return [Need(text=text, query=text)]
    if len(pieces) > MAX_NEEDS:
        head = pieces[: MAX_NEEDS - 1]
        pieces = [*head, ", ".join(pieces[MAX_NEEDS - 1 :])]
    needs = []
    seen: set[str] = set()
    for piece in pieces:
        text = as_need(piece)
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        needs.append(Need(text=text, query=text))
    return needs


