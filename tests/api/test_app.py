"""The HTTP API through FastAPI's TestClient on the fake encoder, checked against the CLI's JSON.

Also: errors in the API's shape (never a traceback), the token on state-changing endpoints,
CORS, the body cap, and an index rebuilt under a running app picked up by its next request.
A real `matcher serve` on a free port is started once at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import matcher.facade
import matcher.search.encoders
from matcher.api.app import create_app, media_type
from matcher.api.config import ServerSettings
from matcher.api.live import LiveMatcher
from matcher.api.run import open_live
from matcher.brief.model import FORMATS, BriefFormat
from matcher.brief.render import render_bytes
from matcher.cli import main
from tests.conftest import DATA, HashingEncoder

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "s3cret-token-for-tests"
NEW_RECORD = {
    "id": "3999",
    "title": "Beekeeping livelihoods for former poppy farmers",
    "sub_working_group": "3.3",
    "sub_working_group_title": "Alternative development",
    "pillar": 3,
    "text": "Training in beekeeping and honey marketing as an alternative livelihood.",
}


@dataclass
class Served:
    client: TestClient
    live: LiveMatcher
    folder: Path
    corpus: Path


def fakes(*_: object) -> dict[str, HashingEncoder]:
    return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Served:
    """An app over a fresh index of a writable copy of the mini corpus; the CLI sees the same
    index and catalogue through its environment variables."""
    corpus = tmp_path / "catalogue.jsonl"
    shutil.copy(DATA / "mini.jsonl", corpus)
    monkeypatch.setenv("MATCHER_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("MATCHER_CORPUS", str(corpus))
    monkeypatch.setattr(matcher.facade, "default_encoders", fakes)
    monkeypatch.setattr(matcher.search.encoders, "default_encoders", fakes)
    live = open_live(tmp_path / "index", corpus)
    client = TestClient(create_app(live, ServerSettings(token=TOKEN)))
    return Served(client, live, tmp_path, corpus)


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def is_error(response: Any, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "code"} and body["code"] == code
    assert "Traceback" not in body["error"] and "\n" not in body["error"]
    return dict(body)


# ------------------------------------------------------------------ the CLI's contracts
@pytest.mark.parametrize(
    ("body", "flags"),
    [
        ({"query": "detector dogs fentanyl airports", "k": 2}, ["--k", "2"]),
        ({"query": "We need dogs. We also need treatment courses."}, []),
        (
            {"query": "fentanyl parcels", "swg": "1.2", "org": "wco"},
            ["--swg", "1.2", "--org", "wco"],
        ),
        ({"query": "early warning", "region": "global"}, ["--region", "global"]),
        ({"query": "fentanyl", "min_score": 0.5}, ["--min-score", "0.5"]),
        ({"query": "x" * 6000 + " dogs"}, []),
    ],
)
def test_search_returns_what_the_cli_prints(
    served: Served, capsys: pytest.CaptureFixture[str], body: dict[str, Any], flags: list[str]
) -> None:
    response = served.client.post("/search", json=body)
    assert response.status_code == 200
    assert response.json() == cli_json(capsys, "search", body["query"], *flags, "--json")


def test_batch_returns_the_cli_lines(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    queries = [
        {"qid": "A", "query": "detector dogs at airports"},
        {"qid": "B", "query": "   "},
        {"qid": "C", "query": "no tenemos sistema de alerta temprana"},
    ]
    batch = served.folder / "q.json"
    batch.write_text(json.dumps(queries))
    response = served.client.post("/search/batch", json={"queries": queries, "k": 3})
    assert response.status_code == 200
    assert main(["search", "--batch", str(batch), "--k", "3", "--json"]) == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert response.json() == {"lines": printed}
    assert "error" in printed[1] and "error" not in printed[0]


def test_catalogue_reads_match_the_cli(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    client = served.client
    assert client.get("/initiatives/1209").json() == cli_json(capsys, "show", "1209", "--json")
    assert client.get("/initiatives/1209/similar", params={"k": 3}).json() == cli_json(
        capsys, "similar", "1209", "--k", "3", "--json"
    )
    assert client.get("/overlaps").json() == cli_json(capsys, "overlaps", "--json")
    assert client.get("/overlaps", params={"class": "family", "min_score": 0.2}).json() == (
        cli_json(capsys, "overlaps", "--class", "family", "--min-score", "0.2", "--json")
    )
    listed = client.get("/initiatives").json()
    assert listed["count"] == 6
    assert [i["id"] for i in listed["initiatives"]] == [
        json.loads(line)["id"] for line in (DATA / "mini.jsonl").read_text().splitlines()
    ]


@pytest.mark.parametrize(
    ("fmt", "media"), [("md", "text/markdown"), ("csv", "text/csv"), ("json", "application/json")]
)
def test_brief_is_the_cli_brief(
    served: Served, capsys: pytest.CaptureFixture[str], fmt: str, media: str
) -> None:
    statement = "We need detector dogs and help with fentanyl in parcels."
    response = served.client.post(
        "/brief", json={"query": statement, "format": fmt, "shortlist": ["1209", "1204"]}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert main(["brief", statement, "--format", fmt, "--shortlist", "1209,1204"]) == 0
    assert response.text == capsys.readouterr().out


def test_every_brief_format_is_served_and_documented(served: Served) -> None:
    """Formats come from the brief module's enum: one added there is served here as it is."""
    documented = served.client.get("/openapi.json").json()["paths"]["/brief"]["post"]
    content = documented["responses"]["200"]["content"]
    for fmt in BriefFormat:
        response = served.client.post("/brief", json={"query": "detector dogs", "format": fmt})
        assert response.status_code == 200, fmt
        assert response.headers["content-type"].split(";")[0] == media_type(fmt)
        assert media_type(fmt) in content
        if FORMATS[fmt].binary:  # Word and PDF stamp their build time: compare what they are
            assert response.content[:4] == {"docx": b"PK\x03\x04", "pdf": b"%PDF"}[fmt.value]
        else:
            made = served.live.current().brief("detector dogs")
            assert response.content == render_bytes(made, fmt)


