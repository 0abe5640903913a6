"""`matcher demand`: the demand picture from recorded searches, or `--forget` to delete them;
and the recording of one `matcher search --record`."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from matcher.cli.output import echo, open_matcher, print_json, reviews_dir
from matcher.errors import InputError

if TYPE_CHECKING:
    from matcher.search.results import SearchResult


def record_search(args: argparse.Namespace, result: SearchResult) -> bool:
    """Record one search when asked (`--record`) or when the deployment turned recording on
    (`MATCHER_DEMAND=on`); otherwise touch nothing. Returns whether it recorded."""
    from matcher.demand import DemandStore, recording_on, searched

    if not (getattr(args, "record", False) or recording_on(os.environ)):
        return False
    DemandStore(reviews_dir(args)).record(searched(result))
    return True


def cmd_demand(args: argparse.Namespace) -> int:
    from matcher.demand import DemandStore, demand_picture, parse_day, picture_csv

    if args.before and not args.forget:
        raise InputError("--before goes with --forget: `matcher demand --forget --before DATE`")
    store = DemandStore(reviews_dir(args))
    if args.forget:
        deleted = store.forget(parse_day(args.before, "--before"))
        before = f" recorded before {args.before}" if args.before else ""
        echo(f"deleted {deleted} recorded search{'es' if deleted != 1 else ''}{before}")
        return 0
    since = parse_day(args.since, "--since")
    searches = store.searches(since)
    titles = {ini.id: ini.title for ini in open_matcher(args).corpus} if searches else {}
    picture = demand_picture(searches, titles, since or "")
    if args.json:
        print_json(picture.to_dict())
    elif args.csv:
        print(picture_csv(picture), end="")
    else:
        _print(picture)
    return 0


def _print(picture: object) -> None:
    from matcher.demand import DemandPicture

    assert isinstance(picture, DemandPicture)
    echo(f"{picture.searches} recorded searches, {picture.needs} needs")
    if not picture.searches:
        echo("nothing recorded: recording is off unless MATCHER_DEMAND=on or --record")
        return
    echo("Most asked needs:")
    for g in picture.most_asked[:10]:
        echo(f"  {g.count:>3}  {g.label}")
    echo("Recurring gaps (asked at least twice, nothing served them):")
    for g in picture.recurring_gaps[:10]:
        echo(f"  {g.count:>3}  {g.label}")
    if not picture.recurring_gaps:
        echo("  none")
    echo("Programmes most matched:")
    for p in picture.most_matched[:10]:
        echo(f"  {p.count:>3}  {p.id}: {p.title}")
    echo("By region:")
    for r in picture.by_region:
        top = r.needs[0].label if r.needs else "-"
        echo(f"  {r.region}: {r.searches} searches, {len(r.gaps)} gap groups; most asked: {top}")
