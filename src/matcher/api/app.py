"""The HTTP API: a FastAPI application over the Matcher facade, with the CLI's JSON contracts.

`create_app(live)` builds the application over a LiveMatcher (live.py), which reopens the index
when another process rebuilt it; service.py runs it (`matcher serve`). Its guards (error shape,
body cap, token, settings) are in api_guards.py, its request and response models in
api_models.py.

Reading is open. What changes state (a catalogue import, an index rebuild, a review decision)
needs the bearer token of `MATCHER_API_TOKEN`; without one configured those endpoints answer
403. CORS is off unless `MATCHER_CORS_ORIGINS` lists origins.
"""

from __future__ import annotations

import io
import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from matcher.api.config import ServerSettings
from matcher.api.demand import install_demand, record_search
from matcher.api.docs_assets import install_docs
from matcher.api.guards import (
    BodySizeLimit,
    NotFound,
    TooMuchWork,
    UnexpectedErrors,
    WorkInFlight,
    cors,
    documented_errors,
    install_error_handlers,
    require_token,
)
from matcher.api.interest import router as interest_router
from matcher.api.live import LiveMatcher
from matcher.api.models import (
    ID_PATTERN,
    BatchRequest,
    BatchResponse,
    BriefRequest,
    DecideRequest,
    DecisionsResponse,
    Health,
    ImportResponse,
    InitiativeList,
    OverlapsResponse,
    Ready,
    ReviewOut,
    ReviewQueueResponse,
    SearchRequest,
    SearchResponse,
    SimilarResponse,
)
from matcher.brief.model import FORMATS, BriefFormat
from matcher.brief.render import render_bytes
from matcher.catalogue.changes import import_catalogue
from matcher.catalogue.model import Initiative
from matcher.catalogue.parse import load_corpus, parse_records
from matcher.errors import InputError
from matcher.facade import Filters, Matcher
from matcher.overlaps import report as overlap_report
from matcher.overlaps.detect import OverlapClass
from matcher.overlaps.reviews import ReviewStore, default_reviews_dir, export_rows, review_queue
from matcher.search.index_build import BuildReport, build_index
from matcher.search.results import batch_line, similar_payload
from matcher.settings import MAX_K, MAX_QUERY_CHARS
from matcher.version import __version__

log = logging.getLogger("matcher.server")

# ---------------------------------------------------------------------- the app
InitiativePath = Annotated[
    str, PathParam(pattern=ID_PATTERN, max_length=12, description="e.g. 1209 or 2206A")
]


def _brief_responses() -> dict[int | str, dict[str, Any]]:
    """The 200 response of /brief: one content type per format the brief module knows."""
    content: dict[str, Any] = {}
    for fmt in BriefFormat:
        media = media_type(fmt)
        text = media.startswith("text/")
        content[media] = {
            "schema": {"type": "string"} if text else {"type": "string", "format": "binary"}
        }
    content["application/json"] = {"schema": {"type": "object"}}
    return {200: {"description": "The brief in the asked format.", "content": content}}


def media_type(fmt: BriefFormat) -> str:
    """The content type a brief format is sent with (the brief module's table)."""
    return FORMATS[fmt].media_type.split(";")[0]


def _filters(body: SearchRequest | BatchRequest) -> Filters:
    return Filters(body.swg, body.org, body.region)


def _get(matcher: Matcher, initiative_id: str) -> dict[str, Any]:
    return dict(_known(matcher, initiative_id).to_dict())


