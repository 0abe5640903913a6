"""The demand picture over HTTP: `GET /demand` (with the API token), and the recording of each
`POST /search` when the deployment turned it on (`MATCHER_DEMAND=on`, `matcher serve
--record-demand`). With recording off no demand file is opened, created or changed."""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response

from matcher.api.config import ServerSettings
from matcher.api.guards import documented_errors, require_token
from matcher.api.live import LiveMatcher
from matcher.demand import DemandStore, default_demand_dir, demand_picture, parse_day, recording_on
from matcher.demand import searched as searched_record
from matcher.search.results import SearchResult


def _store(request: Request) -> DemandStore:
    settings: ServerSettings = request.app.state.demand_settings
    live: LiveMatcher = request.app.state.live
    return DemandStore(settings.reviews_dir or default_demand_dir(live.current().index_dir))


def demand_router(settings: ServerSettings) -> APIRouter:
    """`GET /demand`, guarded by the API token as the state-changing endpoints are."""
    router = APIRouter(tags=["reviews"])

    @router.get(
        "/demand",
        dependencies=[Depends(require_token(settings.token))],
        responses=documented_errors(401, 403, 422),
    )
    def demand(
        request: Request,
        since: Annotated[date | None, Query(description="Only searches from this day on.")] = None,
    ) -> Response:
        """The demand picture (`matcher demand --json`): needs most asked, recurring gaps,
        programmes most matched, by region. Searches are recorded only when the deployment
        turned recording on."""
        start = parse_day(since.isoformat() if since else None, "since")
        searches = _store(request).searches(start)
        titles = {ini.id: ini.title for ini in request.app.state.live.current().corpus}
        return JSONResponse(demand_picture(searches, titles, start or "").to_dict())

    return router


def install_demand(app: FastAPI, settings: ServerSettings) -> None:
    """Add `GET /demand`, and decide once whether `POST /search` records (MATCHER_DEMAND)."""
    app.state.demand_settings = settings
    app.state.demand_on = recording_on(os.environ)
    app.include_router(demand_router(settings))


def record_search(request: Request, result: SearchResult) -> None:
    """Record one answered search when recording is on; nothing at all otherwise."""
    if getattr(request.app.state, "demand_on", False):
        _store(request).record(searched_record(result))
