"""The error hierarchy: every expected failure is a MatcherError with a message saying what to do."""

from __future__ import annotations


class MatcherError(Exception):
    """Base class for expected errors; the CLI prints the message on one line and exits non-zero."""

    exit_code = 1


class CorpusError(MatcherError):
    """The catalogue file is unreadable or invalid (the message names the file and line)."""

    exit_code = 3


class MatcherIndexError(MatcherError):
    """The index folder is missing, stale or damaged."""

    exit_code = 4


class InputError(MatcherError):
    """A user-supplied argument (query, id, k, filter, batch file) is invalid."""

    exit_code = 2


class ModelError(MatcherError):
    """An embedding model could not be loaded from its installed package."""

    exit_code = 5


class BusyError(MatcherError):
    """Another process is building the same index or importing into the same catalogue."""

    exit_code = 6
