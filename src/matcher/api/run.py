"""Running the HTTP API (`matcher serve`): its settings from the environment, open the index,
load the models, run uvicorn.

With one worker the application is built here and handed to uvicorn, and listens at once: the
index is opened (and built first when missing or stale, after a large import say) by a thread
while `/ready` answers 503 `starting` saying what it is doing. With more, each uvicorn worker
process builds its own through `app_from_env`, from the environment `serve` sets, and opens the
same index folder read-only before it accepts connections (so a worker still loading never
answers for the ready ones); a missing or stale index is built first by this process, which
listens meanwhile with one worker of its own, the same way, and hands over to the workers when
the index is built.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

from matcher.api.config import ServerSettings
from matcher.api.live import LiveMatcher
from matcher.catalogue.parse import load_corpus
from matcher.errors import InputError, MatcherIndexError
from matcher.facade import Matcher

log = logging.getLogger("matcher.server")





WARM_UP_STATEMENT = "We need training for customs officers."
"""Searched once before the server reports ready, so the models are loaded and answer."""


def open_matcher(index_dir: Path, corpus_path: Path) -> Matcher:
    """Open the index, building it first when missing or stale (saying so on stderr)."""
    import sys

    def tell(reason: str) -> None:
        print(f"building the index ({reason.split(';')[0]}) ...", file=sys.stderr)

    return Matcher.open(index_dir, corpus=corpus_path, on_build=tell)


def open_live(index_dir: Path, corpus_path: Path) -> LiveMatcher:
    """Open the index, load the models by searching once, and watch the index for rebuilds.

    One step after another: loading the models side by side with each other and the index was
    tried and was no faster on the 2 shared cores (median of 7 cold starts 5.56 s against 5.29 s
    one after another), the work being mostly Python under the GIL (torch's import, the USE
    tokenizer's parse, bm25s's imports).
    """
    start = time.perf_counter()
    opened = open_matcher(index_dir, corpus_path)
    index_seconds = time.perf_counter() - start
    opened.search(WARM_UP_STATEMENT, k=1)
    log.info(
        "ready in %.2f s (index opened in %.2f s, models loaded and searched in %.2f s)",
        time.perf_counter() - start,
        index_seconds,
        time.perf_counter() - start - index_seconds,
    )
    return LiveMatcher(opened, corpus_path)


def open_steps(index_dir: Path, corpus_path: Path, step: Callable[[str], None]) -> Matcher:
    """What `open_live` does, telling each step to `step` (for /ready while it runs)."""
    import sys

    def tell(reason: str) -> None:
        step(f"building the index ({reason.split(';')[0]})")
        print(f"building the index ({reason.split(';')[0]}) ...", file=sys.stderr)

    start = time.perf_counter()
    opened = Matcher.open(index_dir, corpus=corpus_path, on_build=tell)
    step("loading the models (a first search)")
    opened.search(WARM_UP_STATEMENT, k=1)
    log.info("ready in %.2f s", time.perf_counter() - start)
    return opened


def open_live_in_background(index_dir: Path, corpus_path: Path) -> LiveMatcher:
    """A LiveMatcher answering 503 `starting` until a thread has opened (or built) the index
    and loaded the models: the server listens first."""
    return LiveMatcher.opening(lambda step: open_steps(index_dir, corpus_path, step), corpus_path)


WORKER_HEALTHCHECK_S = 60
"""How long uvicorn's supervisor waits for a worker to answer its health ping before it kills
and replaces it (uvicorn's default is 5 s). A worker opening the models, or reloading an index
another process rebuilt, on a loaded 2-core machine can take longer; killed then, its
replacement may fail to start mid-swap, and uvicorn then stops the whole server."""


def app_from_env() -> FastAPI:
    """The application of one uvicorn worker: index and catalogue from MATCHER_INDEX_DIR and
    MATCHER_CORPUS (set by `matcher serve`)."""
    from matcher.settings import DEFAULT_CORPUS, DEFAULT_INDEX_DIR

    log_to_stderr(os.environ.get("MATCHER_LOG_LEVEL", "info"))
    index_dir = Path(os.environ.get("MATCHER_INDEX_DIR") or DEFAULT_INDEX_DIR)
    corpus = Path(os.environ.get("MATCHER_CORPUS") or DEFAULT_CORPUS)
    from matcher.api.app import create_app

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


def index_is_current(index_dir: Path, corpus_path: Path) -> bool:
    """Whether the index is current and intact (no model is loaded to tell)."""
    from matcher.search import encoders as models
    from matcher.search.index import check_index, recover_interrupted_swap
    from matcher.settings import Settings

    recover_interrupted_swap(index_dir)
    try:
        check_index(
            index_dir,
            load_corpus(corpus_path),
            models.default_encoders(Settings().dense_models),
            Settings(),
        )
    except MatcherIndexError:
        return False
    return True


def serve_while_building(
    index_dir: Path,
    corpus_path: Path,
    host: str,
    port: int,
    log_level: str,
    settings: ServerSettings,
) -> None:
    """Listen with one worker while the index is built (503 `starting`, then answers), and
    return once it is built, for the workers to take over the address."""
    import threading

    import uvicorn

    from matcher.api.app import create_app
    from matcher.api.protocol import PROTOCOL

    live = open_live_in_background(index_dir, corpus_path)
    config = uvicorn.Config(
        create_app(live, settings), host=host, port=port, log_level=log_level, http=PROTOCOL
    )
    server = uvicorn.Server(config)

    def hand_over() -> None:
        live.wait_open(None)
        server.should_exit = True

    threading.Thread(target=hand_over, daemon=True).start()
    server.run()
    if live.failed is not None:
        raise MatcherIndexError(live.failed)
    if not live.is_open:  # stopped (Ctrl-C) before the build ended: no workers
        raise KeyboardInterrupt


def check_address(host: str, port: int) -> None:
    """Fail in one line, before seconds of model loading, when the address cannot be bound."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port or "
            "--host"
        ) from None


def serve(
    index_dir: Path, corpus_path: Path, *, host: str, port: int, workers: int, log_level: str
) -> None:
    """Run the API with uvicorn until interrupted."""
    import uvicorn

    from matcher.api.protocol import PROTOCOL

    settings = ServerSettings.from_env()  # a bad setting fails here, once, as one line
    check_address(host, port)
    single_threaded_models()
    log_to_stderr(log_level)
    load_corpus(corpus_path)  # an unreadable catalogue fails here, once, as one line
    if workers == 1:
        from matcher.api.app import create_app

        app = create_app(open_live_in_background(index_dir, corpus_path), settings)
        uvicorn.run(app, host=host, port=port, log_level=log_level, http=PROTOCOL)
        return
    if not index_is_current(index_dir, corpus_path):
        serve_while_building(index_dir, corpus_path, host, port, log_level, settings)
    os.environ["MATCHER_INDEX_DIR"] = str(index_dir)
    os.environ["MATCHER_CORPUS"] = str(corpus_path)
    os.environ["MATCHER_LOG_LEVEL"] = log_level
    uvicorn.run(
        "matcher.api.run:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        http=PROTOCOL,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
    )
