"""Every limit the catalogue and its import files are held to, in one place.

Imports are checked against these on the catalogue they would produce, before anything is
written, and reading a catalogue applies the same ones: so a catalogue the tool wrote is always
one it can read, and a catalogue it can read is one the index and search can hold in memory.
The import-file limits (the page's size, an input line) only guard what is read; a catalogue
file is never held to them.
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class CatalogueLimits:
    """Upper bounds on a catalogue and on each of its records.

    The shipped catalogue holds 118 initiatives, 140 KB, at most 6.3 KB and 833 words a record
    and a 351-character title; each bound leaves it ten times that room or more.
    """

    initiatives: int = 5_000
    """Initiatives in the catalogue (overlap detection compares every pair)."""
    passages: int = 50_000
    """Passages the index embeds, at the default 90 words a passage."""
    catalogue_bytes: int = 32 * MIB
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


LIMITS = CatalogueLimits()
"""The limits in force."""
