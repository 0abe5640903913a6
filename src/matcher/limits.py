"""Every limit the catalogue and its import files are held to, in one place.

Imports are checked against these on the catalogue they would produce, before anything is
written, and reading a catalogue applies the same ones: so a catalogue the tool wrote is always
one it can read, and a catalogue it can read is one the index and search can hold in memory.
The import-file limits (the page's size, an input line) only guard what is read; a catalogue
file is never held to them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from matcher.errors import InputError, shown

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class CatalogueLimits:
    """Upper bounds on a catalogue and on each of its records.

    The shipped catalogue holds 118 initiatives, 140 KB, at most 6.3 KB and 833 words a record
    and a 351-character title; each bound leaves it ten times that room or more. Ids (four
    digits and an optional letter) allow 270,000 initiatives at most.
    """

    initiatives: int = 100_000
    """Initiatives in the catalogue. Search retrieves top-k candidates per signal (approximate
    FAISS above 50,000 passages) and overlap candidates are sub-quadratic, so the bound is
    memory: the catalogue, its BM25 index and the passage texts are held in memory."""
    passages: int = 500_000
    """Passages the index embeds, at the default 90 words a passage (vectors are memory-mapped;
    1,000,000 passage vectors were benchmarked by scripts/bench_scale.py)."""
    catalogue_bytes: int = 256 * MIB
    """The catalogue file, as the tool writes it (UTF-8 JSON lines)."""
    record_bytes: int = 32 * KIB
    """One initiative as the catalogue stores it: its JSON line, derived fields included. The
    embedders' memory grows with a passage's length and one sentence is never cut: a 64 KiB
    record of one unbroken word took 841 MiB in the USE encoder; a 49 MB one asked for 47 GiB."""
    record_words: int = 5_000
    """Words in one initiative's title and description."""
    title_chars: int = 1_000
    """Characters in a title (it is embedded in front of every passage of its initiative)."""
    input_line_bytes: int = 512 * KIB
    """One line of a JSONL or CSV import before it is parsed: JSON writers may escape every
    character as six bytes, so this is larger than `record_bytes`; reading stops here."""
    page_bytes: int = 50 * MIB
    """The published page (.txt), which is read whole; JSONL and CSV are read line by line."""


def limits_from_env(environ: Mapping[str, str] = os.environ) -> CatalogueLimits:
    """The defaults, with the catalogue-wide bounds an operator may set in the environment:
    MATCHER_MAX_INITIATIVES, MATCHER_MAX_PASSAGES (whole numbers of at least 1)."""
    changes: dict[str, int] = {}
    for name, field in (
        ("MATCHER_MAX_INITIATIVES", "initiatives"),
        ("MATCHER_MAX_PASSAGES", "passages"),
    ):
        value = environ.get(name, "").strip()
        if not value:
            continue
        if not value.isdigit() or int(value) < 1:
            raise InputError(f"{name} must be a whole number of at least 1 (got {shown(value)})")
        changes[field] = int(value)
    return replace(CatalogueLimits(), **changes)


def _in_force() -> CatalogueLimits:
    try:
        return limits_from_env()
    except InputError:  # the CLI and the server check the environment first and say so
        return CatalogueLimits()


LIMITS = _in_force()
"""The limits in force (read once, when the package is imported)."""
