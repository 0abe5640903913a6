"""Where the catalogue repeats itself: verbatim copies, near-duplicates, programme families and
thematic overlaps, with clusters and word-level diffs.

Evidence for a pair:
* containment: the share of one description's 5-word phrases found in the other (the larger of
  the two directions), so a text copied inside a longer one still scores 1.0;
* cosine: similarity of the two initiatives' MiniLM vectors (mean of their passages);
* title stem: the named programme both titles start with ("Synthetic Drugs Detection Project -
  ...", "Next Generation Targeting Tools ... :"), compared word by word.

Class rules (evidence, not per-pair tuning; thresholds in `OverlapSettings`):
* verbatim: containment >= 0.9: the same description (or one inside the other) under two ids;
* near-duplicate: the same programme described twice: containment >= 0.5, or cosine >= 0.85 with
  a shared title phrase or containment >= 0.3 (twins that differ only in region or scope);
* family: distinct components of one named programme (a shared title stem of 3+ words);
* thematic-overlap: different programmes with cosine >= 0.75 (on this catalogue the top 0.3% of
  the 6,903 pairs: those a reader agrees serve the same need for the same audience).

Candidate pairs come from MinHash LSH (datasketch) over 5-word shingles plus each initiative's
nearest neighbours by cosine, so the work grows with the number of initiatives times the
neighbours kept, not with all pairs: at 10,000 initiatives the cosine step is a blocked
matrix product (about 10,000 x 10,000 x 384 multiply-adds, seconds) and MinHash is linear.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from matcher.corpus import Initiative
from matcher.metadata import TITLE_SPLIT, TITLE_STOP, title_stem, words


class OverlapClass(StrEnum):
    """Kinds of overlap, strongest first."""

    VERBATIM = "verbatim"
    NEAR_DUPLICATE = "near-duplicate"
    FAMILY = "family"
    THEMATIC = "thematic-overlap"


_STRENGTH = {c: n for n, c in enumerate(OverlapClass)}


@dataclass(frozen=True)
class OverlapSettings:
    """Thresholds of the class rules (see the module docstring for where they come from)."""

    shingle: int = 5
    verbatim_containment: float = 0.9
    near_containment: float = 0.5
    twin_cosine: float = 0.85
    twin_containment: float = 0.3
    family_stem_words: int = 3
    family_stem_similarity: float = 0.8
    thematic_cosine: float = 0.75
    neighbours: int = 10
    lsh_threshold: float = 0.3


@dataclass(frozen=True)
class OverlapPair:
    """Two initiatives that overlap, how, and why a person should believe it."""

    a: str
    b: str
    cls: OverlapClass
    score: float
    reason: str
    containment: float
    cosine: float
    differs: str

    def to_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "class": self.cls.value,
            "score": self.score,
            "reason": self.reason,
            "containment": self.containment,
            "cosine": self.cosine,
            "differs": self.differs,
        }


@dataclass(frozen=True)
class OverlapCluster:
    """A group of initiatives joined by overlaps, with a readable label."""

    label: str
    ids: tuple[str, ...]
    cls: OverlapClass

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "ids": list(self.ids), "class": self.cls.value}


@dataclass(frozen=True)
class DiffSegment:
    """A run of words that both descriptions share, or that only one has."""

    side: str  # "both", "a", "b"
    text: str


def shingles(text: str, n: int) -> set[tuple[str, ...]]:
    """Word n-grams of a text (the whole text as one shingle when shorter than n)."""
    w = words(text)
    if len(w) < n:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def containment(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """The larger share of either set found in the other (1.0 when one contains the other)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return max(shared / len(a), shared / len(b))


def shared_title_phrase(a: str, b: str, min_words: int = 3) -> str:
    """The longest run of 3+ content words both titles contain, or ""."""
    wa = [w for w in words(a) if w not in TITLE_STOP]
    wb = [w for w in words(b) if w not in TITLE_STOP]
    match = difflib.SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match()
    if match.size >= min_words:
        return " ".join(wa[match.a : match.a + match.size])
    return ""


