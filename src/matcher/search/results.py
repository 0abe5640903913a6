"""The records the engine returns: small frozen dataclasses that `to_dict` turns into JSON."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from matcher.reading.model import ClauseRead, ContextRead


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
    shown_for: str = ""
    """The need this card stands where it does for: results take turns among the needs, so a
    weak match for one need may come before a partial match for another. Empty when the
    statement is searched as one text."""
    rank_for_need: int = 0
    """Its place among the cards shown for `shown_for` (1: the first for that need)."""

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
    status: str = "served"
    """`served` (`results`: the programmes that serve it), `gap` (nothing in the catalogue),
    `other-region-only` (offered only to other regions: `results` then names those
    programmes), or `out-of-scope` (the statement lies outside the catalogue's field)."""
    p_gap: float = 0.0
    """The probability that nothing open to the writer serves this need."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "covered": self.covered,
            "status": self.status,
            "p_gap": self.p_gap,
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
    context: ContextRead = field(default_factory=ContextRead)
    clauses: tuple[ClauseRead, ...] = ()
    country: str = ""
    """The writer's country as given (`--country`, the API's `country`); "" when not given."""

    @property
    def gaps(self) -> tuple[str, ...]:
        """Needs that nothing in the catalogue serves (gaps, and the needs of a statement
        outside the catalogue's field)."""
        return tuple(n.text for n in self.needs if n.status in ("gap", "out-of-scope"))

    @property
    def other_region_only(self) -> tuple[str, ...]:
        """Needs served only by programmes limited to other regions than the writer's."""
        return tuple(n.text for n in self.needs if n.status == "other-region-only")

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "results": [m.to_dict() for m in self.results],
            "needs": [n.to_dict() for n in self.needs],
            "gaps": list(self.gaps),
            "other_region_only": list(self.other_region_only),
            "query_regions": list(self.query_regions),
            "context": self.context.to_dict(),
            "clauses": [c.to_dict() for c in self.clauses],
            "notices": list(self.notices),
            "country": self.country or None,
        }


@dataclass(frozen=True)
class CatalogueVersion:
    """Which catalogue an answer was read from: what a printed brief cites as its source."""

    corpus_hash: str
    initiatives: int
    index_created: str = ""
    """When the index over this catalogue was built (ISO 8601, UTC)."""
    package_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def batch_line(qid: str, result: SearchResult | None, error: str = "") -> dict[str, Any]:
    """One answer of a batch search (`matcher search --batch`, `POST /search/batch`): the ids and
    scores, the needs and the context; or, for a query that could not be searched, the error."""
    if result is None:
        return {"qid": qid, "results": [], "needs": [], "context": None, "error": error}
    return {
        "qid": qid,
        "results": [{"id": m.id, "score": m.score} for m in result.results],
        "needs": [n.to_dict() for n in result.needs],
        "context": result.context.to_dict(),
    }


def similar_payload(base_id: str, similar: Sequence[tuple[Any, float]]) -> dict[str, Any]:
    """The initiatives closest to one (`matcher similar --json`, `GET /initiatives/{id}/similar`):
    `similar` holds (initiative, cosine) pairs as `Matcher.similar` returns them."""
    return {
        "id": base_id,
        "similar": [{"id": ini.id, "title": ini.title, "similarity": s} for ini, s in similar],
    }
