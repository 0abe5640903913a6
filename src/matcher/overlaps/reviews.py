"""The secretariat's review of candidate overlaps: decisions kept in SQLite, and the queue of pairs
still to look at.

A decision is one of `Decision` for a pair of initiatives, with an optional note and a hash of
both descriptions as they were when it was made. The store is one SQLite file in a folder of its
own (`reviews/` beside the index by default), which rebuilding the index never touches. SQLite in
WAL mode with synchronous=FULL: each decision is one transaction, so a crash or a killed process
leaves every acknowledged decision whole and none half-written, and several app sessions or
commands can write at once (a writer waits for the others, up to `BUSY_TIMEOUT` seconds).
The store is created by its first decision, under a lock beside it (two first writers at once
raced on switching the new file to WAL and one lost its decision). Reading never writes: a
store that does not exist has no decisions, and an existing one is opened read-only, so the
decisions can be listed and exported from a read-only or full disk.

The queue is every candidate pair the detectors produce, most worth a look first, less the pairs
already decided, unless either description changed since: those come back flagged.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from matcher.catalogue.locking import exclusive_lock
from matcher.catalogue.model import Corpus, Initiative
from matcher.errors import InputError, StorageError
from matcher.overlaps.detect import ScoredPair
from matcher.text import csv_text

BUSY_TIMEOUT = 30.0
"""Seconds a write waits for another writer (a decision takes milliseconds)."""
DB_NAME = "reviews.sqlite3"
MAX_NOTE = 2000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    text_hash TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    text_hash TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
"""


class Decision(StrEnum):
    """What a reviewer says about a pair."""

    DUPLICATE = "duplicate"  # the same initiative twice
    FAMILY = "family"  # parts or versions of the same programme
    OVERLAP = "overlap"  # different programmes worth coordinating
    NOT_RELATED = "not-related"


@dataclass(frozen=True)
class Review:
    """A decision on one pair, as stored."""

    a: str
    b: str
    decision: Decision
    note: str
    text_hash: str
    decided_at: str

    def to_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "decision": self.decision.value,
            "note": self.note,
            "text_hash": self.text_hash,
            "decided_at": self.decided_at,
        }


@dataclass(frozen=True)
class QueueItem:
    """A pair to look at: the detectors' evidence, and the earlier decision when the texts
    changed since it was made."""

    scored: ScoredPair
    changed_since: Review | None = None

    def to_dict(self) -> dict[str, object]:
        out = self.scored.to_dict()
        out["changed_since_decided"] = self.changed_since is not None
        if self.changed_since is not None:
            out["earlier_decision"] = self.changed_since.decision.value
        return out


