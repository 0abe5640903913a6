"""The HTTP API: a FastAPI application over the Matcher facade, with the CLI's JSON contracts.

`create_app(live)` builds the application over a LiveMatcher (live.py), which reopens the index
when another process rebuilt it. `serve(...)` runs it with uvicorn (`matcher serve`); with more
than one worker each worker process opens the same index folder read-only through
`app_from_env`, configured by the environment the CLI sets.

Reading is open. What changes state (a catalogue import, an index rebuild) needs the bearer token
of `MATCHER_API_TOKEN`, compared in constant time; without one configured those endpoints answer
403. CORS is off unless `MATCHER_CORS_ORIGINS` lists origins. Request bodies are capped
(`MATCHER_MAX_BODY_BYTES`, 413). Every error is JSON `{"error": ..., "code": ...}`; an
unexpected exception is logged with its traceback here and answered 500 without one.
"""

from __future__ import annotations

import hmac
import logging
import mimetypes
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher import __version__, overlap_report
from matcher import encoders as models
from matcher.api_models import (
    ID_PATTERN,
    BatchRequest,
    BatchResponse,
    BriefRequest,
    ErrorBody,
    Health,
    ImportResponse,
    InitiativeList,
    OverlapsResponse,
    Ready,
    SearchRequest,
    SearchResponse,
    SimilarResponse,
)
from matcher.brief import BriefFormat, render
from matcher.corpus import Initiative, load_corpus, parse_records
from matcher.encoders import Encoder
from matcher.engine import Filters, Matcher
from matcher.errors import (
    BusyError,
    CorpusError,
    InputError,
    MatcherError,
    MatcherIndexError,
    ModelError,
)
from matcher.index import BuildReport, build_index, check_index
from matcher.live import LiveMatcher
from matcher.overlaps import OverlapClass
from matcher.results import batch_line, similar_payload
from matcher.settings import MAX_K, Settings

log = logging.getLogger("matcher.server")

MAX_BODY_BYTES = 1024 * 1024
"""Default cap on a request body: a batch of statements or an imported catalogue fits easily."""

WARM_UP_STATEMENT = "We need training for customs officers."
"""Searched once before the server reports ready, so the models are loaded and answer."""


@dataclass(frozen=True)
class ServerSettings:
    """What the environment configures; read at the edge by `from_env`."""

    token: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = MAX_BODY_BYTES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        env = os.environ if environ is None else environ
        origins = tuple(
            o.strip() for o in env.get("MATCHER_CORS_ORIGINS", "").split(",") if o.strip()
        )
        raw_cap = env.get("MATCHER_MAX_BODY_BYTES", "").strip()
        if raw_cap and (not raw_cap.isdigit() or int(raw_cap) < 1024):
            raise InputError(
                f"MATCHER_MAX_BODY_BYTES must be a whole number of bytes, at least 1024 "
                f"(got {raw_cap!r})"
            )
        return cls(
            token=env.get("MATCHER_API_TOKEN") or None,
            cors_origins=origins,
            max_body_bytes=int(raw_cap) if raw_cap else MAX_BODY_BYTES,
        )


# ---------------------------------------------------------------------- errors
def error_response(status: int, message: str, code: str, **headers: str) -> JSONResponse:
    """The one shape of every error the API answers."""
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)


_STATUS = {InputError: (422, "input"), CorpusError: (422, "catalogue"), BusyError: (409, "busy")}
_STATUS_5XX = {MatcherIndexError: (503, "index"), ModelError: (503, "model")}


def _matcher_error(request: Request, exc: Exception) -> Response:
    for kind, (status, code) in (_STATUS | _STATUS_5XX).items():
        if isinstance(exc, kind):
            return error_response(status, str(exc), code)
    return error_response(500, str(exc), "storage")  # StorageError: the disk refused


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
    return error_response(422, f"{where}: {first.get('msg', 'invalid')}", "invalid-request")


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not-found", 405: "method-not-allowed"}
    message = str(exc.detail)
    if exc.status_code == 400:  # FastAPI could not parse the body (e.g. not UTF-8): as invalid JSON
        return error_response(
            422, "the request body is not JSON text in UTF-8; send a JSON object", "invalid-request"
        )
    return error_response(
        exc.status_code,
        message,
        codes.get(exc.status_code, "http"),
        **dict(exc.headers or {}),
    )