def test_ready_summarises_the_index(served: Served) -> None:
    assert served.client.get("/health").json() == {"status": "ok"}
    ready = served.client.get("/ready").json()
    assert ready["status"] == "ready" and ready["initiatives"] == 6
    assert ready["index"]["counts"]["initiatives"] == 6
    assert ready["index"]["counts"]["passages"] == 6
    assert ready["index"]["models"] == {"minilm": "fake-a", "use": "fake-b"}
    assert ready["pending"] is None


def test_docs_and_schema_state_the_limits(served: Served) -> None:
    assert "swagger" in served.client.get("/docs").text.lower()
    schemas = served.client.get("/openapi.json").json()["components"]["schemas"]
    search = schemas["SearchRequest"]["properties"]
    assert search["k"]["maximum"] == 200 and search["k"]["minimum"] == 1
    assert search["query"]["maxLength"] == 20000
    assert schemas["BatchRequest"]["properties"]["queries"]["maxItems"] == 100
    assert set(schemas["BriefFormat"]["enum"]) >= {"md", "csv", "json"}


# ------------------------------------------------------------------ bad requests
@pytest.mark.parametrize(
    ("body", "code", "says"),
    [
        ({"query": "  ?! "}, "input", "the query is empty"),
        ({"query": "dogs", "k": 0}, "invalid-request", "k:"),
        ({"query": "dogs", "k": 201}, "invalid-request", "k:"),
        ({"query": "dogs", "k": "5"}, "invalid-request", "k:"),
        ({"query": "dogs", "k": True}, "invalid-request", "k:"),
        ({"query": "dogs", "org": "Interpol"}, "input", "choose from INCB, OAS/CICAD, WCO"),
        ({"query": "dogs", "swg": "9.9"}, "input", "unknown sub-working group"),
        ({"query": "dogs", "region": "Mars"}, "input", "unknown region"),
        ({"query": "dogs", "min_score": 2}, "invalid-request", "min_score:"),
        ({"query": "dogs", "colour": "red"}, "invalid-request", "colour:"),
        ({"query": "x" * 20001}, "invalid-request", "query:"),
        ({}, "invalid-request", "query:"),
    ],
)
def test_bad_search_is_a_one_line_422(
    served: Served, body: dict[str, Any], code: str, says: str
) -> None:
    error = is_error(served.client.post("/search", json=body), 422, code)
    assert says in error["error"]