def create_app(live: LiveMatcher, settings: ServerSettings | None = None) -> FastAPI:
    """The API over one (live) Matcher."""
    settings = settings or ServerSettings()
    app = FastAPI(
        title="Coalition Matcher API",
        version=__version__,
        description=(
            "Match a country's needs statement to the Global Coalition's capacity-building "
            "initiatives, read its needs and gaps, and find overlaps in the catalogue. The JSON "
            "of each endpoint is what the `matcher` CLI prints with `--json`."
        ),
        docs_url=None,  # docs_assets.py serves /docs and /redoc without a CDN
        redoc_url=None,
    )
    install_docs(app)
    install_error_handlers(app)
    app.state.live = live
    # the last added is outermost: CORS wraps every answer, the 413 and the 500 included
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(
        BodySizeLimit, limit=settings.max_body_bytes, timeout=settings.body_timeout
    )
    if settings.cors_origins:
        app.add_middleware(cors, origins=settings.cors_origins)
    guarded = [Depends(require_token(settings.token))]
    in_flight = WorkInFlight(settings.max_needs_in_flight)

    @app.get("/health", response_model=Health, tags=["service"])
    def health() -> dict[str, str]:
        """The process is up (it may still be loading; see `/ready`). HEAD answers too."""
        return {"status": "ok"}

    app.head("/health", include_in_schema=False)(health)  # load balancers probe with HEAD

    @app.get("/ready", response_model=Ready, tags=["service"], responses=documented_errors(503))
    def ready() -> dict[str, Any]:
        """The index is loaded and the models answer: its manifest summary."""
        matcher = live.current()
        manifest = matcher.index.manifest
        return {
            "status": "ready",
            "initiatives": len(matcher.corpus),
            "index": {
                "index_dir": str(matcher.index_dir),
                "created_at": manifest["created_at"],
                "counts": manifest["counts"],
                "models": {k: v["name"] for k, v in manifest["models"].items()},
                "corpus_hash": manifest["corpus_hash"],
            },
            "loaded_at": live.loaded_at,
            "reloads": live.reloads,
            "pending": live.pending.reason if live.pending else None,
        }

    @app.post(
        "/search",
        response_model=SearchResponse,
        tags=["search"],
        responses=documented_errors(413, 422),
    )
    def search(body: SearchRequest, request: Request) -> Response:
        """Initiatives for a needs statement, with its needs, gaps and context: exactly what
        `matcher search --json` prints for the same input."""
        result = live.current().search(
            body.query,
            k=body.k,
            filters=_filters(body),
            min_score=body.min_score,
            country=body.country,
        )
        record_search(request, result)  # only when MATCHER_DEMAND=on (api/demand.py)
        return JSONResponse(result.to_dict())

    @app.post(
        "/search/batch",
        response_model=BatchResponse,
        tags=["search"],
        responses=documented_errors(413, 422, 429),
    )
    def search_batch(body: BatchRequest) -> Response:
        """Several statements with the same options; one line each, as `matcher search --batch`
        prints them. A bad filter fails the whole batch (422); a statement that cannot be
        searched gets its own `error` and the others their answers. A batch asking for more
        than MATCHER_MAX_BATCH_NEEDS needs in all is refused (413) before any search."""
        needs = check_work(body, settings.max_batch_needs)
        in_flight.take(needs)
        try:
            return JSONResponse({"lines": _batch_lines(live.current(), body)})
        finally:
            in_flight.give_back(needs)

    @app.post(
        "/brief",
        tags=["search"],
        response_class=Response,
        responses={**_brief_responses(), **documented_errors(413, 422)},
    )
    def brief(body: BriefRequest) -> Response:
        """A country brief in one of the brief module's formats (`matcher brief`)."""
        made = live.current().brief(body.query, shortlist=body.shortlist, k=body.k)
        fmt = BriefFormat(body.format)
        content = render_bytes(made, fmt, body.lang)
        return Response(content, media_type=FORMATS[fmt].media_type)

    @app.get("/initiatives", response_model=InitiativeList, tags=["catalogue"])
    def initiatives() -> Response:
        """Every initiative of the catalogue, in page order."""
        corpus = live.current().corpus
        return JSONResponse(
            {"count": len(corpus), "initiatives": [ini.to_dict() for ini in corpus]}
        )

    @app.get(
        "/initiatives/{initiative_id}",
        response_model=Initiative,
        tags=["catalogue"],
        responses=documented_errors(404, 422),
    )
    def initiative(initiative_id: InitiativePath) -> Response:
        """One initiative (`matcher show --json`)."""
        return JSONResponse(_get(live.current(), initiative_id))

    @app.get(
        "/initiatives/{initiative_id}/similar",
        response_model=SimilarResponse,
        tags=["catalogue"],
        responses=documented_errors(404, 422),
    )
    def similar(
        initiative_id: InitiativePath,
        k: Annotated[int, Query(ge=1, le=MAX_K, description=f"How many (1-{MAX_K}).")] = 5,
    ) -> Response:
        """The initiatives closest in meaning to one (`matcher similar --json`)."""
        matcher = live.current()
        base = _get(matcher, initiative_id)["id"]
        return JSONResponse(similar_payload(base, matcher.similar(base, k=k)))

    @app.get(
        "/overlaps",
        response_model=OverlapsResponse,
        tags=["catalogue"],
        responses=documented_errors(422),
    )
    def overlaps(
        cls: Annotated[OverlapClass | None, Query(alias="class")] = None,
        min_score: Annotated[float, Query(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.0,
    ) -> Response:
        """Duplicate and overlapping initiatives with their clusters (`matcher overlaps --json`)."""
        pairs, clusters = live.current().overlaps(
            cls=cls.value if cls else None, min_score=min_score
        )
        return JSONResponse(overlap_report.to_dict(pairs, clusters))

    def store() -> ReviewStore:
        return ReviewStore(settings.reviews_dir or default_reviews_dir(live.current().index_dir))

    @app.get(
        "/reviews",
        response_model=ReviewQueueResponse,
        tags=["reviews"],
        responses=documented_errors(422),
    )
    def reviews(limit: Annotated[int, Query(ge=1, le=10_000)] = 100) -> Response:
        """The open review queue, most worth a look first (`matcher review list --json`)."""
        matcher = live.current()
        queue = review_queue(matcher.review_candidates(), store().decisions(), matcher.corpus)
        return JSONResponse(overlap_report.queue_to_dict(queue[:limit], matcher.corpus))

    @app.get("/reviews/decisions", response_model=DecisionsResponse, tags=["reviews"])
    def decisions() -> Response:
        """Every recorded decision (`matcher review export --format json`)."""
        matcher = live.current()
        return JSONResponse({"decisions": export_rows(store().decisions(), matcher.corpus)})

    @app.post(
        "/reviews/decide",
        response_model=ReviewOut,
        tags=["reviews"],
        dependencies=guarded,
        responses=documented_errors(401, 403, 404, 413, 422, 503),
    )
    def decide(body: DecideRequest) -> Response:
        """Record a reviewer's decision on a pair (`matcher review decide`); the pair leaves the
        queue until either text changes."""
        matcher = live.current()
        a, b = _known(matcher, body.a), _known(matcher, body.b)
        review = store().decide(a, b, body.decision, body.note)
        return JSONResponse(review.to_dict())

    @app.post(
        "/catalogue/import",
        response_model=ImportResponse,
        tags=["admin"],
        dependencies=guarded,
        responses=documented_errors(401, 403, 409, 413, 422, 503),
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "Initiatives as JSON lines, the fields of `matcher corpus import`.",
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            }
        },
    )
    async def import_catalogue(request: Request) -> Response:
        """Add initiatives to the catalogue (`matcher corpus import`). The index is stale until
        `POST /index/rebuild`; searches meanwhile use the previous catalogue and index."""
        raw = await request.body()
        # parsing and the locked write (it may wait for another import) stay off the event loop
        return JSONResponse(await run_in_threadpool(_import, live, raw))

    @app.post(
        "/index/rebuild",
        response_model=BuildReport,
        tags=["admin"],
        dependencies=guarded,
        responses=documented_errors(401, 403, 409, 422, 503),
    )
    def rebuild() -> Response:
        """Rebuild the index from the catalogue on disk (`matcher index build`); the next
        request of every worker picks it up."""
        matcher = live.current()
        corpus = load_corpus(live.corpus_path) if live.corpus_path else matcher.corpus
        report = build_index(matcher.index_dir, corpus, matcher.encoders, matcher.settings)
        live.current()
        return JSONResponse(dict(report.__dict__))

    app.include_router(interest_router)
    install_demand(app, settings)
    return app