def _stem_similarity(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def candidate_pairs(
    texts: Sequence[str], vectors: np.ndarray, settings: OverlapSettings
) -> set[tuple[int, int]]:
    """Pairs worth comparing: MinHash LSH neighbours and cosine nearest neighbours."""
    from datasketch import MinHash, MinHashLSH

    pairs: set[tuple[int, int]] = set()
    lsh = MinHashLSH(threshold=settings.lsh_threshold, num_perm=128)
    hashes = []
    for i, text in enumerate(texts):
        mh = MinHash(num_perm=128, seed=1)
        for sh in shingles(text, settings.shingle):
            mh.update(" ".join(sh).encode("utf-8"))
        hashes.append(mh)
        lsh.insert(str(i), mh)
    for i, mh in enumerate(hashes):
        for key in lsh.query(mh):
            j = int(key)
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    n = len(texts)
    k = min(settings.neighbours, n - 1)
    for start in range(0, n, 1024):  # blocked, so 10,000 items never need a full n x n matrix
        sims = vectors[start : start + 1024] @ vectors.T
        for row, i in enumerate(range(start, min(n, start + 1024))):
            sims[row, i] = -np.inf
            for j in np.argpartition(-sims[row], k)[:k] if k > 0 else []:
                pairs.add((min(i, int(j)), max(i, int(j))))
    return pairs


def _describe_difference(a: Initiative, b: Initiative) -> str:
    """What differs between two initiatives, in one line."""
    bits = []
    if set(a.organizations) != set(b.organizations):
        bits.append(
            f"organisations {', '.join(a.organizations) or 'unnamed'} vs "
            f"{', '.join(b.organizations) or 'unnamed'}"
        )
    if set(a.regions) != set(b.regions):
        bits.append(
            f"regions {', '.join(a.regions) or 'global'} vs {', '.join(b.regions) or 'global'}"
        )
    if a.sub_working_group != b.sub_working_group:
        bits.append(f"sub-working groups {a.sub_working_group} vs {b.sub_working_group}")
    ta = {w for w in words(a.title) if w not in TITLE_STOP}
    tb = {w for w in words(b.title) if w not in TITLE_STOP}
    only_a, only_b = sorted(ta - tb)[:4], sorted(tb - ta)[:4]
    if only_a or only_b:
        bits.append(f"title words {' '.join(only_a) or '-'} vs {' '.join(only_b) or '-'}")
    return "; ".join(bits) or "nothing but the id"


def classify_pair(
    a: Initiative, b: Initiative, cont: float, cosine: float, settings: OverlapSettings
) -> tuple[OverlapClass, str] | None:
    """The class of a pair and a one-line reason, or None when it is no overlap."""
    stem_a, stem_b = title_stem(a.title), title_stem(b.title)
    phrase = shared_title_phrase(a.title, b.title)
    if cont >= settings.verbatim_containment:
        shorter = (
            "the same text" if abs(len(a.text) - len(b.text)) < 20 else "one text inside the other"
        )
        return OverlapClass.VERBATIM, (
            f"{cont:.0%} of the shorter description's 5-word phrases recur in the other ({shorter})"
        )
    if cont >= settings.near_containment or (
        cosine >= settings.twin_cosine and (phrase or cont >= settings.twin_containment)
    ):
        why = f"cosine {cosine:.2f}, {cont:.0%} shared phrasing"
        if phrase:
            why += f", both titles name '{phrase}'"
        return OverlapClass.NEAR_DUPLICATE, why
    if (
        len(stem_a) >= settings.family_stem_words
        and _stem_similarity(stem_a, stem_b) >= settings.family_stem_similarity
    ):
        return OverlapClass.FAMILY, (
            f"components of one programme: both titles start '{' '.join(stem_a)}'"
        )
    if cosine >= settings.thematic_cosine:
        return (
            OverlapClass.THEMATIC,
            f"different programmes, cosine {cosine:.2f} on their descriptions",
        )
    return None


def find_overlaps(
    initiatives: Sequence[Initiative],
    vectors: np.ndarray,
    settings: OverlapSettings | None = None,
) -> list[OverlapPair]:
    """All overlapping pairs, strongest class first, then by score.

    Args:
        initiatives: The catalogue, in order.
        vectors: One unit vector per initiative (same order).
        settings: Class thresholds.
    """
    settings = settings or OverlapSettings()
    vectors = np.asarray(vectors, dtype=np.float32)
    texts = [ini.text for ini in initiatives]
    shingle_sets = [shingles(t, settings.shingle) for t in texts]
    found = []
    for i, j in sorted(candidate_pairs(texts, vectors, settings)):
        a, b = initiatives[i], initiatives[j]
        cont = containment(shingle_sets[i], shingle_sets[j])
        cosine = float(vectors[i] @ vectors[j])
        verdict = classify_pair(a, b, cont, cosine, settings)
        if verdict is None:
            continue
        cls, reason = verdict
        found.append(
            OverlapPair(
                a=a.id,
                b=b.id,
                cls=cls,
                score=round(max(cont, cosine), 4),
                reason=reason,
                containment=round(cont, 4),
                cosine=round(cosine, 4),
                differs=_describe_difference(a, b),
            )
        )
    return sorted(found, key=lambda p: (_STRENGTH[p.cls], -p.score, p.a, p.b))


def cluster_overlaps(
    pairs: Sequence[OverlapPair], initiatives: Sequence[Initiative]
) -> list[OverlapCluster]:
    """Connected groups of overlapping initiatives.

    Copies, twins and families are joined first (graph components); thematic overlaps then form
    their own groups among the initiatives they link, so one generic neighbour does not chain
    every treatment programme into a single cluster: a thematic link joins two initiatives only
    when they are each other's strongest thematic match and neither is already in a copy, twin
    or family group.
    """
    by_id = {ini.id: ini for ini in initiatives}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        parent[find(x)] = find(y)

    strong = [p for p in pairs if p.cls is not OverlapClass.THEMATIC]
    for p in strong:
        union(p.a, p.b)
    best: dict[str, OverlapPair] = {}
    for p in pairs:
        if p.cls is OverlapClass.THEMATIC:
            for x in (p.a, p.b):
                if x not in best or p.score > best[x].score:
                    best[x] = p
    in_strong = {x for p in strong for x in (p.a, p.b)}
    for p in pairs:
        if (
            p.cls is OverlapClass.THEMATIC
            and best.get(p.a) is p
            and best.get(p.b) is p
            and not ({p.a, p.b} & in_strong)
        ):
            union(p.a, p.b)
    groups: dict[str, list[str]] = {}
    for x in list(parent):
        groups.setdefault(find(x), []).append(x)
    clusters = []
    order = {ini.id: n for n, ini in enumerate(initiatives)}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda x: order.get(x, 0))
        inside = [p for p in pairs if p.a in members and p.b in members]
        if not inside:
            continue
        cls = min((p.cls for p in inside), key=lambda c: _STRENGTH[c])
        clusters.append(OverlapCluster(_label([by_id[m] for m in members]), tuple(members), cls))
    return sorted(clusters, key=lambda c: (_STRENGTH[c.cls], -len(c.ids), c.ids))


