"""The demand picture from recorded searches: the needs most asked, the gaps that recur, the
programmes most matched, and each of those by the writer's region.

Needs are grouped by a clustering of their texts: two needs fall together when their content
words (lower-cased, short and common words dropped, a plural -s folded) overlap by at least
`SIMILAR` (Jaccard), greedily, the most asked text first; a group is named by its most asked
text. Pure functions over `DemandSearch` records, so any store or test can feed them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from matcher.demand.store import DemandSearch
from matcher.text import csv_text

SIMILAR = 0.5
TOP = 20
UNKNOWN_REGION = "not read"
_COMMON = frozenset(
    "the and for with our are have has not need needs lack help want would like from into this "
    "that their its any all more support national".split()
)


@dataclass(frozen=True)
class NeedGroup:
    """Needs read alike: the group's name (its most asked text), how often, and its texts."""

    label: str
    count: int
    texts: tuple[str, ...]
    programmes: tuple[str, ...] = ()
    """The ids that served the group's needs, most often first (none for a gap)."""


@dataclass(frozen=True)
class ProgrammeCount:
    id: str
    title: str
    count: int


@dataclass(frozen=True)
class RegionPicture:
    region: str
    searches: int
    needs: tuple[NeedGroup, ...]
    gaps: tuple[NeedGroup, ...]
    programmes: tuple[ProgrammeCount, ...]


@dataclass(frozen=True)
class DemandPicture:
    """The report of `matcher demand` and `GET /demand`."""

    since: str
    searches: int
    needs: int
    most_asked: tuple[NeedGroup, ...]
    recurring_gaps: tuple[NeedGroup, ...]
    most_matched: tuple[ProgrammeCount, ...]
    by_region: tuple[RegionPicture, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def content_words(text: str) -> frozenset[str]:
    """The words a need is about: lower-cased, three letters or more, common words dropped."""
    words = re.findall(r"\w{3,}", text.lower())
    return frozenset(w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words) - _COMMON


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def group_needs(
    texts: Sequence[str], served_by: Sequence[Sequence[str]] | None = None
) -> list[NeedGroup]:
    """Group need texts read alike, most asked first (ties: alphabetical)."""
    served_by = served_by or [() for _ in texts]
    counts = Counter(" ".join(t.split()) for t in texts)
    ids_of: dict[str, Counter[str]] = {}
    for text, ids in zip(texts, served_by, strict=True):
        ids_of.setdefault(" ".join(text.split()), Counter()).update(ids)
    groups: list[tuple[frozenset[str], list[str]]] = []
    for text, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        words = content_words(text)
        home = next((g for g in groups if _jaccard(g[0], words) >= SIMILAR), None)
        if home is None:
            groups.append((words, [text]))
        else:
            home[1].append(text)
    out = []
    for _, members in groups:
        served: Counter[str] = Counter()
        for member in members:
            served.update(ids_of[member])
        out.append(
            NeedGroup(
                members[0],
                sum(counts[m] for m in members),
                tuple(members),
                tuple(i for i, _ in sorted(served.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return sorted(out, key=lambda g: (-g.count, g.label))


def _programmes(
    searches: Sequence[DemandSearch], titles: Mapping[str, str]
) -> list[ProgrammeCount]:
    counts = Counter(i for s in searches for n in s.needs for i in set(n.ids))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [ProgrammeCount(i, titles.get(i, ""), c) for i, c in ranked[:TOP]]


def _needs(searches: Sequence[DemandSearch], gaps: bool) -> list[NeedGroup]:
    needs = [n for s in searches for n in s.needs if not gaps or n.status == "gap"]
    return group_needs([n.text for n in needs], [n.ids for n in needs])


def demand_picture(
    searches: Sequence[DemandSearch], titles: Mapping[str, str] | None = None, since: str = ""
) -> DemandPicture:
    """The picture of the recorded searches; `titles` names the programmes by id."""
    titles = titles or {}
    gaps = [g for g in _needs(searches, gaps=True) if g.count >= 2]
    regions: dict[str, list[DemandSearch]] = {}
    for s in searches:
        regions.setdefault(s.region or UNKNOWN_REGION, []).append(s)
    by_region = tuple(
        RegionPicture(
            region,
            len(found),
            tuple(_needs(found, gaps=False)[:TOP]),
            tuple(_needs(found, gaps=True)[:TOP]),
            tuple(_programmes(found, titles)[:TOP]),
        )
        for region, found in sorted(regions.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    return DemandPicture(
        since=since,
        searches=len(searches),
        needs=sum(len(s.needs) for s in searches),
        most_asked=tuple(_needs(searches, gaps=False)[:TOP]),
        recurring_gaps=tuple(gaps[:TOP]),
        most_matched=tuple(_programmes(searches, titles)),
        by_region=by_region,
    )


CSV_FIELDS = ("section", "region", "label", "count", "ids")


def picture_csv(picture: DemandPicture) -> str:
    """One row per need group, gap group and programme, overall and by region."""
    rows: list[dict[str, object]] = []

    def add(
        section: str, region: str, groups: Sequence[NeedGroup], programmes: Sequence[ProgrammeCount]
    ) -> None:
        rows.extend(
            {
                "section": section,
                "region": region,
                "label": g.label,
                "count": g.count,
                "ids": "; ".join(g.programmes),
            }
            for g in groups
        )
        rows.extend(
            {
                "section": "programme",
                "region": region,
                "label": p.title,
                "count": p.count,
                "ids": p.id,
            }
            for p in programmes
        )

    add("need", "", picture.most_asked, picture.most_matched)
    rows.extend(
        {"section": "recurring-gap", "region": "", "label": g.label, "count": g.count, "ids": ""}
        for g in picture.recurring_gaps
    )
    for region in picture.by_region:
        add("need", region.region, region.needs, region.programmes)
        rows.extend(
            {
                "section": "gap",
                "region": region.region,
                "label": g.label,
                "count": g.count,
                "ids": "",
            }
            for g in region.gaps
        )
    return csv_text(CSV_FIELDS, rows)
