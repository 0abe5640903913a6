"""Faults under a running server: damaged index files, and the server staying up through them.

The index's data files are damaged the ways an operator or a failing disk does it (truncated in
place, deleted, replaced by another file): every request is answered JSON, 503
`index-damaged` while the index is rebuilt from the catalogue, then as before. A real
`matcher serve` process gets the truncation (the memory-mapped read that used to kill it with
SIGBUS).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from matcher.api.app import create_app
from matcher.api.config import ServerSettings
from matcher.api.live import LiveMatcher
from matcher.catalogue.parse import load_corpus
from matcher.cli import main
from matcher.errors import MatcherIndexError
from matcher.facade import Matcher
from matcher.search.index import MANIFEST, load_index, read_vectors
from matcher.settings import Settings
from tests.api.test_app import (
    TOKEN,
    Served,
    free_port,
    http,
    is_error,
    serve_fake,
    wait_ready,
)
from tests.api.test_app import served as served
from tests.conftest import DATA, HashingEncoder
from tests.filesystems import read_only, small_fs

BODY = {"query": "detector dogs at airports", "k": 2}


def damage(path: Path, how: str) -> None:
    if how == "truncate":
        os.truncate(path, path.stat().st_size // 3)
    elif how == "delete":
        path.unlink()
    else:  # replaced: another file renamed over it (a new inode, the same size)
        other = path.with_name("other.npy")
        other.write_bytes(path.read_bytes()[::-1])
        other.replace(path)


@pytest.mark.parametrize("how", ["truncate", "delete", "replace"])
def test_a_damaged_vector_file_is_503_json_then_rebuilt(served: Served, how: str) -> None:
    before = served.client.post("/search", json=BODY)
    assert before.status_code == 200
    gate, rebuild = threading.Event(), served.live._repair
    served.live._repair = lambda old: gate.wait(30) and rebuild(old)  # held while we look
    damage(served.folder / "index" / "vectors_use.npy", how)
    for path in ("/search", "/ready"):
        answer = (
            served.client.post(path, json=BODY) if path == "/search" else served.client.get(path)
        )
        body = is_error(answer, 503, "index-damaged")
        assert "rebuilding" in body["error"] and answer.headers["retry-after"]
    assert served.client.get("/health").status_code == 200
    gate.set()
    served.live.wait_repaired(60)
    after = served.client.post("/search", json=BODY)
    assert after.status_code == 200 and after.json() == before.json()
    assert served.client.get("/ready").json()["reloads"] == 1


def test_a_failed_repair_says_so_and_what_to_do(served: Served) -> None:
    def fail(_: object) -> None:
        raise OSError(28, "No space left on device")

    served.live._repair = fail
    os.truncate(served.folder / "index" / "vectors_minilm.npy", 100)
    is_error(served.client.post("/search", json=BODY), 503, "index-damaged")
    served.live.wait_repaired(10)
    body = is_error(served.client.post("/search", json=BODY), 503, "index-damaged")
    assert "failed" in body["error"] and "matcher index build" in body["error"]


def test_sizes_and_counts_in_the_manifest_are_checked_on_load(
    served: Served,
) -> None:
    index = served.folder / "index"
    corpus = load_corpus(served.corpus)
    encoders = {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}
    manifest = json.loads((index / MANIFEST).read_text())
    assert manifest["sizes"]["vectors_use.npy"] == (index / "vectors_use.npy").stat().st_size
    edited = {**manifest, "counts": {**manifest["counts"], "passages": 99}}
    (index / MANIFEST).write_text(json.dumps(edited))
    with pytest.raises(MatcherIndexError, match="counts"):
        load_index(index, corpus, encoders, Settings())
    (index / MANIFEST).write_text(json.dumps(manifest))
    load_index(index, corpus, encoders, Settings())
    with (index / "vectors_use.npy").open("ab") as fh:
        fh.write(b"\0" * 16)
    with pytest.raises(MatcherIndexError, match="bytes, the manifest says"):
        load_index(index, corpus, encoders, Settings())


def test_small_vector_files_are_read_into_memory_large_ones_mapped(tmp_path: Path) -> None:
    path = tmp_path / "v.npy"
    np.save(path, np.ones((4, 3), dtype=np.float32))
    assert not isinstance(read_vectors(path), np.memmap)
    assert isinstance(read_vectors(path, mmap_above=10), np.memmap)
    os.truncate(path, path.stat().st_size - 8)
    with pytest.raises(ValueError):
        read_vectors(path)


def raw_request(port: int, data: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        with contextlib.suppress(OSError):  # the server may answer and close before reading all
            conn.sendall(data)
        chunks = []
        with contextlib.suppress(ConnectionResetError):  # closed with our bytes unread
            while chunk := conn.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def test_a_served_process_survives_a_truncated_vector_file(tmp_path: Path) -> None:
    port = free_port()
    index = tmp_path / "index"
    proc = serve_fake(index, port)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_ready(proc, base, 60)[0] == 200
        status, before = http(f"{base}/search", BODY)
        assert status == 200
        # headers over h11's 16 KiB, not yet ended: answered before the app, in the JSON shape
        raw = raw_request(port, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000)
        head, _, payload = raw.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400") and b"application/json" in head
        assert json.loads(payload)["code"] == "bad-request"
        os.truncate(index / "vectors_use.npy", 1000)
        os.truncate(index / "vectors_minilm.npy", 1000)
        status, body = http(f"{base}/search", BODY)
        assert proc.poll() is None, "the server died of a truncated file"
        assert (status, body["code"]) == (503, "index-damaged")
        for _ in range(300):  # the rebuild on the fake encoder takes well under a second
            status, body = http(f"{base}/search", BODY)
            if status == 200:
                break
            assert proc.poll() is None and body["code"] == "index-damaged"
            time.sleep(0.1)
        assert status == 200 and body == before
    finally:
        proc.terminate()
        proc.wait(timeout=20)


# ------------------------------------------------------------------ bad imports, refused disks
def _record(**changes: object) -> dict[str, object]:
    return {
        **json.loads((DATA / "mini.jsonl").read_text().splitlines()[0]),
        "id": "3999",
        **changes,
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (json.dumps(_record())[:-1] + ', "pillar": ' + "9" * 5000 + "}", "too long to read"),
        (json.dumps(_record(title="bad \udc80 title")), "lone surrogate"),
        (json.dumps(_record(regions=["\ud800"])), "lone surrogate"),
    ],
)
def test_unreadable_numbers_and_lone_surrogates_are_4xx_and_one_cli_line(
    served: Served, line: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = served.client.post(
        "/catalogue/import",
        content=line.encode() + b"\n",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/x-ndjson"},
    )
    assert message in is_error(answer, 422, "catalogue")["error"]
    path = served.folder / "bad.jsonl"
    path.write_text(line + "\n")
    assert main(["corpus", "import", str(path)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_an_import_into_a_read_only_catalogue_folder_is_503(tmp_path: Path) -> None:
    with small_fs(tmp_path / "fs", 512) as fs:
        corpus = fs / "catalogue.jsonl"
        shutil.copy(DATA / "mini.jsonl", corpus)
        encoders = {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}
        opened = Matcher.open(tmp_path / "index", corpus=corpus, encoders=encoders)
        client = TestClient(create_app(LiveMatcher(opened, corpus), ServerSettings(token=TOKEN)))
        read_only(fs)
        answer = client.post(
            "/catalogue/import",
            content=json.dumps(_record()).encode() + b"\n",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        body = is_error(answer, 503, "storage")
        assert "Read-only file system" in body["error"] and "MATCHER_CORPUS" in body["error"]


# ------------------------------------------------------------------ every answer as documented
ORIGIN = "https://coalition.example"


def test_error_answers_carry_the_cors_headers_of_their_route(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 413 (the body cap), a 422, a 404 and an unexpected 500 to an allowed origin: the
    browser must see "too large", not a CORS failure."""
    app = create_app(served.live, ServerSettings(cors_origins=(ORIGIN,), max_body_bytes=2048))
    client = TestClient(app, raise_server_exceptions=False)
    head = {"Origin": ORIGIN}
    answers = [
        (client.post("/search", content=b"x" * 4096, headers=head), 413),
        (client.post("/search", json={"query": "dogs", "k": 0}, headers=head), 422),
        (client.get("/initiatives/9999", headers=head), 404),
    ]
    monkeypatch.setattr(served.live.current(), "search", lambda *a, **k: 1 / 0)
    answers.append((client.post("/search", json={"query": "dogs"}, headers=head), 500))
    for answer, status in answers:
        assert answer.status_code == status, answer.text
        assert answer.headers["access-control-allow-origin"] == ORIGIN
        assert set(answer.json()) == {"error", "code"}


