"""`/docs` (Swagger UI) and `/redoc` (ReDoc) served from the installed package, never a CDN.

FastAPI's own pages load their JavaScript, CSS, favicon and fonts from jsdelivr, tiangolo.com
and Google Fonts: on a machine with no internet `/docs` is a blank page. The `fastapi-offline`
package ships the same assets; this module mounts them and builds the two pages with FastAPI's
documented self-hosting recipe (`docs_url=None`, `redoc_url=None`, custom routes).
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
DOCS_URL, REDOC_URL, OAUTH2_REDIRECT_URL = "/docs", "/redoc", "/docs/oauth2-redirect"
# The pages may load only from this server: ReDoc's bundle still names a logo on cdn.redoc.ly,
# which the browser then never asks for. (The inline scripts are FastAPI's page set-up.)
POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


def assets_folder() -> str:
    """Where the installed `fastapi-offline` keeps Swagger UI's and ReDoc's files."""
    try:
        return str(files("fastapi_offline") / "static")
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            "the API docs need the fastapi-offline package: pip install fastapi-offline"
        ) from exc


def install_docs(app: FastAPI) -> None:
    """Serve `/docs` and `/redoc` from local assets (create the app with `docs_url=None,
    redoc_url=None`)."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_folder()), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    def own_only(page: HTMLResponse) -> HTMLResponse:
        page.headers["Content-Security-Policy"] = POLICY
        return page

    def local(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{ASSETS_URL}/{name}"

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        return own_only(
            get_swagger_ui_html(
                openapi_url=f"{request.scope.get('root_path', '')}{openapi_url}",
                title=f"{app.title}: Swagger UI",
                oauth2_redirect_url=OAUTH2_REDIRECT_URL,
                swagger_js_url=local(request, "swagger-ui-bundle.js"),
                swagger_css_url=local(request, "swagger-ui.css"),
                swagger_favicon_url=local(request, "favicon.png"),
                # Swagger UI otherwise sends the schema to validator.swagger.io for a badge
                swagger_ui_parameters={"validatorUrl": None},
            )
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return own_only(
            get_redoc_html(
                openapi_url=f"{request.scope.get('root_path', '')}{openapi_url}",
                title=f"{app.title}: ReDoc",
                redoc_js_url=local(request, "redoc.standalone.js"),
                redoc_favicon_url=local(request, "favicon.png"),
                with_google_fonts=False,
            )
        )
