"""The records the engine returns: small frozen dataclasses that `to_dict` turns into JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Match:
    """One initiative in a result list, with why it matched."""

    id: str
    title: str
    score: float
    match: str
    sub_working_group: str
    sub_working_group_title: str
    organizations: tuple[str, ...]
    regions: tuple[str, ...]
    passage: str
    highlights: tuple[str, ...]
    confidence: float
    region_note: str = ""
    needs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("organizations", "regions", "highlights", "needs"):
            data[key] = list(data[key])
        return data


@dataclass(frozen=True)
class NeedCoverage:
    """One need stated in a query, its best programmes, and whether any serves it strongly."""

    text: str
    covered: bool
    results: tuple[str, ...]
    best_confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "covered": self.covered,
            "results": list(self.results),
            "best_confidence": self.best_confidence,
        }


@dataclass(frozen=True)
class SearchResult:
    """A ranked answer to one statement, with its needs and anything the user should know."""

    query: str
    results: tuple[Match, ...]
    needs: tuple[NeedCoverage, ...] = ()
    query_regions: tuple[str, ...] = ()
    notices: tuple[str, ...] = field(default=())

    @property
    def gaps(self) -> tuple[str, ...]:
        """Needs that nothing in the catalogue serves strongly."""
        return tuple(n.text for n in self.needs if not n.covered)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "results": [m.to_dict() for m in self.results],
            "needs": [n.to_dict() for n in self.needs],
            "gaps": list(self.gaps),
            "query_regions": list(self.query_regions),
            "notices": list(self.notices),
        }
