"""`matcher search`: one statement, or a --batch file of them as JSON lines."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.cli.demand import record_search
from matcher.cli.output import echo, error_line, open_matcher, print_json
from matcher.errors import InputError
from matcher.reading.countries import resolve_country
from matcher.text import json_text

if TYPE_CHECKING:
    from matcher.search.results import SearchResult


def _filters(args: argparse.Namespace) -> Any:
    from matcher.search.request import Filters

    return Filters(args.swg, args.org, args.region)


def cmd_search(args: argparse.Namespace) -> int:
    if args.batch:
        return _search_batch(args)
    if not args.text:
        raise InputError("give the needs as TEXT, or a query file with --batch FILE")
    from matcher.search.request import check_k, clean_query

    check_k(args.k)
    clean_query(" ".join(args.text))
    if args.country is not None:
        resolve_country(args.country)  # a bad name fails before the models load
    matcher = open_matcher(args)
    result = matcher.search(
        " ".join(args.text),
        k=args.k,
        filters=_filters(args),
        min_score=args.min_score,
        country=args.country,
    )
    record_search(args, result)  # only with --record or MATCHER_DEMAND=on (issue 23)
    if args.json:
        print_json(result.to_dict())
        return 0
    for notice in result.notices:
        echo(f"note: {notice}")
    _print_reading(result)
    echo()
    for n, m in enumerate(result.results, start=1):
        orgs = ", ".join(m.organizations) or "organisation not named"
        echo(f"{n:>2}. [{m.match}] {m.id}: {m.title}")
        echo(f"     {m.sub_working_group} | {orgs} | {m.region_note or 'global'} | score {m.score}")
        echo(f"     why: {m.passage[:220]}{'...' if len(m.passage) > 220 else ''}")
        if m.highlights:
            echo(f"     matched terms: {', '.join(m.highlights)}")
        if len(result.needs) > 1 and m.needs:
            echo(f"     serves: {'; '.join(m.needs)}")
    if not result.results:
        echo("no initiative matched")
    return 0


def _print_reading(result: SearchResult) -> None:
    """What we read: the needs with what serves each, the context, and the gaps."""
    echo("What we read:")
    for need in result.needs:
        if need.status == "served":
            verdict = f"served by {', '.join(need.results)}"
        elif need.status == "other-region-only":
            verdict = (
                f"offered only to other regions ({', '.join(need.results)}); "
                f"probably not served for you: {need.p_gap:.2f}"
            )
        elif need.status == "out-of-scope":
            verdict = "outside the catalogue's field: nothing in it serves this"
        else:
            verdict = f"GAP, probably not served: {need.p_gap:.2f}"
        echo(f"  need: {need.text}: {verdict}")
    context = result.context
    if result.country:
        echo(f"  writer's country: {result.country}")
    if context.places:
        echo(f"  place: {', '.join(context.places)}")
    if context.actors:
        echo(f"  asking: {', '.join(context.actors)}")
    for existing in context.existing:
        echo(f"  already has: {existing}")
    for gap in result.gaps:
        echo(f"No initiative in the catalogue addresses: {gap}")
    for text in result.other_region_only:
        echo(f"Offered only to other regions: {text}")


def _read_batch(path: Path) -> str:
    """A batch file: a regular file within the import limit for a file read whole, so
    `/dev/zero` or a FIFO is one line, not memory without end or a hang."""
    from matcher.catalogue.records import read_text
    from matcher.errors import CorpusError

    try:
        return read_text(
            path,
            expected="a JSON file: a list of {qid, query}",
            too_large="a batch file read whole; split it into several batches",
        )
    except CorpusError as exc:
        raise InputError(str(exc)) from None


def _search_batch(args: argparse.Namespace) -> int:
    from matcher.evaluate import load_queries
    from matcher.search.request import check_k
    from matcher.search.results import batch_line

    queries = load_queries(args.batch, judged=False, read=_read_batch)
    check_k(args.k)
    if args.country is not None:
        resolve_country(args.country)
    filters = _filters(args)
    matcher = open_matcher(args)
    matcher.check_filters(filters)  # a bad filter fails the whole batch, before any query
    failed = 0
    for q in queries:
        try:
            line = batch_line(
                q.qid,
                matcher.search(
                    q.query,
                    k=args.k,
                    filters=filters,
                    min_score=args.min_score,
                    country=q.country if q.country is not None else args.country,
                ),
            )
        except InputError as exc:  # one unusable query does not cost the others their answers
            failed += 1
            line = batch_line(q.qid, None, str(exc))
            print(f"error: query {error_line(str(q.qid))}: {error_line(str(exc))}", file=sys.stderr)
        print(json_text(line))
    return 2 if failed == len(queries) and queries else 0
