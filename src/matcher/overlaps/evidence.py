"""What two initiatives' titles and metadata share, and where they differ: the evidence for
twins (the same programme for another region or audience) and the "what differs" column."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from functools import lru_cache

from matcher.catalogue.model import Initiative
from matcher.catalogue.relations import is_place
from matcher.reading.metadata import TITLE_STOP, regions_compatible, title_stem, words


@lru_cache(maxsize=65536)
def _title_tokens(title: str) -> tuple[str, ...]:
    """A title's lower-cased words (cached: each title is compared with many others)."""
    return tuple(words(title))


@lru_cache(maxsize=65536)
def _title_content(title: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A title's words but stop words, in order and as a set (cached)."""
    kept = tuple(w for w in _title_tokens(title) if w not in TITLE_STOP)
    return kept, frozenset(kept)


@lru_cache(maxsize=65536)
def title_stem_of(title: str) -> tuple[str, ...]:
    """metadata.title_stem, cached and as a tuple."""
    return tuple(title_stem(title))


def shared_title_phrase(a: str, b: str, min_words: int = 3) -> str:
    """The longest run of 3+ content words both titles contain, or ""."""
    (wa, sa), (wb, sb) = _title_content(a), _title_content(b)
    if len(sa & sb) < min_words:  # no run of min_words without as many shared words
        return ""
    match = difflib.SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match()
    if match.size >= min_words:
        return " ".join(wa[match.a : match.a + match.size])
    return ""


def stem_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """How alike two title stems are (difflib ratio over words)."""
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


# Words that name who a programme is for: the same programme for another of these is a twin.
_AUDIENCES = frozenset(
    "women girls gender adolescents adolescent youth children students prisoners judges "
    "prosecutors police customs postal forensic parliamentarians legislators policymakers "
    "journalists doctors nurses pharmacists universities schools families".split()
)
# Words any programme's title may use: they say what kind of work, not which programme.
_GENERIC_TITLE = frozenset(
    "training program programme programs programmes initiative project capacity capacities "
    "building build enhancing enhance enhancement strengthening strengthen development "
    "developing technical assistance support improving improve increase increasing "
    "implementation use using through national international global regional countries".split()
)


def _stem(word: str) -> str:
    return word[:6]


def _title_words(ini: Initiative) -> set[str]:
    """A title's words (stems), without places, audiences and generic words."""
    return {
        _stem(w)
        for w in words(ini.title)
        if w not in TITLE_STOP
        and w not in _GENERIC_TITLE
        and w not in _AUDIENCES
        and len(w) > 2
        and not is_place(w.capitalize())
    }


@lru_cache(maxsize=65536)
def title_subject_words(title: str) -> frozenset[str]:
    """What a title is about: its words but stop words, generic words ("training", "program"),
    audiences and places, whole (a plural -s folded), so "counter" and "counterdrug" differ."""
    return frozenset(
        w[:-1] if w.endswith("s") and len(w) > 4 else w
        for w in _title_tokens(title)
        if w not in TITLE_STOP
        and w not in _GENERIC_TITLE
        and w not in _AUDIENCES
        and len(w) > 2
        and not is_place(w.capitalize())
    )


def distinctive_title_words(
    initiatives: Sequence[Initiative], share: float = 0.04
) -> list[frozenset[str]]:
    """Each title's words (stems) but those in more than `share` of the titles ("drug", "use",
    "prevention" in this catalogue): those say what field a programme is in, not which
    programme it is."""
    title_words = [_title_words(ini) for ini in initiatives]
    counts: dict[str, int] = {}
    for ws in title_words:
        for w in ws:
            counts[w] = counts.get(w, 0) + 1
    limit = max(2, share * len(initiatives))
    return [frozenset(w for w in ws if counts[w] <= limit) for ws in title_words]


def title_share(wa: frozenset[str], wb: frozenset[str]) -> float:
    """The share of the shorter title's distinctive words the other title has (0 unless they
    share two)."""
    shared = len(wa & wb)
    if shared < 2:
        return 0.0
    return shared / min(len(wa), len(wb))


@lru_cache(maxsize=4096)
def _regions_differ(ra: tuple[str, ...], rb: tuple[str, ...]) -> bool:
    """Offered in different places: one global and one regional, or regions neither contains."""
    if set(ra) == set(rb):
        return False
    if not ra or not rb:
        return True
    return not (
        all(any(regions_compatible(x, y) for y in rb) for x in ra)
        and all(any(regions_compatible(x, y) for y in ra) for x in rb)
    )


def differences(a: Initiative, b: Initiative) -> tuple[str, ...]:
    """How two versions of one programme differ: "region", "audience" (who it is for)."""
    out = []
    if _regions_differ(tuple(a.regions), tuple(b.regions)):
        out.append("region")
    if _AUDIENCES.intersection(_title_tokens(a.title)) != _AUDIENCES.intersection(
        _title_tokens(b.title)
    ):
        out.append("audience")
    return tuple(out)


@lru_cache(maxsize=65536)
def _metadata_differences(
    orgs_a: tuple[str, ...],
    orgs_b: tuple[str, ...],
    regions_a: tuple[str, ...],
    regions_b: tuple[str, ...],
    swg_a: str,
    swg_b: str,
) -> tuple[str, ...]:
    """Organisations, regions and sub-working groups that differ (cached: few combinations)."""
    bits = []
    if set(orgs_a) != set(orgs_b):
        bits.append(
            f"organisations {', '.join(orgs_a) or 'unnamed'} vs {', '.join(orgs_b) or 'unnamed'}"
        )
    if set(regions_a) != set(regions_b):
        bits.append(
            f"regions {', '.join(regions_a) or 'global'} vs {', '.join(regions_b) or 'global'}"
        )
    if swg_a != swg_b:
        bits.append(f"sub-working groups {swg_a} vs {swg_b}")
    return tuple(bits)


def describe_difference(a: Initiative, b: Initiative) -> str:
    """What differs between two initiatives, in one line."""
    bits = list(
        _metadata_differences(
            a.organizations,
            b.organizations,
            a.regions,
            b.regions,
            a.sub_working_group,
            b.sub_working_group,
        )
    )
    ta, tb = _title_content(a.title)[1], _title_content(b.title)[1]
    only_a, only_b = sorted(ta - tb)[:4], sorted(tb - ta)[:4]
    if only_a or only_b:
        bits.append(f"title words {' '.join(only_a) or '-'} vs {' '.join(only_b) or '-'}")
    return "; ".join(bits) or "nothing but the id"
