"""The demand record: what each recorded search asked and what served it, in SQLite beside the
review store (`reviews/demand.sqlite3` by default).

Recording is opt-in: the deployment turns it on (`MATCHER_DEMAND=on`, `matcher serve
--record-demand`), or one CLI search asks for it (`matcher search --record`). Nothing opens,
creates or changes the file otherwise: `DemandStore` is only made by a caller that records or
reports, and reading a store that does not exist answers an empty picture without creating it.

Kept per search: the time, the writer's country when given (else the first place the engine read
in the statement), the region the engine read for the writer; per need: its text as read, its
status and the ids that served it. Nothing else: no statement beyond its needs, no address, no
user agent. SQLite in WAL mode with synchronous=FULL, one transaction per search, as the review
store (overlaps.reviews).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from matcher.errors import InputError, StorageError
from matcher.overlaps.reviews import BUSY_TIMEOUT, default_reviews_dir
from matcher.search.results import SearchResult

DB_NAME = "demand.sqlite3"
ENV = "MATCHER_DEMAND"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS needs (
    search_id INTEGER NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    ids TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS needs_by_search ON needs(search_id);
"""


@dataclass(frozen=True)
class DemandNeed:
    """One need of a recorded search."""

    text: str
    status: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class DemandSearch:
    """One recorded search: when, from where, and its needs."""

    at: str
    country: str
    region: str
    needs: tuple[DemandNeed, ...]


def recording_on(environ: Mapping[str, str]) -> bool:
    """Whether the deployment turned recording on (`MATCHER_DEMAND=on`); InputError for a value
    that is neither on nor off, so a typo never records silently."""
    raw = environ.get(ENV, "").strip().lower()
    if raw in ("", "off", "0", "no", "false"):
        return False
    if raw in ("on", "1", "yes", "true"):
        return True
    raise InputError(f"{ENV} must be on or off (got {raw[:20]!r})")


def default_demand_dir(index_dir: str | Path) -> Path:
    """The review store's folder (`reviews/` beside the index): the demand file lives beside it."""
    return default_reviews_dir(index_dir)


def parse_day(value: str | None, what: str) -> str | None:
    """An ISO date (YYYY-MM-DD) as the start of that day in UTC, or an InputError."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{what} must be a date as YYYY-MM-DD (got {value[:20]!r})") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat(timespec="seconds")


def searched(result: SearchResult, country: str = "") -> DemandSearch:
    """What is kept of one search: its needs as read (the statement as one need when none was
    read apart), their statuses and the ids that served each."""
    needs = tuple(DemandNeed(n.text, n.status, tuple(n.results)) for n in result.needs)
    if not needs:
        status = "served" if result.results else "gap"
        needs = (DemandNeed(result.query, status, tuple(m.id for m in result.results[:3])),)
    given = country or result.country
    country = " ".join(given.split())[:100] or (result.context.places[:1] or ("",))[0]
    return DemandSearch(
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        country=country,
        region=(result.query_regions[:1] or ("",))[0],
        needs=needs,
    )


class DemandStore:
    """Recorded searches in `folder/demand.sqlite3`; one connection per call."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME

    @contextmanager
    def _connect(self, *, create: bool) -> Iterator[sqlite3.Connection]:
        try:
            if create:
                self.folder.mkdir(parents=True, exist_ok=True)
            with closing(
                sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
            ) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA secure_delete=ON")  # forgotten text is overwritten
                if create:
                    conn.executescript(_SCHEMA)
                yield conn
        except OSError as exc:
            raise StorageError.from_os_error(
                exc, f"cannot write the demand record in {self.folder}", "--reviews DIR"
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                f"cannot use the demand record {self.path} ({exc}); check the folder is "
                "writable, or move the file aside"
            ) from exc

    def record(self, search: DemandSearch) -> None:
        """Keep one search and its needs, in one transaction."""
        with self._connect(create=True) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = conn.execute(
                    "INSERT INTO searches (at, country, region) VALUES (?, ?, ?)",
                    (search.at, search.country, search.region),
                )
                conn.executemany(
                    "INSERT INTO needs VALUES (?, ?, ?, ?)",
                    [
                        (cursor.lastrowid, n.text, n.status, json.dumps(list(n.ids)))
                        for n in search.needs
                    ],
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def searches(self, since: str | None = None) -> list[DemandSearch]:
        """Every recorded search from `since` (an ISO time) on, oldest first; none, and no file
        made, when nothing was ever recorded."""
        if not self.path.is_file():
            return []
        with self._connect(create=False) as conn:
            rows = conn.execute(
                "SELECT s.id, s.at, s.country, s.region, n.text, n.status, n.ids "
                "FROM searches s LEFT JOIN needs n ON n.search_id = s.id "
                "WHERE s.at >= ? ORDER BY s.id",
                (since or "",),
            ).fetchall()
        grouped: dict[int, tuple[tuple[str, str, str], list[DemandNeed]]] = {}
        for sid, at, country, region, text, status, ids in rows:
            _, needs = grouped.setdefault(sid, ((at, country, region), []))
            if text is not None:
                needs.append(DemandNeed(text, status, tuple(json.loads(ids))))
        return [DemandSearch(*head, tuple(needs)) for head, needs in grouped.values()]

    def forget(self, before: str | None = None) -> int:
        """Delete the searches recorded before `before` (an ISO time; every one when None);
        returns how many. A store that does not exist stays absent."""
        if not self.path.is_file():
            return 0
        with self._connect(create=False) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                where, args = ("WHERE at < ?", (before,)) if before else ("", ())
                ids = [r[0] for r in conn.execute(f"SELECT id FROM searches {where}", args)]
                conn.executemany("DELETE FROM needs WHERE search_id = ?", [(i,) for i in ids])
                conn.executemany("DELETE FROM searches WHERE id = ?", [(i,) for i in ids])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return len(ids)