def test_malformed_requests_get_json_errors(served: Served) -> None:
    client = served.client
    is_error(
        client.post("/search", content=b"{not json", headers={"content-type": "application/json"}),
        422,
        "invalid-request",
    )
    plain = client.post(
        "/search", content=b'{"query": "dogs"}', headers={"content-type": "text/plain"}
    )
    assert "application/json" in is_error(plain, 422, "invalid-request")["error"]
    is_error(client.post("/search", json=["dogs"]), 422, "invalid-request")
    is_error(client.get("/initiatives/9999"), 404, "not-found")
    is_error(client.get("/initiatives/12ab"), 422, "invalid-request")
    is_error(client.get("/initiatives/1209/similar", params={"k": 0}), 422, "invalid-request")
    is_error(client.get("/overlaps", params={"class": "cousins"}), 422, "invalid-request")
    is_error(client.get("/no/such/path"), 404, "not-found")
    response = client.delete("/search")
    is_error(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "POST"
    brief = client.post("/brief", json={"query": "dogs", "shortlist": ["9999"]})
    assert "no initiative with id '9999'" in is_error(brief, 422, "input")["error"]
    is_error(client.post("/brief", json={"query": "dogs", "format": "odt"}), 422, "invalid-request")
    batch = client.post("/search/batch", json={"queries": [{"qid": "A", "query": "x"}], "org": "?"})
    is_error(batch, 422, "input")
    too_many = [{"qid": str(i), "query": "dogs"} for i in range(101)]
    is_error(client.post("/search/batch", json={"queries": too_many}), 422, "invalid-request")


def test_body_over_the_cap_is_413_declared_or_streamed(served: Served) -> None:
    app = create_app(served.live, ServerSettings(max_body_bytes=4096))
    client = TestClient(app)
    big = json.dumps({"query": "dogs " * 2000}).encode()
    is_error(
        client.post("/search", content=big, headers={"content-type": "application/json"}),
        413,
        "too-large",
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    is_error(client.post("/search", content=chunks()), 413, "too-large")
    assert client.post("/search", json={"query": "dogs"}).status_code == 200


def test_an_unexpected_failure_is_logged_and_answered_without_a_traceback(
    served: Served, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("secret internal detail at /srv/matcher/engine.py line 42")

    monkeypatch.setattr(served.live.current(), "search", broken)
    client = TestClient(served.client.app, raise_server_exceptions=False)
    response = client.post("/search", json={"query": "dogs"})
    body = is_error(response, 500, "internal")
    assert "secret" not in response.text and "engine.py" not in response.text
    assert body["error"] == "internal error; the server log has the details"
    assert "secret internal detail" in caplog.text  # the traceback went to the log


# ------------------------------------------------------------------ access
def test_cors_is_off_unless_origins_are_configured(served: Served) -> None:
    origin = {"Origin": "https://coalition.example"}
    plain = served.client.get("/health", headers=origin)
    assert "access-control-allow-origin" not in plain.headers
    app = create_app(served.live, ServerSettings(cors_origins=("https://coalition.example",)))
    allowed = TestClient(app).get("/health", headers=origin)
    assert allowed.headers["access-control-allow-origin"] == "https://coalition.example"
    other = TestClient(app).get("/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_state_changes_are_off_without_a_configured_token(served: Served) -> None:
    client = TestClient(create_app(served.live, ServerSettings(token=None)))
    is_error(client.post("/index/rebuild"), 403, "disabled")
    headers = {"Authorization": "Bearer anything"}
    is_error(client.post("/index/rebuild", headers=headers), 403, "disabled")


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer "])
def test_state_changes_need_the_token(served: Served, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = served.client.post("/index/rebuild", headers=headers)
    is_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert served.live.reloads == 0


def test_import_then_rebuild_is_picked_up_by_the_next_request(served: Served) -> None:
    client = served.client
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = json.dumps(NEW_RECORD) + "\n"
    response = client.post(
        "/catalogue/import", content=body, headers={**auth, "content-type": "application/x-ndjson"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["imported"] == 1 and response.json()["initiatives"] == 7
    # the index is stale now: the old catalogue and index answer, and /ready says why
    ready = client.get("/ready").json()
    assert ready["initiatives"] == 6 and "stale" in ready["pending"]
    is_error(client.get("/initiatives/3999"), 404, "not-found")
    again = client.post("/catalogue/import", content=body, headers=auth)  # an id there: updated
    assert again.status_code == 200 and again.json()["initiatives"] == 7
    bad = client.post("/catalogue/import", content=b'{"id": "12"}\n', headers=auth)
    is_error(bad, 422, "catalogue")
    binary = client.post("/catalogue/import", content=b"\xff\xfe\x00", headers=auth)
    assert "UTF-8" in is_error(binary, 422, "catalogue")["error"]
    rebuilt = client.post("/index/rebuild", headers=auth)
    assert rebuilt.status_code == 200 and rebuilt.json()["initiatives"] == 7
    ready = client.get("/ready").json()
    assert ready["initiatives"] == 7 and ready["reloads"] == 1 and ready["pending"] is None
    hits = client.post("/search", json={"query": "beekeeping honey livelihoods", "k": 1}).json()
    assert hits["results"][0]["id"] == "3999"


def test_an_index_rebuilt_by_another_process_is_picked_up(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    before = served.live.current()
    rows = [json.loads(line) for line in served.corpus.read_text().splitlines()]
    rows.append(NEW_RECORD)
    served.corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["index", "build"]) == 0  # what another process would do
    capsys.readouterr()
    assert served.client.get("/initiatives/3999").status_code == 200
    assert served.live.current() is not before and served.live.reloads == 1


# ------------------------------------------------------------------ a real server
SERVE = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    import matcher.search.encoders, matcher.facade, matcher.search.calibration
    from tests.conftest import HashingEncoder, fake_calibration
    encoders = lambda *_: {{"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}}
    matcher.facade.default_encoders = encoders
    matcher.search.encoders.default_encoders = encoders
    matcher.facade.load_calibration = lambda *_: fake_calibration(encoders())
    from matcher.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


LOAD_STATEMENTS = [
    "We need detector dogs at airports.",
    "Necesitamos un sistema de alerta temprana.",
    "Nos douaniers ont besoin de formation sur les colis postaux.",
    "Precisamos de tratamento da dependência.",
    "Нам нужен контроль прекурсоров.",
    "نحتاج إلى تدريب على الكشف عن الفنتانيل.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_fake(index: Path, port: int) -> subprocess.Popen[bytes]:
    """`matcher serve` (the CLI's own entry, on the fake encoder) over the mini catalogue, in
    its own process."""
    argv = ["--index", str(index), "--corpus", str(DATA / "mini.jsonl")]
    return subprocess.Popen(
        [sys.executable, "-c", SERVE.format(root=str(ROOT)), *argv, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def http(url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def wait_ready(proc: subprocess.Popen[bytes], base: str, seconds: float) -> tuple[int, Any]:
    """/ready's answer once the server listens (a hang guard, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while True:
        assert proc.poll() is None, "the server exited"
        assert time.monotonic() < deadline, "the server did not become ready"
        try:
            status, body = http(f"{base}/ready")
        except OSError:
            time.sleep(0.2)
            continue
        if status != 503 or body.get("code") != "starting":
            return status, body
        time.sleep(0.2)  # listening, still opening or building the index


@pytest.mark.parametrize("argv", [["--port", "70000"], ["--workers", "0"], ["--port", "BUSY"]])
def test_serve_refuses_an_address_or_worker_count_in_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert main(["serve", *[port if a == "BUSY" else a for a in argv]]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


def test_matcher_serve_answers_on_a_free_port(tmp_path: Path) -> None:
    """`matcher serve` (the CLI's own entry, on the fake encoder) in its own process."""
    port = free_port()
    proc = serve_fake(tmp_path / "index", port)
    base = f"http://127.0.0.1:{port}"
    try:
        status, ready = wait_ready(proc, base, 60)
        assert status == 200 and ready["initiatives"] == 6
        status, found = http(f"{base}/search", {"query": "detector dogs at airports", "k": 1})
        assert status == 200 and found["results"][0]["id"] == "1209"
        status, error = http(f"{base}/search", {"query": "dogs", "k": 999})
        assert status == 422 and error["code"] == "invalid-request"
        # a small load: many requests at once get what each statement gets alone
        alone = {q: http(f"{base}/search", {"query": q, "k": 3}) for q in LOAD_STATEMENTS}
        work = [LOAD_STATEMENTS[i % len(LOAD_STATEMENTS)] for i in range(48)]
        with ThreadPoolExecutor(max_workers=12) as pool:
            together = list(pool.map(lambda q: http(f"{base}/search", {"query": q, "k": 3}), work))
        assert together == [alone[q] for q in work]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.model
def test_two_workers_on_the_real_models_pick_up_an_index_rebuilt_by_another_process(
    tmp_path: Path,
) -> None:
    """`matcher serve --workers 2` over a copy of the project's index; `matcher index build` in
    another process adds an initiative; every later request, whichever worker takes it, sees it."""
    index, corpus = tmp_path / "index", tmp_path / "initiatives.jsonl"
    shutil.copytree(ROOT / "index", index)
    shutil.copy(ROOT / "corpus" / "initiatives.jsonl", corpus)
    argv = ["--index", str(index), "--corpus", str(corpus)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # a current index first (a fresh clone has none yet): serve then starts its workers at once,
    # rather than building with one worker and handing over, a gap this test is not about
    first = subprocess.run(
        [sys.executable, "-m", "matcher", *argv, "index", "build"], env=env, timeout=600
    )
    assert first.returncode == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "matcher", *argv, "serve", "--port", str(port), "--workers",
             "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )

    def ask(url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        # once seen on a loaded machine: a refused connection after the rebuild; the server's
        # own log then says why, in the failure
        try:
            return http(url, body)
        except OSError as exc:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise AssertionError(
                f"{url}: {exc}; server alive: {proc.poll() is None}\n{tail}"
            ) from exc

    try:
        status, ready = wait_ready(proc, base, 300)
        assert status == 200 and ready["initiatives"] == 118
        assert proc.poll() is None  # it is this server that answered
        status, found = ask(f"{base}/search", {"query": "detector dogs at airports", "k": 3})
        assert status == 200 and "1209" in [m["id"] for m in found["results"]]
        with corpus.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(NEW_RECORD) + "\n")
        build = subprocess.run(
            [sys.executable, "-m", "matcher", *argv, "index", "build"], env=env, timeout=600
        )
        assert build.returncode == 0
        statuses = [ask(f"{base}/initiatives/3999")[0] for _ in range(12)]
        assert statuses == [200] * 12
        status, found = ask(f"{base}/search", {"query": "beekeeping and honey", "k": 1})
        assert found["results"][0]["id"] == "3999"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# ------------------------------------------------------------------ the review queue
def test_review_queue_and_decisions_match_the_cli(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    client = served.client
    queue = client.get("/reviews", params={"limit": 5}).json()["queue"]
    assert queue == cli_json(capsys, "review", "list", "--limit", "5", "--json")["queue"]
    first = queue[0]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"a": first["a"], "b": first["b"], "decision": "family", "note": "one suite"}
    is_error(client.post("/reviews/decide", json=body), 401, "unauthorized")
    decided = client.post("/reviews/decide", json=body, headers=auth)
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "family" and decided.json()["note"] == "one suite"
    later = client.get("/reviews").json()["queue"]
    assert (first["a"], first["b"]) not in {(q["a"], q["b"]) for q in later}
    rows = client.get("/reviews/decisions").json()["decisions"]
    assert [(r["a"], r["b"], r["decision"]) for r in rows] == [(first["a"], first["b"], "family")]
    exported = cli_json(capsys, "review", "export", "--format", "json")
    assert exported["decisions"] == rows


def test_a_decision_on_an_unknown_initiative_is_a_404(served: Served) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"a": "9999", "b": "1101", "decision": "duplicate"}
    is_error(served.client.post("/reviews/decide", json=body, headers=auth), 404, "not-found")
    bad = {"a": "1101", "b": "1204", "decision": "maybe"}
    is_error(served.client.post("/reviews/decide", json=bad, headers=auth), 422, "invalid-request")
