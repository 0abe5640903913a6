"""The error hierarchy: every expected failure is a MatcherError with a message saying what to do."""

from __future__ import annotations

import errno


class MatcherError(Exception):
    """Base class for expected errors; the CLI prints the message on one line and exits non-zero."""

    exit_code = 1


class CorpusError(MatcherError):
    """The catalogue file is unreadable or invalid (the message names the file and line)."""

    exit_code = 3


class MatcherIndexError(MatcherError):
    """The index folder is missing, stale or damaged."""

    exit_code = 4


class IndexDamagedError(MatcherIndexError):
    """A file of the loaded index changed in place under a server; it is being rebuilt."""


class NotReadyError(MatcherIndexError):
    """The server listens but is still opening or building its index (503 `starting`)."""


class InputError(MatcherError):
    """A user-supplied argument (query, id, k, filter, batch file) is invalid."""

    exit_code = 2


class ModelError(MatcherError):
    """An embedding model could not be loaded from its installed package."""

    exit_code = 5


class BusyError(MatcherError):
    """Another process is building the same index or importing into the same catalogue."""

    exit_code = 6


class StorageError(MatcherError):
    """The operating system refused a file operation: read-only, no permission, disk full."""

    exit_code = 7

    @classmethod
    def from_os_error(cls, exc: OSError, what: str, elsewhere: str) -> StorageError:
        """One line saying what failed, the system's reason and what to do.

        Args:
            exc: The error the operating system raised.
            what: What failed, naming the file or folder ("cannot write the index in index/").
            elsewhere: The other place the user can choose, with the option that chooses it.
        """
        reason = exc.strerror or exc.__class__.__name__
        # numpy's tofile says only "N requested and M written": a short write, a full disk
        short_write = exc.errno is None and "requested and" in str(exc)
        if short_write:
            reason = "No space left on device (a short write)"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT) or short_write:
            todo = f"free some disk space, or use {elsewhere} on a disk with room"
        elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            todo = f"make it writable, or use {elsewhere}"
        else:
            todo = f"check the path, or use {elsewhere}"
        return cls(f"{what}: {reason}; {todo}")


def shown(value: object, limit: int = 80) -> str:
    """A value quoted for an error message, at most about `limit` characters of it.

    A 5,000-character id must not make a 5,000-character error line: the quote keeps the start,
    and says how long the whole was.
    """
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return repr(text) if isinstance(value, str) else text
    head = repr(text[:limit]) if isinstance(value, str) else text[:limit]
    return f"{head}... ({len(text):,} characters)"
