"""Changing the catalogue file: read it, make the new one, compare or apply it as a version.

One function, `change_catalogue`, that the CLI (`matcher corpus build|import|remove|revert`)
and the API (`POST /catalogue/import`) both call, so a change is made the same way whoever asks.
It prints nothing: who calls it says how a wait or an unreadable catalogue is told.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from matcher.catalogue.locking import exclusive_lock
from matcher.catalogue.model import Corpus
from matcher.catalogue.parse import load_corpus, upsert
from matcher.catalogue.versions import (
    CatalogueChanges,
    CatalogueVersions,
    Version,
    check_catalogue,
    compare,
)
from matcher.errors import CorpusError, StorageError

IMPORT_LOCK_TIMEOUT = 60.0
"""Seconds an import waits for another import into the same catalogue (imports take seconds)."""


def catalogue_lock(
    target: Path, on_wait: Callable[[str], None] | None = None
) -> AbstractContextManager[None]:
    """The lock of the catalogue file `target`; `on_wait` is told the holder's pid when busy."""
    return exclusive_lock(
        target, what="catalogue import", timeout=IMPORT_LOCK_TIMEOUT, on_wait=on_wait
    )


def current_catalogue(
    target: Path,
    action: str,
    on_unreadable: Callable[[CorpusError], None] | None = None,
) -> Corpus:
    """The catalogue now; empty when there is none. Build and revert are the ways back from a
    catalogue that no longer reads: they go ahead (`on_unreadable` is told why), and the
    unreadable file is kept as a version."""
    if not target.exists():
        return Corpus(())
    try:
        return load_corpus(target)
    except CorpusError as exc:
        if action not in ("build", "revert"):
            raise
        if on_unreadable is not None:
            on_unreadable(exc)
        return Corpus(())


def change_catalogue(
    target: Path,
    action: str,
    source: str,
    make: Callable[[Corpus], Corpus],
    *,
    reverts: int | None = None,
    dry_run: bool = False,
    on_wait: Callable[[str], None] | None = None,
    on_unreadable: Callable[[CorpusError], None] | None = None,
) -> tuple[Corpus, Version | None, CatalogueChanges]:
    """Read the catalogue, make the new one from it, and compare (`dry_run`) or apply it as a new
    version: one step under the catalogue's lock, so two changes at once both land and every
    limit is checked before anything is written. Returns the new catalogue, its version (None
    for a dry run or no change) and the changes.

    `on_wait` is told the pid of another change holding the lock; `on_unreadable` why the
    current catalogue does not read when a build or revert goes ahead over it."""
    try:
        with catalogue_lock(target, on_wait):  # its file sits beside the catalogue: a write too
            old = current_catalogue(target, action, on_unreadable)
            new = make(old)
            if dry_run:
                check_catalogue(new)  # a change that would be refused says so now
                return new, None, compare(old, new)
            version, changes = CatalogueVersions(target).apply(
                new, action=action, source=source, old=old, reverts=reverts
            )
    except OSError as exc:
        raise StorageError.from_os_error(
            exc,
            f"cannot write the catalogue {target}",
            "another file (--corpus or MATCHER_CORPUS)",
        ) from exc
    return new, version, changes


def import_catalogue(
    extra: Corpus, target: Path, *, on_wait: Callable[[str], None] | None = None
) -> Corpus:
    """Add `extra` to the catalogue file `target`, an existing id updated (`POST
    /catalogue/import`), as `matcher corpus import` does."""
    return change_catalogue(
        target, "import", extra.source, lambda old: upsert(old, extra), on_wait=on_wait
    )[0]