def default_reviews_dir(index_dir: str | Path) -> Path:
    """`reviews/` beside the index folder: rebuilding the index (which replaces its folder)
    never touches it."""
    return Path(index_dir).resolve().parent / "reviews"


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair in one order, whichever way round it was given."""
    return (a, b) if a <= b else (b, a)


def texts_hash(a: Initiative, b: Initiative) -> str:
    """A hash of both titles and descriptions, in pair order."""
    first, second = (a, b) if a.id <= b.id else (b, a)
    h = hashlib.sha256()
    for ini in (first, second):
        h.update(json.dumps([ini.id, ini.title, ini.text]).encode("utf-8"))
    return h.hexdigest()[:16]


def check_decision(value: str) -> Decision:
    """A decision by name, or an InputError listing the names."""
    try:
        return Decision(value)
    except ValueError:
        allowed = ", ".join(d.value for d in Decision)
        raise InputError(f"unknown decision {value!r}; choose one of {allowed}") from None


class ReviewStore:
    """Decisions in `folder/reviews.sqlite3`; safe for threads and processes (one connection per
    call)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        self._created = False
        if self.path.exists():  # a damaged file is said at once, without writing anything
            with self._reading() as conn:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()

    def _create(self) -> None:
        """The folder, the file, its tables and WAL mode, made once under the store's lock."""
        if self._created:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = exclusive_lock(self.path, what="review store creation", timeout=BUSY_TIMEOUT)
            with lock, self._connect() as conn:
                conn.executescript(_SCHEMA)
        except OSError as exc:
            raise StorageError.from_os_error(
                exc, f"cannot create the review store in {self.folder}", "--reviews DIR"
            ) from exc
        self._created = True

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._errors(), closing(
            sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        ) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            yield conn

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection; on a disk where SQLite cannot even make its shared-memory
        file (read-only, full), the file is read as immutable (nobody can write it there)."""
        with self._errors():
            uri = self.path.resolve().as_uri()
            try:
                conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
            with closing(conn):
                yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            reason = str(exc)
            if "locked" in reason or "busy" in reason:
                raise StorageError(
                    f"the review store {self.path} stayed busy for {BUSY_TIMEOUT:.0f} s; try again"
                ) from exc
            if "full" in reason:
                raise StorageError(
                    f"cannot write the review store {self.path}: the disk is full; free some "
                    "disk space, or use --reviews DIR on a disk with room"
                ) from exc
            raise StorageError(
                f"cannot use the review store {self.path}: {reason}; check the folder is "
                "writable, or use --reviews DIR"
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                f"{self.path} is not a readable review store ({exc}); move it aside, or use "
                "--reviews DIR"
            ) from exc

    def decide(
        self,
        a: Initiative,
        b: Initiative,
        decision: Decision | str,
        note: str = "",
    ) -> Review:
        """Record (or replace) the decision on a pair, in one transaction."""
        decision = check_decision(str(decision))
        if a.id == b.id:
            raise InputError(f"a pair needs two different initiatives (got {a.id} twice)")
        if len(note) > MAX_NOTE:
            raise InputError(f"a note is at most {MAX_NOTE} characters (got {len(note)})")
        x, y = pair_key(a.id, b.id)
        review = Review(
            x,
            y,
            decision,
            note,
            texts_hash(a, b),
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        row = (x, y, decision.value, note, review.text_hash, review.decided_at)
        self._create()
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self._write(row)
                return review
            except StorageError as exc:
                busy = isinstance(exc.__cause__, sqlite3.OperationalError) and "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)  # SQLite's own wait gave up early (a WAL switch): again

    def _write(self, row: tuple[str, ...]) -> None:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(a, b) DO UPDATE "
                    "SET decision=excluded.decision, note=excluded.note, "
                    "text_hash=excluded.text_hash, decided_at=excluded.decided_at",
                    row,
                )
                conn.execute(
                    "INSERT INTO history (a, b, decision, note, text_hash, decided_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def decisions(self) -> dict[tuple[str, str], Review]:
        """The latest decision on every decided pair (none before the first decision)."""
        if not self.path.exists():
            return {}
        with self._reading() as conn:
            if not _has_tables(conn):  # its first writer is still making it
                return {}
            rows = conn.execute(
                "SELECT a, b, decision, note, text_hash, decided_at FROM decisions ORDER BY a, b"
            ).fetchall()
        return {(r[0], r[1]): Review(r[0], r[1], Decision(r[2]), *r[3:]) for r in rows}

    def history_count(self) -> int:
        """How many decisions were ever recorded (replaced ones included)."""
        if not self.path.exists():
            return 0
        with self._reading() as conn:
            if not _has_tables(conn):
                return 0
            return int(conn.execute("SELECT COUNT(*) FROM history").fetchone()[0])


def _has_tables(conn: sqlite3.Connection) -> bool:
    found = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('decisions', 'history')")
    return bool(found.fetchone()[0] == 2)


def review_queue(
    scored: Sequence[ScoredPair], decisions: dict[tuple[str, str], Review], corpus: Corpus
) -> list[QueueItem]:
    """Candidate pairs still to review, in the detectors' order: decided pairs leave, unless
    the descriptions changed since the decision (then they come back, flagged, first)."""
    changed, fresh = [], []
    ids = set(corpus.ids)
    for s in scored:
        review = decisions.get(pair_key(s.a, s.b))
        if review is None:
            fresh.append(QueueItem(s))
        elif (
            s.a in ids
            and s.b in ids
            and review.text_hash != texts_hash(corpus.get(s.a), corpus.get(s.b))
        ):
            changed.append(QueueItem(s, review))
    return changed + fresh


EXPORT_FIELDS = ["a", "title_a", "b", "title_b", "decision", "note", "decided_at", "changed"]


def export_rows(
    decisions: dict[tuple[str, str], Review], corpus: Corpus
) -> list[dict[str, object]]:
    """One row per decision, with titles and whether the texts changed since."""
    ids = set(corpus.ids)
    rows: list[dict[str, object]] = []
    for r in decisions.values():
        known = r.a in ids and r.b in ids
        rows.append(
            {
                "a": r.a,
                "title_a": corpus.get(r.a).title if r.a in ids else "",
                "b": r.b,
                "title_b": corpus.get(r.b).title if r.b in ids else "",
                "decision": r.decision.value,
                "note": r.note,
                "decided_at": r.decided_at,
                "changed": (not known)
                or r.text_hash != texts_hash(corpus.get(r.a), corpus.get(r.b)),
            }
        )
    return rows


def export_text(decisions: dict[tuple[str, str], Review], corpus: Corpus, fmt: str) -> str:
    """Decisions as CSV (through exports.csv_text) or JSON."""
    rows = export_rows(decisions, corpus)
    if fmt == "csv":
        return csv_text(EXPORT_FIELDS, rows)
    if fmt == "json":
        return json.dumps({"decisions": rows}, ensure_ascii=False, indent=2) + "\n"
    raise InputError(f"unknown export format {fmt!r}; choose csv or json")
