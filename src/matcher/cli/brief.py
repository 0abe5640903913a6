"""`matcher brief`: a country brief as Markdown, CSV, JSON, Word or PDF."""

from __future__ import annotations

import argparse
import sys

from matcher.cli.output import open_matcher, write_or_print, write_or_print_bytes
from matcher.errors import InputError


def cmd_brief(args: argparse.Namespace) -> int:
    from matcher.brief.model import FORMATS, brief_format
    from matcher.brief.render import render_bytes

    if not args.text:
        raise InputError("give the needs statement as TEXT")
    from matcher.search.request import check_k, clean_query

    check_k(args.k)
    clean_query(" ".join(args.text))
    fmt = brief_format(args.format)
    if FORMATS[fmt].binary and not args.output and sys.stdout.isatty():
        raise InputError(
            f"a {fmt.value} brief is a binary file: write it with -o FILE, "
            f"e.g. -o brief.{FORMATS[fmt].extension}"
        )
    shortlist = [s for s in (args.shortlist or "").split(",") if s.strip()]
    brief = open_matcher(args).brief(" ".join(args.text), shortlist=shortlist or None, k=args.k)
    data = render_bytes(brief, fmt, args.lang)
    if FORMATS[fmt].binary:
        write_or_print_bytes(data, args.output, fmt.value)
    else:
        write_or_print(data.decode("utf-8"), args.output)
    return 0