def check_work(body: BatchRequest, budget: int) -> int:
    """The needs a batch's statements hold in all; TooMuchWork (413) over `budget`, before any
    search: the needs are read as the search will read them (each its own retrieval)."""
    from matcher.reading.needs import split_needs

    needs = 0
    for n, q in enumerate(body.queries, 1):
        needs += len(split_needs(q.query[:MAX_QUERY_CHARS])) if q.query.strip() else 0
        if needs > budget:
            raise TooMuchWork(
                413,
                f"this batch asks for over {budget} needs in all (statements times the needs "
                f"read in each; {needs} by statement {n}); send fewer or shorter statements "
                "per request",
            )
    return needs


def _batch_lines(matcher: Matcher, body: BatchRequest) -> list[dict[str, Any]]:
    filters = _filters(body)
    matcher.check_filters(filters)
    lines = []
    for q in body.queries:
        try:
            result = matcher.search(
                q.query, k=body.k, filters=filters, min_score=body.min_score, country=q.country
            )
        except InputError as exc:
            lines.append(batch_line(q.qid, None, str(exc)))
        else:
            lines.append(batch_line(q.qid, result))
    return lines


def _known(matcher: Matcher, initiative_id: str) -> Initiative:
    try:
        return matcher.get(initiative_id)
    except InputError as exc:
        raise NotFound(str(exc)) from None


def _import(live: LiveMatcher, raw: bytes) -> dict[str, Any]:
    extra = parse_records(io.BytesIO(raw), source="request body", fmt="jsonl")
    if live.corpus_path is None:
        raise InputError(
            "this server was started over a catalogue in memory; nothing to import into"
        )
    merged = import_catalogue(
        extra,
        live.corpus_path,
        on_wait=lambda pid: log.info("waiting for the catalogue import running in pid %s", pid),
    )
    return {
        "imported": len(extra),
        "initiatives": len(merged),
        "note": "the index is stale until POST /index/rebuild; searches use the previous one",
    }
