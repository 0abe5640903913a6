"""The `matcher` command line: argparse front end over the Matcher facade, each command in its
module (corpus, index, search, brief, overlaps, review, evaluate, serve).

Expected errors print one line on stderr and exit non-zero:
2 bad input or usage, 3 bad catalogue file, 4 index missing/stale/damaged and not rebuilt,
5 a model package missing, 6 another build or import of the same folder or file is running,
7 the operating system refused a file operation (read-only, no permission, disk full),
130 interrupted.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence

from matcher.brief.model import BriefFormat
from matcher.cli.brief import cmd_brief
from matcher.cli.corpus import cmd_corpus, cmd_show
from matcher.cli.demand import cmd_demand
from matcher.cli.evaluate import cmd_eval
from matcher.cli.index import cmd_index
from matcher.cli.interest import HELP as INTEREST_FORMATS
from matcher.cli.interest import cmd_interest
from matcher.cli.output import error_line
from matcher.cli.overlaps import cmd_diff, cmd_overlaps, cmd_similar
from matcher.cli.review import cmd_review
from matcher.cli.search import cmd_search
from matcher.cli.serve import cmd_serve
from matcher.errors import InputError, MatcherError, StorageError
from matcher.i18n.messages import LANGUAGES
from matcher.limits import limits_from_env


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = ""
        if message.startswith("unrecognized arguments: -"):
            hint = "; a statement that starts with '-' goes after `--`"
        # argparse quotes the value it refused whole: keep 80 characters of it
        message = re.sub(r"'([^']{80})[^']+'", r"'\1...'", message)
        raise InputError(f"{message}{hint} (see `{self.prog} --help`)")


def _finite_float(value: str) -> float:
    """A float that is a number: `nan` would silently drop every result, `inf` too."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"must be a finite number (got {value!r})")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="matcher",
        description="Match a country's needs to Global Coalition initiatives.",
    )
    parser.add_argument(
        "--index", metavar="DIR", help="index folder (default: $MATCHER_INDEX_DIR or index/)"
    )
    parser.add_argument(
        "--corpus",
        metavar="FILE",
        help="catalogue file (default: $MATCHER_CORPUS or corpus/initiatives.jsonl)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("corpus", help="summarise, rebuild, change, or go back in the catalogue")
    p.add_argument(
        "action",
        nargs="?",
        choices=["summary", "build", "import", "remove", "history", "changes", "revert"],
        default="summary",
    )
    p.add_argument(
        "items",
        nargs="*",
        metavar="FILE|ID|VERSION",
        help="import: a .jsonl or .csv file; remove: initiative ids; revert: a version number",
    )
    p.add_argument("--page", help="for `build`: the page text (default: corpus/ page)")
    p.add_argument(
        "--replace",
        action="store_true",
        help="for `import`: the file is the whole new catalogue (ids not in it are removed)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="show what would change (word diffs), write nothing"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("show", help="print one initiative")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("index", help="build the index or report its state")
    p.add_argument("action", choices=["build", "status"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help="find initiatives for a needs statement")
    p.add_argument("text", nargs="*", help="the needs, in any language")
    p.add_argument(
        "--batch",
        metavar="FILE",
        help="JSON list of {qid, query[, country]}; JSON lines out",
    )
    p.add_argument(
        "--country",
        metavar="NAME",
        help="the writer's country, a name or ISO code (default: the first place the "
        "statement names); region-limited programmes elsewhere are other-region-only",
    )
    p.add_argument("--k", type=int, default=10, help="how many results (1-200, default 10)")
    p.add_argument("--swg", help="only this sub-working group, e.g. 1.2")
    p.add_argument("--org", help="only initiatives naming this organisation, e.g. WCO")
    p.add_argument("--region", help="only initiatives limited to this region, or 'global'")
    p.add_argument(
        "--min-score", type=_finite_float, default=0.0, help="drop results scoring below"
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--record",
        action="store_true",
        help="record this search's needs, statuses and ids for the demand picture (`demand`)",
    )
    p.add_argument("--reviews", metavar="DIR", help="with --record: the review store's folder")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("brief", help="export a country brief (Markdown, CSV, JSON, Word or PDF)")
    p.add_argument("text", nargs="*", help="the needs statement")
    p.add_argument(
        "--format",
        choices=[f.value for f in BriefFormat],
        default="md",
        help="md (default), csv or json as text; docx or pdf as a file (with -o)",
    )
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="the brief's language (default: the statement's); CSV and JSON keys stay English",
    )
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.add_argument("--shortlist", help="comma-separated initiative ids to include (default: top k)")
    p.add_argument("--k", type=int, default=10)
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser(
        "interest", help="expression-of-interest letters, one per implementing organisation"
    )
    p.add_argument("text", nargs="*", help="the needs statement")
    p.add_argument("--ids", required=True, help="comma-separated initiative ids, e.g. 1204,2209")
    p.add_argument("--country", help="the writer's country, named in the letters")
    p.add_argument(
        "--lang", choices=LANGUAGES, help="the letters' language (default: the statement's)"
    )
    p.add_argument("--format", choices=["md", "eml", "docx"], default="md", help=INTEREST_FORMATS)
    p.add_argument("-o", "--output", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_interest)

    p = sub.add_parser("overlaps", help="duplicate and overlapping initiatives, with clusters")
    p.add_argument(
        "--class",
        dest="cls",
        choices=["verbatim", "near-duplicate", "different-scope", "family", "thematic-overlap"],
    )
    p.add_argument("--min-score", type=float, default=0.0)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--format",
        choices=["text", "md", "csv", "html"],
        default="text",
        help="md, csv or html (printable): a report for a secretariat meeting, with the "
        "review's decisions and open items by cluster when a review store exists",
    )
    p.add_argument("-o", "--output", help="write the report to FILE")
    p.add_argument("--reviews", metavar="DIR", help="the review store folder (see `review`)")
    p.add_argument(
        "--all", action="store_true", help="with --json: every candidate pair (the review queue)"
    )
    p.set_defaults(func=cmd_overlaps)

    p = sub.add_parser("review", help="the secretariat's review of candidate overlaps")
    p.add_argument("action", choices=["list", "decide", "export"])
    p.add_argument("rest", nargs="*", help="for `decide`: A B duplicate|family|overlap|not-related")
    p.add_argument("--note", help="for `decide`: a note kept with the decision")
    p.add_argument("--json", action="store_true", help="for `list`: print JSON")
    p.add_argument("--limit", type=int, help="for `list`: at most this many pairs")
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="for `export`")
    p.add_argument("-o", "--output", help="for `export`: write to FILE")
    p.add_argument(
        "--reviews",
        metavar="DIR",
        help="decision store folder (default: $MATCHER_REVIEWS_DIR or reviews/ beside the index)",
    )
    p.set_defaults(func=cmd_review)

    p = sub.add_parser(
        "demand", help="what recorded searches asked: needs, recurring gaps, programmes, regions"
    )
    p.add_argument("--since", metavar="DATE", help="only searches from this day on (YYYY-MM-DD)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON (as GET /demand)")
    out.add_argument("--csv", action="store_true", help="print CSV")
    p.add_argument("--forget", action="store_true", help="delete recorded searches, say how many")
    p.add_argument("--before", metavar="DATE", help="with --forget: only those before this day")
    p.add_argument(
        "--reviews",
        metavar="DIR",
        help="the review store's folder, where demand.sqlite3 lives (default: as `review`)",
    )
    p.set_defaults(func=cmd_demand)

    p = sub.add_parser("diff", help="word-level differences between two initiatives")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("similar", help="initiatives closest to one initiative")
    p.add_argument("id")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("eval", help="nDCG@10, Recall@10 and MRR@10 on a judged query file")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--per-query", action="store_true", help="with --json: include each query")
    p.add_argument("--needs", action="store_true", help="also measure need coverage and gaps")
    p.add_argument("--out-of-scope", metavar="FILE", help="statements whose needs are gaps")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="run the HTTP API (OpenAPI docs at /docs)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    p.add_argument(
        "--record-demand",
        action="store_true",
        help="record each search's needs for the demand picture (as MATCHER_DEMAND=on)",
    )
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    try:
        limits_from_env()  # a bad MATCHER_MAX_* setting is one line, not a silent default
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except MatcherError as exc:
        print(f"error: {error_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # one the commands did not foresee: still one line, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        error = StorageError.from_os_error(exc, f"{where}operation failed", "another location")
        print(f"error: {error_line(str(error))}", file=sys.stderr)
        return error.exit_code
