"""`matcher interest`: expression-of-interest letters for chosen programmes, one per
implementing organisation, as Markdown, e-mail or Word."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from matcher.cli.output import open_matcher, write_or_print, write_or_print_bytes
from matcher.errors import InputError

HELP = (
    "md (default) to standard output or -o FILE; eml: one e-mail per organisation, ready to "
    "send (several organisations give a .zip of .eml files); docx: a Word document, a page per "
    "letter (with -o)"
)


def cmd_interest(args: argparse.Namespace) -> int:
    from matcher.i18n.messages import detect_language
    from matcher.interest import LetterFormat, check_ids, letter_format, render_letters
    from matcher.search.request import clean_query

    if not args.text:
        raise InputError("give the needs statement as TEXT")
    statement = " ".join(args.text)
    clean_query(statement)
    ids = [i for i in (args.ids or "").split(",") if i.strip()]
    try:
        fmt = letter_format(args.format)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if fmt is not LetterFormat.MARKDOWN and not args.output and sys.stdout.isatty():
        raise InputError(f"{fmt.value} letters are a file: write them with -o FILE")
    matcher = open_matcher(args)
    check_ids(ids, matcher.corpus)
    letters = matcher.interest_letters(statement, ids, country=args.country or "")
    made = render_letters(letters, fmt, args.lang or detect_language(statement))
    if fmt is LetterFormat.MARKDOWN:
        write_or_print(made.content.decode("utf-8"), args.output)
        return 0
    output = args.output
    if output and made.extension == "zip" and not output.lower().endswith(".zip"):
        output = str(Path(output).with_suffix(".zip"))  # several organisations: a zip of .eml
    write_or_print_bytes(made.content, output, made.extension)
    return 0
