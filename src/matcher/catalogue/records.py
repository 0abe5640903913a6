"""Reading catalogue files safely and holding their records to the limits.

Files are opened only when they are regular files (a FIFO would block, /dev/zero never ends),
read a line at a time within a per-line limit, and every record and the catalogue as a whole
are checked against `matcher.limits` before anything is kept.
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from matcher.errors import CorpusError
from matcher.limits import LIMITS, CatalogueLimits

if TYPE_CHECKING:
    from matcher.catalogue.model import Initiative


def visible(text: str) -> bool:
    """Whether text holds a character a reader sees: a letter, digit, mark of punctuation or symbol.

    Zero-width spaces and joiners, other format characters and separators alone read as nothing.
    """
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in text)


def whole_number(value: object) -> int | None:
    """An int from an int, an integral float or a string of digits; None for anything else
    (1.9 and True are not pillars)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}\s*", value):
        return int(value)
    return None


def record_bytes(initiative: Initiative) -> int:
    """Bytes of the initiative's line in the catalogue file (newline included)."""
    return len(json.dumps(initiative.to_dict(), ensure_ascii=False).encode("utf-8")) + 1


def check_record(initiative: Initiative, where: str, limits: CatalogueLimits = LIMITS) -> None:
    """Refuse one initiative over the per-record limits, naming where it was read.

    Raises:
        CorpusError: When its title, its words or its stored line is over the limit.
    """
    if len(initiative.title) > limits.title_chars:
        raise CorpusError(
            f"{where}: title of {initiative.id} has {len(initiative.title):,} characters, over "
            f"the {limits.title_chars:,}-character limit; shorten it"
        )
    words = len(initiative.full_text.split())
    if words > limits.record_words:
        raise CorpusError(
            f"{where}: initiative {initiative.id} has {words:,} words, over the "
            f"{limits.record_words:,}-word limit per initiative; split it or shorten it"
        )
    size = record_bytes(initiative)
    if size > limits.record_bytes:
        raise CorpusError(
            f"{where}: initiative {initiative.id} takes {size:,} bytes, over the "
            f"{limits.record_bytes:,}-byte limit per initiative; split it or shorten it"
        )


def check_size(count: int, size: int, where: str, limits: CatalogueLimits = LIMITS) -> None:
    """Refuse a catalogue of more initiatives or bytes than the limits allow.

    Raises:
        CorpusError: Naming the limit and what to do.
    """
    if count > limits.initiatives:
        raise CorpusError(
            f"{where}: the catalogue would hold more than {limits.initiatives:,} initiatives, "
            "the catalogue limit; import fewer (a catalogue file over it: `matcher corpus revert "
            "VERSION` goes back)"
        )
    if size > limits.catalogue_bytes:
        raise CorpusError(
            f"{where}: the catalogue would take {size:,} bytes, over the "
            f"{limits.catalogue_bytes:,}-byte catalogue limit; import less text"
        )


def read_lines(handle: BinaryIO, source: str, limits: CatalogueLimits) -> Iterator[tuple[int, str]]:
    """Numbered lines of a UTF-8 file, read one at a time: memory stays within one line's limit."""
    lineno = 0
    while True:
        raw = handle.readline(limits.input_line_bytes + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > limits.input_line_bytes and not raw.endswith(b"\n"):
            raise CorpusError(
                f"{source}:{lineno}: line is over the {limits.input_line_bytes:,}-byte limit "
                "for one record; split or shorten that initiative"
            )
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError:
            raise CorpusError(
                f"{source}:{lineno}: not UTF-8 text; re-save the file as UTF-8"
            ) from None
        yield lineno, line


def open_regular(path: Path, expected: str = "a .jsonl, .csv or .txt file") -> BinaryIO:
    """Open a regular file for binary reading, refusing devices, pipes and folders.

    `/dev/zero` never ends and opening a FIFO blocks until someone writes to it: the file is
    stat-ed first, opened without blocking, and checked again on the open descriptor.

    Raises:
        CorpusError: Naming the file, when it is missing, unreadable or not a regular file.
    """
    not_regular = (
        f"{path}: not a regular file (a device, pipe or folder); give {expected}"
    )
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise CorpusError(not_regular)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the stat and the open
        os.close(fd)
        raise CorpusError(not_regular)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_text(
    path: Path,
    limits: CatalogueLimits = LIMITS,
    *,
    expected: str = "a .jsonl, .csv or .txt file",
    too_large: str = "the page; import large catalogues as JSONL, which is read line by line",
) -> str:
    """Read the page (or another file read whole: a batch of queries): a regular UTF-8 file of
    at most `limits.page_bytes`, read whole."""
    with open_regular(path, expected) as handle:
        data = handle.read(limits.page_bytes + 1)
    if len(data) > limits.page_bytes:
        raise CorpusError(f"{path}: over the {limits.page_bytes:,}-byte limit for {too_large}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(f"{path}:{line}: not UTF-8 text; re-save the file as UTF-8") from None