def test_a_refused_cors_preflight_is_the_json_error_shape(served: Served) -> None:
    client = TestClient(create_app(served.live, ServerSettings(cors_origins=(ORIGIN,))))
    refused = client.options(
        "/search",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    body = is_error(refused, 400, "cors")
    assert "origin" in body["error"] and "MATCHER_CORS_ORIGINS" in body["error"]
    allowed = client.options(
        "/search", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert allowed.status_code == 200


def test_k_must_be_a_whole_number_and_head_health_answers(served: Served) -> None:
    for k in (5.0, 5.5, "5"):
        body = is_error(
            served.client.post("/search", json={"query": "dogs", "k": k}), 422, "invalid-request"
        )
        assert body["error"].startswith("k:")
    assert served.client.head("/health").status_code == 200


# ------------------------------------------------------------------ slow bodies, heavy batches
def test_a_body_sent_too_slowly_is_408_json() -> None:
    import asyncio

    from matcher.api.guards import BodySizeLimit

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the handler must not run")

    async def slow_receive() -> dict[str, Any]:
        await asyncio.sleep(30)  # a client that never finishes its body
        return {"type": "http.request", "body": b"", "more_body": False}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/search", "headers": []}
    asyncio.run(BodySizeLimit(app, limit=1024, timeout=0.2)(scope, slow_receive, send))
    assert sent[0]["status"] == 408
    assert json.loads(sent[1]["body"])["code"] == "timeout"


def _batch(statements: int, needs: int) -> dict[str, Any]:
    text = (
        "We need "
        + ", ".join(
            f"{w} training"
            for w in ["dog", "customs", "port", "lab", "postal", "border", "forensic", "airport"][
                :needs
            ]
        )
        + "."
    )
    return {"queries": [{"qid": str(n), "query": text} for n in range(statements)], "k": 2}


def test_a_batch_over_the_work_budget_is_413_before_any_search(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(served.live, ServerSettings(max_batch_needs=20))
    client = TestClient(app)
    searched: list[str] = []
    real = served.live.current().search
    monkeypatch.setattr(
        served.live.current(), "search", lambda q, **kw: searched.append(q) or real(q, **kw)
    )
    assert client.post("/search/batch", json=_batch(5, 4)).status_code == 200  # 20 needs
    searched.clear()
    body = is_error(client.post("/search/batch", json=_batch(6, 4)), 413, "too-much-work")
    assert "over 20 needs" in body["error"] and searched == []


def test_more_work_at_once_than_allowed_is_429(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = TestClient(create_app(served.live, ServerSettings(max_needs_in_flight=2)))
    entered, release = threading.Event(), threading.Event()
    real = served.live.current().search

    def held(q: str, **kw: Any) -> Any:
        entered.set()
        release.wait(30)
        return real(q, **kw)

    monkeypatch.setattr(served.live.current(), "search", held)
    first: list[Any] = []
    worker = threading.Thread(
        target=lambda: first.append(client.post("/search/batch", json=_batch(1, 2)))
    )
    worker.start()
    assert entered.wait(30)
    second = client.post("/search/batch", json=_batch(1, 1))
    body = is_error(second, 429, "busy")
    assert second.headers["retry-after"] and "try again" in body["error"]
    release.set()
    worker.join(30)
    assert first[0].status_code == 200


# ------------------------------------------------------------------ listening before the build
def test_the_server_answers_503_starting_while_the_index_is_opened(served: Served) -> None:
    gate, steps = threading.Event(), []

    def slow_open(step: Any) -> Any:
        step("building the index (a large import)")
        steps.append("building")
        gate.wait(30)
        return served.live.current()

    live = LiveMatcher.opening(slow_open, served.corpus)
    client = TestClient(create_app(live, ServerSettings()))
    assert client.get("/health").status_code == 200
    body = is_error(client.get("/ready"), 503, "starting")
    assert "building the index (a large import)" in body["error"] and " s)" in body["error"]
    is_error(client.post("/search", json=BODY), 503, "starting")
    gate.set()
    live.wait_open(30)
    assert client.get("/ready").status_code == 200
    assert client.post("/search", json=BODY).status_code == 200


def test_an_index_that_cannot_be_opened_is_said_by_ready(served: Served) -> None:
    def failing(step: Any) -> Any:
        raise MatcherIndexError("no index in /srv/index; run `matcher index build`")

    live = LiveMatcher.opening(failing, served.corpus)
    live.wait_open(30)
    client = TestClient(create_app(live, ServerSettings()))
    body = is_error(client.get("/ready"), 503, "starting")
    assert "could not open its index" in body["error"] and "matcher index build" in body["error"]
    assert client.get("/health").status_code == 200


def test_several_workers_wait_for_a_build_behind_one_listening_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve --workers N` over a missing index: this process listens (503 starting) while it
    builds, then returns for the workers to take over."""
    import matcher.facade
    from matcher.api.run import index_is_current, serve_while_building

    encoders = lambda *_: {  # noqa: E731
        "minilm": HashingEncoder("fake-a", 64),
        "use": HashingEncoder("fake-b", 32),
    }
    monkeypatch.setattr(matcher.facade, "default_encoders", encoders)
    monkeypatch.setattr("matcher.search.encoders.default_encoders", encoders)
    gate, real_build = threading.Event(), matcher.facade.build_index
    monkeypatch.setattr(
        matcher.facade, "build_index", lambda *a, **k: gate.wait(30) and real_build(*a, **k)
    )
    index, port = tmp_path / "index", free_port()
    assert not index_is_current(index, DATA / "mini.jsonl")
    runner = threading.Thread(
        target=serve_while_building,
        args=(index, DATA / "mini.jsonl", "127.0.0.1", port, "warning", ServerSettings()),
    )
    runner.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        with contextlib.suppress(OSError):
            status, body = http(f"{base}/ready")
            break
        time.sleep(0.1)
    assert (status, body["code"]) == (503, "starting") and "building the index" in body["error"]
    gate.set()
    runner.join(60)
    assert not runner.is_alive() and index_is_current(index, DATA / "mini.jsonl")
