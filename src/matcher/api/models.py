"""Pydantic models of the HTTP API: every request and response, with the CLI's limits.

Responses mirror the CLI's JSON output field for field (`results.py`, `overlap_report.to_dict`);
the server sends those dicts as they are and the models document them in the OpenAPI schema
(an initiative and a build report are documented by their own dataclasses, `Initiative` and
`BuildReport`) (the contract tests check every response against it). Requests are strict:
unknown fields, a string where a number belongs and a number where a string belongs are refused
with 422, never coerced.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.brief.model import BriefFormat
from matcher.catalogue.model import Initiative
from matcher.overlaps.detect import OverlapClass
from matcher.reading.statement import ClauseKind
from matcher.search.calibration import NeedStatus
from matcher.search.explain import MatchLabel
from matcher.settings import MAX_K, MAX_QUERY_CHARS

MAX_STATEMENT_CHARS = 4 * MAX_QUERY_CHARS
"""A statement longer than this is refused (422); one longer than MAX_QUERY_CHARS is searched on
its first MAX_QUERY_CHARS characters with a notice, as the CLI does."""

MAX_BATCH = 100
"""Statements in one `POST /search/batch`."""

MAX_FILTER_CHARS = 200
ID_PATTERN = r"^\s*[0-9]{4}[A-Za-z]?\s*$"
"""An initiative id: four digits with an optional letter (`2206A`), any case."""

Statement = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_STATEMENT_CHARS,
        description=(
            "The needs statement, in any language. It must contain a letter or digit; text past "
            f"{MAX_QUERY_CHARS} characters is dropped with a notice, and more than "
            f"{MAX_STATEMENT_CHARS} characters is refused."
        ),
        examples=["We need training for customs officers on fentanyl in postal parcels."],
    ),
]


K = Annotated[
    int,
    Field(
        ge=1, le=MAX_K, description=f"How many results (1-{MAX_K}), a whole number: 5.0 is refused."
    ),
]
FilterValue = Annotated[str, Field(min_length=1, max_length=MAX_FILTER_CHARS)]
InitiativeId = Annotated[str, Field(pattern=ID_PATTERN, max_length=12, examples=["1209"])]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SearchOptions(_Request):
    """What narrows a search: the CLI's `--k`, `--swg`, `--org`, `--region`, `--min-score`."""

    k: K = 10
    swg: FilterValue | None = Field(
        None, description="Only this sub-working group, e.g. `1.2` (422 lists the choices)."
    )
    org: FilterValue | None = Field(
        None,
        description="Only initiatives naming this organisation, e.g. `WCO`, any case "
        "(422 lists the choices).",
    )
    region: FilterValue | None = Field(
        None,
        description="Only initiatives limited to this region, or `global` for those open to "
        "all (422 lists the choices).",
    )
    min_score: float = Field(
        0.0, ge=0.0, le=1.0, allow_inf_nan=False, description="Drop results scoring below this."
    )


Country = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_FILTER_CHARS,
        description="The writer's country, a name or ISO code (`matcher search --country`); "
        "default: the first place the statement names. An unknown name is a 422.",
    ),
]


class SearchRequest(SearchOptions):
    """One statement to search (`matcher search --json`)."""

    query: Statement
    country: Country | None = None


class BatchQuery(_Request):
    """One statement of a batch, with the caller's id for it."""

    qid: Annotated[str, Field(min_length=1, max_length=MAX_FILTER_CHARS)]
    query: Annotated[str, Field(max_length=MAX_STATEMENT_CHARS)]
    country: Country | None = None


class BatchRequest(SearchOptions):
    """Several statements searched with the same options (`matcher search --batch`)."""

    queries: Annotated[list[BatchQuery], Field(min_length=1, max_length=MAX_BATCH)]


class BriefRequest(_Request):
    """A country brief (`matcher brief`)."""

    query: Statement
    k: K = 10
    format: BriefFormat = Field(BriefFormat.MARKDOWN, strict=False)  # JSON gives a string
    shortlist: Annotated[list[InitiativeId], Field(max_length=MAX_K)] | None = Field(
        None, description="Exactly these initiatives, in this order (default: the top `k`)."
    )
    lang: Literal["en", "es", "fr", "pt", "ru", "ar"] | None = Field(
        None, description="The brief's language (default: the statement's)."
    )


