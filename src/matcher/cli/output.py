"""What every command shares: terminal output with control characters escaped, JSON,
output files, and the catalogue, index and review folders (and the Matcher) from the arguments."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.catalogue.parse import write_bytes_atomic, write_text_atomic
from matcher.errors import InputError, StorageError
from matcher.settings import DEFAULT_CORPUS, DEFAULT_INDEX_DIR
from matcher.text import json_text, terminal_text

if TYPE_CHECKING:
    from matcher.facade import Matcher


def escape(text: str) -> str:
    """Control characters shown as `\\x1b` rather than sent to the terminal."""
    return terminal_text(text)


def error_line(text: str) -> str:
    """An error message as one terminal line: controls escaped, line breaks shown as `\\n`."""
    return escape(text.replace("\r", "\\r").replace("\n", "\\n"))


def echo(text: str = "") -> None:
    """Print a line of human-readable output, with any control character in it escaped."""
    print(escape(text))


def print_json(data: Any) -> None:
    print(json_text(data, indent=2))


def corpus_path(args: argparse.Namespace) -> Path:
    return Path(args.corpus or os.environ.get("MATCHER_CORPUS") or DEFAULT_CORPUS)


def index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index or os.environ.get("MATCHER_INDEX_DIR") or DEFAULT_INDEX_DIR)


def open_matcher(args: argparse.Namespace) -> Matcher:
    from matcher.facade import Matcher

    def tell(reason: str) -> None:
        print(f"building the index ({reason.split(';')[0]}) ...", file=sys.stderr)

    return Matcher.open(index_dir(args), corpus=corpus_path(args), on_build=tell)


def write_or_print_bytes(data: bytes, output: str | None, extension: str) -> None:
    if not output:
        sys.stdout.buffer.write(data)  # a pipe or a redirect: the terminal case was refused
        return
    target = output_target(output, extension)
    try:
        write_bytes_atomic(target, data)
    except OSError as exc:
        raise StorageError.from_os_error(exc, f"cannot write {target}", "another -o FILE") from exc
    print(f"wrote {target}", file=sys.stderr)


def write_or_print(text: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(text)
        return
    target = output_target(output, "md")
    try:
        write_text_atomic(target, text)
    except OSError as exc:
        raise StorageError.from_os_error(exc, f"cannot write {target}", "another -o FILE") from exc
    print(f"wrote {target}", file=sys.stderr)


def output_target(output: str, extension: str) -> Path:
    target = Path(output)
    if not target.parent.exists():
        raise InputError(f"folder {target.parent} does not exist")
    if target.is_dir():
        raise InputError(
            f"{target} is a folder; give a file name, e.g. {target / ('brief.' + extension)}"
        )
    return target


def reviews_dir(args: argparse.Namespace) -> Path:
    """--reviews DIR, else $MATCHER_REVIEWS_DIR, else reviews/ beside the index folder."""
    from matcher.overlaps.reviews import default_reviews_dir

    chosen = getattr(args, "reviews", None) or os.environ.get("MATCHER_REVIEWS_DIR")
    return Path(chosen) if chosen else default_reviews_dir(index_dir(args))


def stream_json(lists: dict[str, Sequence[Any]]) -> None:
    """A JSON object of lists written item by item, one item a line, so 10,000 initiatives'
    pairs are never one string in memory (each item has a to_dict())."""
    out = sys.stdout
    out.write("{")
    for n, (key, items) in enumerate(lists.items()):
        out.write(("," if n else "") + f"\n  {json.dumps(key)}: [")
        for m, item in enumerate(items):
            out.write(("," if m else "") + "\n    " + json_text(item.to_dict()))
        out.write("\n  ]" if items else "]")
    out.write("\n}\n")