def _label(members: Sequence[Initiative]) -> str:
    """A readable name: the programme name the titles share, else the title phrase two members
    share, else the title words most members use."""
    stems = [" ".join(title_stem(m.title)) for m in members]
    for m, stem in zip(members, stems, strict=True):
        if stem and sum(_stem_similarity(stem.split(), o.split()) >= 0.8 for o in stems) >= 2:
            return shorten(TITLE_SPLIT.split(m.title, maxsplit=1)[0], 80)
    if len(members) == 2:
        phrase = shared_title_phrase(members[0].title, members[1].title)
        if phrase:
            return phrase.capitalize()
        return shorten(min((m.title for m in members), key=len), 70)
    counts: dict[str, int] = {}
    for m in members:
        for w in dict.fromkeys(w for w in words(m.title) if w not in TITLE_STOP and len(w) > 2):
            counts[w] = counts.get(w, 0) + 1
    common = [w for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2][:4]
    if common:
        return " / ".join(common)
    return shorten(members[0].title, 70)


def shorten(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-(") + "…"


def diff_words(a: str, b: str) -> list[DiffSegment]:
    """Word-level diff: runs shared by both texts, and runs only in A or only in B."""
    wa, wb = a.split(), b.split()
    segments: list[DiffSegment] = []
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(DiffSegment("both", " ".join(wa[i1:i2])))
            continue
        if i2 > i1:
            segments.append(DiffSegment("a", " ".join(wa[i1:i2])))
        if j2 > j1:
            segments.append(DiffSegment("b", " ".join(wb[j1:j2])))
    return segments


def diff_summary(segments: Sequence[DiffSegment]) -> dict[str, int]:
    """Word counts shared, only in A and only in B."""
    out = {"both": 0, "a": 0, "b": 0}
    for s in segments:
        out[s.side] += len(s.text.split())
    return out