# ---------------------------------------------------------------------- responses
class ErrorBody(BaseModel):
    """Every error: one line saying what is wrong and what to do, and a stable code."""

    error: str
    code: str


class MatchOut(BaseModel):
    id: str
    title: str
    score: float
    match: MatchLabel
    sub_working_group: str
    sub_working_group_title: str
    organizations: list[str]
    regions: list[str]
    passage: str
    highlights: list[str]
    confidence: float
    region_note: str
    needs: list[str]
    shown_for: str
    rank_for_need: int


class NeedOut(BaseModel):
    text: str
    covered: bool
    status: NeedStatus
    p_gap: float
    results: list[str]
    best_confidence: float


class ContextOut(BaseModel):
    places: list[str]
    actors: list[str]
    existing: list[str]


class ClauseOut(BaseModel):
    text: str
    kind: ClauseKind
    probability: float


class SearchResponse(BaseModel):
    """Exactly what `matcher search --json` prints."""

    query: str
    results: list[MatchOut]
    needs: list[NeedOut]
    gaps: list[str]
    other_region_only: list[str]
    query_regions: list[str]
    context: ContextOut
    clauses: list[ClauseOut]
    notices: list[str]
    country: str | None


class ScoredId(BaseModel):
    id: str
    score: float


class BatchLine(BaseModel):
    """One line of `matcher search --batch`; `error` is present only for a statement that could
    not be searched (its lists are then empty and `context` null)."""

    qid: str
    results: list[ScoredId]
    needs: list[NeedOut]
    context: ContextOut | None
    error: str | None = None


class BatchResponse(BaseModel):
    lines: list[BatchLine]


class InitiativeList(BaseModel):
    count: int
    initiatives: list[Initiative]


class SimilarItem(BaseModel):
    id: str
    title: str
    similarity: float


class SimilarResponse(BaseModel):
    """What `matcher similar --json` prints."""

    id: str
    similar: list[SimilarItem]


class OverlapPairOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    a: str
    b: str
    cls: OverlapClass = Field(alias="class")
    score: float
    reason: str
    containment: float
    cosine: float
    differs: str


class OverlapClusterOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    label: str
    ids: list[str]
    cls: OverlapClass = Field(alias="class")


class OverlapsResponse(BaseModel):
    """What `matcher overlaps --json` prints."""

    pairs: list[OverlapPairOut]
    clusters: list[OverlapClusterOut]


class ReviewItemOut(BaseModel):
    """A candidate pair still to review (`matcher review list --json`)."""

    model_config = ConfigDict(populate_by_name=True)

    a: str
    b: str
    cls: str = Field(alias="class", description="An overlap class, or `candidate`.")
    score: float
    reason: str
    containment: float
    cosine: float
    differs: str
    look: float = Field(description="How worth a look the pair is (the queue's order).")
    relation: str
    changed_since_decided: bool
    earlier_decision: str | None = None
    diff: str


class ReviewQueueResponse(BaseModel):
    queue: list[ReviewItemOut]


class DecideRequest(_Request):
    """A reviewer's decision on a pair (`matcher review decide`)."""

    a: InitiativeId
    b: InitiativeId
    decision: Literal["duplicate", "family", "overlap", "not-related"]
    note: str = Field("", max_length=2000)


class ReviewOut(BaseModel):
    a: str
    b: str
    decision: str
    note: str
    text_hash: str
    decided_at: str


class DecisionRow(BaseModel):
    a: str
    title_a: str
    b: str
    title_b: str
    decision: str
    note: str
    decided_at: str
    changed: bool


class DecisionsResponse(BaseModel):
    """Every recorded decision (`matcher review export --format json`)."""

    decisions: list[DecisionRow]


class Health(BaseModel):
    status: str


class IndexSummary(BaseModel):
    index_dir: str
    created_at: str
    counts: dict[str, int]
    models: dict[str, str]
    corpus_hash: str


class Ready(BaseModel):
    """The index is loaded and the models answer."""

    status: str
    initiatives: int
    index: IndexSummary
    loaded_at: float
    reloads: int
    pending: str | None = Field(
        None, description="A newer index or catalogue on disk that cannot be opened yet, and why."
    )


class ImportResponse(BaseModel):
    imported: int
    initiatives: int
    note: str
