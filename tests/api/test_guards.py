"""The API's guards on a bare application: the error shape, the body cap and the token (the full app's use of them is in test_server.py)."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from matcher.api.guards import BodySizeLimit, NotFound, install_error_handlers, require_token
from matcher.errors import BusyError


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, limit=100)

    @app.post("/echo")
    def echo(body: dict[str, str]) -> dict[str, str]:
        return body

    @app.get("/busy")
    def busy() -> None:
        raise BusyError("another build of index/ is running (pid 12); wait for it")

    @app.get("/missing")
    def missing() -> None:
        raise NotFound("no initiative with id '9999'")

    @app.post("/guarded", dependencies=[Depends(require_token("right"))])
    def guarded() -> dict[str, str]:
        return {"ok": "yes"}

    return TestClient(app)


def test_errors_have_one_shape(client: TestClient) -> None:
    assert client.get("/busy").json() == {
        "error": "another build of index/ is running (pid 12); wait for it",
        "code": "busy",
    }
    assert client.get("/busy").status_code == 409
    assert client.get("/missing").status_code == 404
    assert client.post("/echo", json={"a": 1}).json()["code"] == "invalid-request"


def test_the_body_cap_counts_what_arrives(client: TestClient) -> None:
    assert client.post("/echo", json={"a": "b"}).json() == {"a": "b"}
    big = client.post("/echo", json={"a": "b" * 200})
    assert big.status_code == 413 and big.json()["code"] == "too-large"
    streamed = client.post("/echo", content=iter([b'{"a": "', b"b" * 200, b'"}']))
    assert streamed.status_code == 413


def test_the_token_is_checked(client: TestClient) -> None:
    assert client.post("/guarded").status_code == 401
    assert client.post("/guarded").headers["www-authenticate"] == "Bearer"
    assert client.post("/guarded", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/guarded", headers={"Authorization": "Bearer right"}).json() == {
        "ok": "yes"
    }


def test_no_configured_token_means_off() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/guarded")
    def guarded(_: Annotated[None, Depends(require_token(None))]) -> dict[str, str]:
        return {"ok": "yes"}

    response = TestClient(app).post("/guarded", headers={"Authorization": "Bearer "})
    assert response.status_code == 403 and response.json()["code"] == "disabled"
