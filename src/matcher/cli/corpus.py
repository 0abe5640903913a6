"""`matcher corpus` (summary, build, import, remove, history, changes, revert) and `matcher show`:
the catalogue and its versions. Changing the catalogue is catalogue.changes; this prints it."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matcher.catalogue.model import Corpus
from matcher.catalogue.parse import load_corpus, parse_page, read_text, upsert, without
from matcher.cli.output import corpus_path, echo, escape, print_json
from matcher.errors import CorpusError, InputError
from matcher.settings import DEFAULT_PAGE


def corpus_summary(corpus: Corpus) -> dict[str, Any]:
    """Counts per sub-working group, organisation and region."""
    groups: dict[str, dict[str, Any]] = {}
    for ini in corpus:
        g = groups.setdefault(
            ini.sub_working_group,
            {
                "code": ini.sub_working_group,
                "title": ini.sub_working_group_title,
                "pillar": ini.pillar,
                "count": 0,
                "ids": [],
            },
        )
        g["count"] += 1
        g["ids"].append(ini.id)
    orgs = Counter(o for ini in corpus for o in ini.organizations)
    regions = Counter(r for ini in corpus for r in ini.regions)
    return {
        "source": corpus.source,
        "initiatives": len(corpus),
        "sub_working_groups": list(groups.values()),
        "organizations": dict(orgs.most_common()),
        "regions": dict(regions.most_common()),
        "global_initiatives": sum(1 for ini in corpus if not ini.regions),
        "without_named_organization": [ini.id for ini in corpus if not ini.organizations],
        "ids": corpus.ids,
    }


def _ids(ids: Sequence[str], most: int = 10) -> str:
    more = f" and {len(ids) - most} more" if len(ids) > most else ""
    return f" ({', '.join(ids[:most])}{more})" if ids else ""


def _print_changes(changes: Any, *, diffs: bool) -> None:
    from matcher.catalogue.versions import ChangeKind
    from matcher.overlaps.report import render_diff

    marks = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.CHANGED: "~"}
    for c in changes.changes:
        what = f" ({', '.join(c.fields)} changed)" if c.fields else ""
        echo(f"{marks[c.kind]} {c.id}: {c.title}{what}")
        if diffs and c.diff:
            echo(f"    {render_diff(c.diff)}")


def _change_catalogue(
    args: argparse.Namespace,
    action: str,
    source: str,
    make: Any,
    reverts: int | None = None,
) -> int:
    """Read the catalogue, make the new one, show or apply the change: one step, under the lock."""
    from matcher.catalogue.changes import change_catalogue
    from matcher.catalogue.versions import ChangeKind

    def waiting(pid: str) -> None:
        print(f"waiting for the catalogue import running in pid {pid} to end ...", file=sys.stderr)

    def unreadable(exc: CorpusError) -> None:
        print(f"note: {escape(str(exc))}; it is kept as a version", file=sys.stderr)

    new, version, changes = change_catalogue(
        corpus_path(args),
        action,
        source,
        make,
        reverts=reverts,
        dry_run=args.dry_run,
        on_wait=waiting,
        on_unreadable=unreadable,
    )
    counts = changes.counts
    if args.json:
        print_json(
            {
                **changes.to_dict(),
                "initiatives": len(new),
                "version": version.to_dict() if version else None,
                "dry_run": bool(args.dry_run),
            }
        )
        return 0
    if args.dry_run:
        _print_changes(changes, diffs=True)
    added, changed, removed = (
        [c.id for c in changes.of(kind)]
        for kind in (ChangeKind.ADDED, ChangeKind.CHANGED, ChangeKind.REMOVED)
    )
    echo(
        f"{source}: {counts['added']} added{_ids(added)}, {counts['changed']} changed"
        f"{_ids(changed)}, {counts['removed']} removed{_ids(removed)}, "
        f"{counts['unchanged']} unchanged; the catalogue "
        f"{'would hold' if args.dry_run else 'now holds'} {len(new)} initiatives"
    )
    if action == "build" and removed:
        echo(
            f"note: {len(removed)} initiative(s) not on the page are removed (imported ones "
            "among them); `matcher corpus revert` brings them back"
        )
    if args.dry_run:
        echo("dry run: nothing written")
    elif version is None:
        echo("nothing changed; no new version")
    else:
        undo = (
            f"; `matcher corpus revert {version.number - 1}` undoes it"
            if version.number > 1
            else ""
        )
        echo(f"kept as catalogue version {version.number}{undo}")
        if added or changed:
            echo(
                "the index re-embeds only the added and changed initiatives, at the next search "
                "or `matcher index build`"
            )
    return 0


def _version_number(items: Sequence[str]) -> int:
    if len(items) != 1 or not items[0].isdigit():
        raise InputError(
            "`matcher corpus revert` needs one VERSION number; `matcher corpus history` lists them"
        )
    return int(items[0])


def _one_file(items: Sequence[str]) -> str:
    if len(items) != 1:
        raise InputError("`matcher corpus import` needs one FILE (.jsonl or .csv)")
    return items[0]


def cmd_corpus_history(args: argparse.Namespace) -> int:
    from matcher.catalogue.versions import CatalogueVersions

    versions = CatalogueVersions(corpus_path(args))
    if args.action == "changes":
        last = versions.last_changes()
        if args.json:
            print_json({"version": last[0].to_dict(), **last[1].to_dict()} if last else None)
        elif last is None:
            echo("no change kept yet: the catalogue has fewer than two versions")
        else:
            version, changes = last
            echo(
                f"version {version.number} ({version.action} of {version.source}, "
                f"{version.created_at}):"
            )
            _print_changes(changes, diffs=True)
        return 0
    history = versions.history()
    if args.json:
        print_json([v.to_dict() for v in history])
        return 0
    if not history:
        echo(f"no versions kept yet for {versions.catalogue}: the first change starts them")
    for v in history:
        counts = f"+{len(v.added)} ~{len(v.changed)} -{len(v.removed)}"
        mark = "  (current)" if v.current else ""
        echo(
            f"{v.number:>4}  {v.created_at}  {v.action:<7} {v.initiatives:>5} initiatives  "
            f"{counts:<12} {v.source}{mark}"
        )
    return 0


def cmd_corpus(args: argparse.Namespace) -> int:
    items: list[str] = args.items
    if args.action in ("history", "changes"):
        return cmd_corpus_history(args)
    if args.action == "build":
        page = Path(args.page or DEFAULT_PAGE)
        corpus = parse_page(read_text(page), source=str(page))
        return _change_catalogue(args, "build", str(page), lambda _old: corpus)
    if args.action == "import":
        extra = load_corpus(_one_file(items))
        if args.replace:
            return _change_catalogue(args, "import", extra.source, lambda _old: extra)
        return _change_catalogue(args, "import", extra.source, lambda old: upsert(old, extra))
    if args.action == "remove":
        if not items:
            raise InputError("`matcher corpus remove` needs the ID(s) of initiatives to remove")
        return _change_catalogue(
            args, "remove", f"remove {' '.join(items)}", lambda old: without(old, items)
        )
    if args.action == "revert":
        from matcher.catalogue.versions import CatalogueVersions

        number = _version_number(items)
        target = CatalogueVersions(corpus_path(args)).snapshot(number)
        return _change_catalogue(
            args, "revert", f"version {number}", lambda _old: target, reverts=number
        )
    corpus = load_corpus(corpus_path(args))
    summary = corpus_summary(corpus)
    if args.json:
        print_json(summary)
        return 0
    echo(f"{summary['initiatives']} initiatives in {summary['source']}")
    for g in summary["sub_working_groups"]:
        echo(f"  {g['code']}  {g['count']:>3}  {g['title']}")
    echo("organisations: " + ", ".join(f"{k} ({v})" for k, v in summary["organizations"].items()))
    echo("regions: " + ", ".join(f"{k} ({v})" for k, v in summary["regions"].items()))
    echo(f"global (no regional limit): {summary['global_initiatives']}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ini = load_corpus(corpus_path(args)).get(args.id)
    if args.json:
        print_json(ini.to_dict())
        return 0
    echo(f"{ini.id}: {ini.title}")
    echo(f"Sub-working group {ini.sub_working_group} - {ini.sub_working_group_title}")
    echo(f"Organisations: {', '.join(ini.organizations) or 'not named in the text'}")
    echo(f"Regions: {', '.join(ini.regions) or 'global'}\n")
    echo(ini.text)
    return 0
