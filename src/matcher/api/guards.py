"""What stands in front of the API's routes: its one error shape, the body cap and the bearer
token.

Every error is JSON `{"error": ..., "code": ...}` with its HTTP status: the engine's own errors
(MatcherError) by their kind, request validation as 422, unknown paths and methods as 404/405,
and an unexpected exception as 500, logged here with its traceback and answered without one.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher.api.models import ErrorBody
from matcher.errors import (
    BusyError,
    CorpusError,
    IndexDamagedError,
    InputError,
    MatcherError,
    MatcherIndexError,
    ModelError,
    NotReadyError,
)

log = logging.getLogger("matcher.server")


# ---------------------------------------------------------------------- errors
def error_response(status: int, message: str, code: str, **headers: str) -> JSONResponse:
    """The one shape of every error the API answers."""
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)


_STATUS = {InputError: (422, "input"), CorpusError: (422, "catalogue"), BusyError: (409, "busy")}
_STATUS_5XX = {MatcherIndexError: (503, "index"), ModelError: (503, "model")}
RETRY_AFTER = "30"
"""Seconds a client is told to wait while a damaged index is rebuilt."""


def _matcher_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, IndexDamagedError):
        return error_response(503, str(exc), "index-damaged", **{"Retry-After": RETRY_AFTER})
    if isinstance(exc, NotReadyError):
        return error_response(503, str(exc), "starting", **{"Retry-After": "5"})
    for kind, (status, code) in (_STATUS | _STATUS_5XX).items():
        if isinstance(exc, kind):
            return error_response(status, str(exc), code)
    # StorageError: the disk refused (read-only, full): the service is unavailable, not broken
    return error_response(503, str(exc), "storage")


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    if not where:  # the body as a whole: not an object, or not sent as JSON
        message = "the body must be a JSON object sent as Content-Type: application/json"
        return error_response(422, message, "invalid-request")
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


def documented_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error statuses a route can answer."""
    what = {
        401: "Missing or wrong bearer token.",
        403: "State-changing endpoints are off (no MATCHER_API_TOKEN configured).",
        404: "No such initiative.",
        409: "Another build or import of the same folder or file is running.",
        408: "The request body did not arrive within MATCHER_BODY_TIMEOUT seconds.",
        413: "The request body is over the size cap, or a batch asks for more work (statements "
        "times needs) than MATCHER_MAX_BATCH_NEEDS.",
        429: "The worker's batches at once would hold more than MATCHER_MAX_NEEDS_IN_FLIGHT "
        "needs; try again (Retry-After).",
        422: "The request is invalid; the message says what to change.",
        503: "The index or a model cannot be loaded, the index is being rebuilt, or the disk "
        "refused a write (read-only, full).",
    }
    return {s: {"model": ErrorBody, "description": what[s]} for s in statuses}


# ---------------------------------------------------------------------- body cap
class BodySizeLimit:
    """ASGI middleware: a request body over `limit` bytes is answered 413 JSON before any handler
    reads it, by its Content-Length or, for a chunked body, by counting it as it arrives.

    (FastAPI's own `max_body_size` answers a declared oversize length in plain text, not in
    the API's error shape.)
    """

    def __init__(self, app: ASGIApp, limit: int, timeout: float = 30.0) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

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
        deadline = asyncio.get_running_loop().time() + self.timeout
        while True:
            try:  # a client sending a byte a second must not hold a worker
                left = deadline - asyncio.get_running_loop().time()
                message = await asyncio.wait_for(receive(), max(left, 0.001))
            except TimeoutError:
                await error_response(
                    408,
                    f"the request body did not arrive within {self.timeout:g} s; send it at once",
                    "timeout",
                    Connection="close",
                )(scope, receive, send)
                return
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


# ---------------------------------------------------------------------- the last resort
class UnexpectedErrors:
    """ASGI middleware inside CORS: an unexpected exception is logged with its traceback and
    answered 500 JSON here, so the answer still passes through CORS (Starlette's own last
    resort sits outside every middleware, so its 500 lacked the CORS headers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:  # half an answer went out: nothing to do but drop the connection
                raise
            request = Request(scope)
            await _unexpected_error(request, exc)(scope, receive, send)


def cors(app: ASGIApp, origins: tuple[str, ...]) -> ASGIApp:
    """Starlette's CORS middleware, answering a refused preflight in the API's error shape."""
    from starlette.middleware.cors import CORSMiddleware

    class JsonCors(CORSMiddleware):
        def preflight_response(self, request_headers: Any) -> Response:
            answer = super().preflight_response(request_headers)
            if answer.status_code != 400:
                return answer
            why = bytes(answer.body).decode("utf-8", "replace")
            headers = {k: v for k, v in answer.headers.items() if k.startswith("access-control")}
            return error_response(
                400, f"{why}; allowed origins are set by MATCHER_CORS_ORIGINS", "cors", **headers
            )

    return JsonCors(
        app,
        allow_origins=list(origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
    )


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


def require_token(expected: str | None) -> Callable[..., None]:
    """A FastAPI dependency: the request's bearer token must equal `expected` (compared in
    constant time); with no token expected, the endpoint is off."""

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


class NotFound(Exception):
    """A path naming something the catalogue does not hold (404)."""


class WorkInFlight:
    """The needs of the batches a worker answers now: a batch is let in while they stay within
    `limit` (one batch always, when none runs)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.now = 0
        self._lock = threading.Lock()

    def take(self, needs: int) -> None:
        with self._lock:
            if self.now and self.now + needs > self.limit:
                raise TooMuchWork(
                    429,
                    f"this worker is answering batches of {self.now} needs already (at most "
                    f"{self.limit} at once); try again in a few seconds",
                )
            self.now += needs

    def give_back(self, needs: int) -> None:
        with self._lock:
            self.now -= needs


class TooMuchWork(Exception):
    """A request over the work budget (413), or more batches at once than allowed (429)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _too_much_work(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooMuchWork)
    if exc.status == 429:
        return error_response(429, str(exc), "busy", **{"Retry-After": "5"})
    return error_response(413, str(exc), "too-much-work")


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error in the API's shape."""
    app.add_exception_handler(MatcherError, _matcher_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(
        NotFound, lambda request, exc: error_response(404, str(exc), "not-found")
    )
    app.add_exception_handler(TooMuchWork, _too_much_work)
    app.add_exception_handler(Exception, _unexpected_error)