def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal error; the server log has the details", "internal")


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer."""
    what = {
        401: "Missing or wrong bearer token.",
        403: "State-changing endpoints are off (no MATCHER_API_TOKEN configured).",
        404: "No such initiative.",
        409: "Another build or import of the same folder or file is running.",
        413: "The request body is over the size cap.",
        422: "The request is invalid; the message says what to change.",
        503: "The index or a model cannot be loaded.",
    }
    return {s: {"model": ErrorBody, "description": what[s]} for s in statuses}


# ---------------------------------------------------------------------- body cap
class BodySizeLimit:
    """ASGI middleware: a request body over `limit` bytes is answered 413 JSON before any handler
    reads it, by its Content-Length or, for a chunked body, by counting it as it arrives.

    (FastAPI's own `max_body_size` answers a declared oversize length in plain text, not in
    the API's error shape.)
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413, f"the request body is over the {self.limit}-byte cap; send less", "too-large"
        )
        await response(scope, receive, send)


# ---------------------------------------------------------------------- auth
_bearer = HTTPBearer(auto_error=False, description="The token of MATCHER_API_TOKEN.")


class AuthError(Exception):
    """A state-changing request without the right token, or with none configured."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _auth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuthError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return error_response(exc.status, str(exc), exc.code, **headers)


def _require_token(expected: str | None) -> Callable[..., None]:
    def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        if not expected:
            raise AuthError(
                403,
                "state-changing endpoints are off: start the server with MATCHER_API_TOKEN set",
                "disabled",
            )
        given = credentials.credentials if credentials else ""
        if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
            raise AuthError(401, "send `Authorization: Bearer <MATCHER_API_TOKEN>`", "unauthorized")

    return check


# ---------------------------------------------------------------------- the app
InitiativePath = Annotated[
    str, PathParam(pattern=ID_PATTERN, max_length=12, description="e.g. 1209 or 2206A")
]


def _brief_responses() -> dict[int | str, dict[str, Any]]:
    """The 200 response of /brief: one content type per format the brief module knows."""
    content: dict[str, Any] = {}
    for fmt in BriefFormat:
        media = media_type(fmt)
        content[media] = {"schema": {"type": "string"}}
    content["application/json"] = {"schema": {"type": "object"}}
    return {200: {"description": "The brief in the asked format.", "content": content}}


def media_type(fmt: BriefFormat) -> str:
    """The content type a brief format is sent with."""
    known = {"md": "text/markdown", "csv": "text/csv", "json": "application/json"}
    return (
        known.get(fmt.value)
        or mimetypes.guess_type(f"brief.{fmt.value}")[0]
        or ("application/octet-stream")
    )


def _filters(body: SearchRequest | BatchRequest) -> Filters:
    return Filters(body.swg, body.org, body.region)


def _get(matcher: Matcher, initiative_id: str) -> dict[str, Any]:
    try:
        return dict(matcher.get(initiative_id).to_dict())
    except InputError as exc:
        raise _NotFound(str(exc)) from None


class _NotFound(Exception):
    pass


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
    )
    app.add_exception_handler(MatcherError, _matcher_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(
        _NotFound, lambda request, exc: error_response(404, str(exc), "not-found")
    )
    app.add_exception_handler(Exception, _unexpected_error)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.state.live = live
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    guarded = [Depends(_require_token(settings.token))]

    @app.get("/health", response_model=Health, tags=["service"])
    def health() -> dict[str, str]:
        """The process is up (it may still be loading; see `/ready`)."""
        return {"status": "ok"}

    @app.get("/ready", response_model=Ready, tags=["service"], responses=_errors(503))
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
        "/search", response_model=SearchResponse, tags=["search"], responses=_errors(413, 422)
    )
    def search(body: SearchRequest) -> Response:
        """Initiatives for a needs statement, with its needs, gaps and context: exactly what
        `matcher search --json` prints for the same input."""
        result = live.current().search(
            body.query, k=body.k, filters=_filters(body), min_score=body.min_score
        )
        return JSONResponse(result.to_dict())

    @app.post(
        "/search/batch",
        response_model=BatchResponse,
        tags=["search"],
        responses=_errors(413, 422),
    )
    def search_batch(body: BatchRequest) -> Response:
        """Several statements with the same options; one line each, as `matcher search --batch`
        prints them. A bad filter fails the whole batch (422); a statement that cannot be
        searched gets its own `error` and the others their answers."""
        matcher = live.current()
        filters = _filters(body)
        matcher.check_filters(filters)
        lines = []
        for q in body.queries:
            try:
                result = matcher.search(
                    q.query, k=body.k, filters=filters, min_score=body.min_score
                )
            except InputError as exc:
                lines.append(batch_line(q.qid, None, str(exc)))
            else:
                lines.append(batch_line(q.qid, result))
        return JSONResponse({"lines": lines})

    @app.post(
        "/brief",
        tags=["search"],
        response_class=Response,
        responses={**_brief_responses(), **_errors(413, 422)},
    )
    def brief(body: BriefRequest) -> Response:
        """A country brief in one of the brief module's formats (`matcher brief`)."""
        made = live.current().brief(body.query, shortlist=body.shortlist, k=body.k)
        content = render(made, body.format)
        return Response(content, media_type=media_type(BriefFormat(body.format)))

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
        responses=_errors(404, 422),
    )
    def initiative(initiative_id: InitiativePath) -> Response:
        """One initiative (`matcher show --json`)."""
        return JSONResponse(_get(live.current(), initiative_id))

    @app.get(
        "/initiatives/{initiative_id}/similar",
        response_model=SimilarResponse,
        tags=["catalogue"],
        responses=_errors(404, 422),
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
        "/overlaps", response_model=OverlapsResponse, tags=["catalogue"], responses=_errors(422)
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

    @app.post(
        "/catalogue/import",
        response_model=ImportResponse,
        tags=["admin"],
        dependencies=guarded,
        responses=_errors(401, 403, 409, 413, 422),
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
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("the body is not UTF-8 text; send JSON lines in UTF-8") from None
        extra = parse_records(text, source="request body", fmt="jsonl")
        return JSONResponse(_import(live, extra), status_code=200)

    @app.post(
        "/index/rebuild",
        response_model=BuildReport,
        tags=["admin"],
        dependencies=guarded,
        responses=_errors(401, 403, 409, 422),
    )
    def rebuild() -> Response:
        """Rebuild the index from the catalogue on disk (`matcher index build`); the next
        request of every worker picks it up."""
        matcher = live.current()
        corpus = load_corpus(live.corpus_path) if live.corpus_path else matcher.corpus
        report = build_index(matcher.index_dir, corpus, matcher.encoders, matcher.settings)
        live.current()
        return JSONResponse(dict(report.__dict__))

    return app


def _import(live: LiveMatcher, extra: Any) -> dict[str, Any]:
    from matcher.cli import import_catalogue

    if live.corpus_path is None:
        raise InputError(
            "this server was started over a catalogue in memory; nothing to import into"
        )
    merged = import_catalogue(extra, live.corpus_path)
    return {
        "imported": len(extra),
        "initiatives": len(merged),
        "note": "the index is stale until POST /index/rebuild; searches use the previous one",
    }


# ---------------------------------------------------------------------- running it
def open_matcher(
    index_dir: Path, corpus_path: Path, encoders: Mapping[str, Encoder] | None = None
) -> Matcher:
    """Open the index, building it first when missing or stale (saying so on stderr)."""
    import sys

    def tell(reason: str) -> None:
        print(f"building the index ({reason.split(';')[0]}) ...", file=sys.stderr)

    return Matcher.open(index_dir, corpus=corpus_path, encoders=encoders, on_build=tell)


def open_live(index_dir: Path, corpus_path: Path) -> LiveMatcher:
    """Open the index, load the models and search once, and watch the index for rebuilds.

    The models load side by side with each other and with the index (one is mostly torch's
    import, another numpy reading its weights, the index mostly bm25s's imports), so a cold
    start costs about the slowest of them rather than their sum.
    """
    start = time.perf_counter()
    encoders = models.default_encoders(Settings().dense_models)  # looked up now: tests swap it
    with ThreadPoolExecutor(max(1, len(encoders))) as pool:
        loading = [pool.submit(e.encode, [WARM_UP_STATEMENT], "query") for e in encoders.values()]
        opened = open_matcher(index_dir, corpus_path, encoders)
        index_seconds = time.perf_counter() - start
        for done in loading:
            done.result()
    opened.search(WARM_UP_STATEMENT, k=1)
    log.info(
        "ready in %.2f s (index opened in %.2f s, models loaded in parallel)",
        time.perf_counter() - start,
        index_seconds,
    )
    return LiveMatcher(opened, corpus_path)


def app_from_env() -> FastAPI:
    """The application of one uvicorn worker: index and catalogue from MATCHER_INDEX_DIR and
    MATCHER_CORPUS (set by `matcher serve`)."""
    from matcher.settings import DEFAULT_CORPUS, DEFAULT_INDEX_DIR

    log_to_stderr(os.environ.get("MATCHER_LOG_LEVEL", "info"))
    index_dir = Path(os.environ.get("MATCHER_INDEX_DIR") or DEFAULT_INDEX_DIR)
    corpus = Path(os.environ.get("MATCHER_CORPUS") or DEFAULT_CORPUS)
    return create_app(open_live(index_dir, corpus), ServerSettings.from_env())


def log_to_stderr(level: str) -> None:
    """The matcher's own log lines (startup timings, reloads, unexpected errors with their
    tracebacks) on stderr beside uvicorn's; other libraries' loggers are left as they are."""
    logger = logging.getLogger("matcher")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level.upper())


def single_threaded_models() -> None:
    """One math thread per process for the models, unless the environment says otherwise.

    A server answers many requests at once, from threads and worker processes; torch's default
    of one intra-op thread per core makes each forward pass spin-wait for cores the others hold.
    Measured on the 2 shared cores under load: a new statement took 160-990 ms with two threads
    and 60-110 ms with one. Set before any model is loaded (torch reads it on import) and
    inherited by uvicorn's worker processes.
    """
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def serve(
    index_dir: Path, corpus_path: Path, *, host: str, port: int, workers: int, log_level: str
) -> None:
    """Run the API with uvicorn until interrupted."""
    import uvicorn

    settings = ServerSettings.from_env()  # a bad setting fails here, once, as one line
    single_threaded_models()
    log_to_stderr(log_level)
    if workers == 1:
        app = create_app(open_live(index_dir, corpus_path), settings)
        uvicorn.run(app, host=host, port=port, log_level=log_level)
        return
    # each worker process opens the index itself; build it once here first when needed, so the
    # workers do not all find it stale at once (checking costs no model load: they load lazily)
    try:
        check_index(
            index_dir,
            load_corpus(corpus_path),
            models.default_encoders(Settings().dense_models),
            Settings(),
        )
    except MatcherIndexError:
        open_matcher(index_dir, corpus_path)
    os.environ["MATCHER_INDEX_DIR"] = str(index_dir)
    os.environ["MATCHER_CORPUS"] = str(corpus_path)
    os.environ["MATCHER_LOG_LEVEL"] = log_level
    uvicorn.run(
        "matcher.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )
