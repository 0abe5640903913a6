"""The current Matcher of an index folder, reopened when another process rebuilds the index.

A server keeps one Matcher per process. Another process (a second worker, `matcher index build`,
a `POST /index/rebuild`) may rebuild the index or import into the catalogue meanwhile. Each
request asks `LiveMatcher.current()`, which compares a cheap fingerprint (size, mtime and inode of
the index manifest and of the catalogue file: two `stat` calls) with the one the loaded Matcher
was opened at. When they differ, one thread opens the new state fully, reusing the loaded
encoders, settings and calibration, and then swaps the reference; other requests keep being
answered by the old Matcher meanwhile and are never handed a half-loaded one.

An index build swaps its folder into place with renames, so the folder is briefly absent or, for
a reader that raced the swap, its files differ from its manifest: the open then fails or the
fingerprint taken after it differs from the one taken before. Either way the old Matcher stays
and the next request tries again. A catalogue imported but not yet indexed leaves the index
stale; that state is remembered (`pending`) and the old Matcher serves until the index is rebuilt.

A data file of the loaded index (vectors, FAISS file, passages) changed in place while its
manifest did not (truncated, deleted, replaced: damage, not a build, which writes a new
manifest) makes the index `damaged`: requests are answered 503 "index damaged, rebuilding" (the
loaded Matcher may have memory-mapped the file that shrank) while one thread rebuilds the index
from the catalogue with the loaded models; the rebuilt index is then picked up like any other.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matcher.catalogue.parse import load_corpus
from matcher.errors import IndexDamagedError, MatcherError, NotReadyError
from matcher.facade import Matcher
from matcher.search.index import MANIFEST, data_files
from matcher.search.index_build import build_index

log = logging.getLogger("matcher.live")

Fingerprint = tuple[tuple[int, int, int] | None, ...]


def file_fingerprint(path: Path) -> tuple[int, int, int] | None:
    """(size, mtime in ns, inode) of a file, or None when it is absent: a rebuilt index writes a
    new manifest (a new inode and mtime) even when its size is unchanged."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True)
class Pending:
    """A newer state on disk that could not be opened yet, and why."""

    fingerprint: Fingerprint
    reason: str


class LiveMatcher:
    """Hands out the Matcher of the index as it is on disk now.

    Args:
        matcher: The Matcher opened at start.
        corpus_path: The catalogue file it was opened from (None: the catalogue is not watched,
            e.g. a Matcher built over an in-memory corpus).
        reopen: Opens the index again given the loaded Matcher (default: `Matcher.open` on the
            same folder and catalogue file, reusing its encoders, settings and calibration,
            never building).
    """

    _matcher: Matcher
    _starting: tuple[str, float] | None
    _failed: str | None
    _opener: threading.Thread | None = None

    def __init__(
        self,
        matcher: Matcher,
        corpus_path: Path | None,
        *,
        reopen: Callable[[Matcher], Matcher] | None = None,
        repair: Callable[[Matcher], object] | None = None,
    ) -> None:
        self._matcher = matcher
        self.corpus_path = corpus_path
        self._reopen = reopen or self._reopen_same
        self._repair = repair or self._rebuild_same
        self._fingerprint = self.fingerprint()
        self._data = self.data_fingerprint()
        self.damaged: str | None = None
        self._repairing: threading.Thread | None = None
        self._reload_lock = threading.Lock()
        self.pending: Pending | None = None
        self.loaded_at = time.time()
        self.reloads = 0
        self._starting = None
        self._failed = None

    def _reopen_same(self, old: Matcher) -> Matcher:
        return Matcher.open(
            old.index_dir,
            corpus=self.corpus_path or old.corpus,
            settings=old.settings,
            encoders=old.encoders,
            build=False,
            calibration=old.calibration,
        )

    @classmethod
    def opening(
        cls, open_fn: Callable[[Callable[[str], None]], Matcher], corpus_path: Path | None
    ) -> LiveMatcher:
        """A LiveMatcher that answers 503 `starting` (with what it is doing and for how long)
        while a thread opens the index with `open_fn`, building it first when it must: the
        server listens at once instead of after the build. `open_fn` is given a function to
        tell the step it is at."""
        live = cls.__new__(cls)
        live.corpus_path = corpus_path
        live._reopen, live._repair = live._reopen_same, live._rebuild_same
        live._reload_lock = threading.Lock()
        live.pending, live.damaged, live._repairing = None, None, None
        live.reloads, live.loaded_at = 0, 0.0
        live._starting = ("opening the index", time.monotonic())
        live._failed = None

        def step(what: str) -> None:
            live._starting = (what, time.monotonic())

        def run() -> None:
            try:
                opened = open_fn(step)
            except Exception as exc:  # said by every request; the process stays up for /health
                log.error("the index could not be opened: %s", exc)
                live._failed = f"the server could not open its index: {str(exc)[:300]}"
                return
            live._matcher = opened
            live._fingerprint, live._data = live.fingerprint(), live.data_fingerprint()
            live.loaded_at = time.time()
            live._starting = None

        live._opener = threading.Thread(target=run, daemon=True, name="matcher-open")
        live._opener.start()
        return live

    @property
    def is_open(self) -> bool:
        """Whether the index is open (not still starting, not failed to start)."""
        return self._starting is None

    @property
    def failed(self) -> str | None:
        """Why the opening thread could not open the index (None: it did, or still runs)."""
        return self._failed

    def wait_open(self, seconds: float | None) -> None:
        """Wait for the opening thread (tests, scripts)."""
        if self._opener is not None:
            self._opener.join(seconds)

    def _rebuild_same(self, old: Matcher) -> object:
        corpus = load_corpus(self.corpus_path) if self.corpus_path else old.corpus
        return build_index(old.index_dir, corpus, old.encoders, old.settings)

    def data_fingerprint(self) -> Fingerprint:
        """The data files of the loaded index as they are on disk now."""
        index = getattr(self._matcher, "index", None)
        names = data_files(index.manifest) if index is not None else []
        return tuple(file_fingerprint(self._matcher.index_dir / n) for n in names)

    def fingerprint(self) -> Fingerprint:
        """What says the index or the catalogue changed on disk."""
        paths = [self._matcher.index_dir / MANIFEST]
        if self.corpus_path is not None:
            paths.append(self.corpus_path)
        return tuple(file_fingerprint(p) for p in paths)

    def current(self) -> Matcher:
        """The Matcher to answer this request with: reopened first when the disk changed (by the
        first request that sees it; requests arriving during that reload get the old one)."""
        if self._starting is not None:
            if self._failed is not None:
                raise NotReadyError(self._failed)
            what, since = self._starting
            raise NotReadyError(
                f"starting: {what} (for {time.monotonic() - since:.0f} s); /ready answers 200 "
                "when the index is loaded"
            )
        seen = self.fingerprint()
        changed = seen != self._fingerprint
        if (
            changed
            and (self.pending is None or self.pending.fingerprint != seen)
            and self._reload_lock.acquire(blocking=False)  # else another thread is reloading
        ):
            try:
                self._reload(seen)
            finally:
                self._reload_lock.release()
        # the manifest is the one loaded: its data files must be too (else damage, not a build)
        if (
            self.damaged is None
            and seen[0] == self._fingerprint[0]
            and self.data_fingerprint() != self._data
        ):
            self._damage()
        if self.damaged is not None:
            raise IndexDamagedError(self.damaged)
        return self._matcher

    def _damage(self) -> None:
        """Answer 503 while one thread rebuilds the damaged index."""
        with self._reload_lock:
            if self.damaged is None:
                self.damaged = "index damaged, rebuilding; try again in a minute"
                log.error(
                    "a file of the index in %s changed in place: rebuilding it",
                    self._matcher.index_dir,
                )
                self._repairing = threading.Thread(target=self._run_repair, daemon=True)
                self._repairing.start()

    def _run_repair(self) -> None:
        try:
            self._repair(self._matcher)
        except Exception as exc:  # the message says what to do; the server stays up
            log.error("rebuilding the damaged index failed: %s", exc)
            self.damaged = (
                f"index damaged and rebuilding it failed ({str(exc)[:200]}); "
                "run `matcher index build`"
            )

    def wait_repaired(self, seconds: float) -> None:
        """Wait for a running repair (for tests and shutdown)."""
        if self._repairing is not None:
            self._repairing.join(seconds)

    def _reload(self, seen: Fingerprint) -> None:
        if seen == self._fingerprint:  # reloaded by the thread that held the lock before us
            return
        try:
            fresh = self._reopen(self._matcher)
        except MatcherError as exc:
            log.warning("index changed on disk but cannot be opened yet: %s", exc)
            self.pending = Pending(seen, str(exc))
            return
        if self.fingerprint() != seen:  # it changed again while we read it: maybe a mixed read
            log.info("index changed during a reload; the next request tries again")
            return
        self._matcher, self._fingerprint = fresh, seen
        self._data = self.data_fingerprint()
        self.pending = None
        self.damaged = None
        self.loaded_at = time.time()
        self.reloads += 1
        log.info("reloaded the index in %s", fresh.index_dir)
