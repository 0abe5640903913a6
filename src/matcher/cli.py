"""The `matcher` command line: argparse front end over the Matcher facade.

Expected errors print one line on stderr and exit non-zero:
2 bad input or usage, 3 bad catalogue file, 4 index missing/stale/damaged and not rebuilt,
5 a model package missing, 6 another build or import of the same folder or file is running,
7 the operating system refused a file operation (read-only, no permission, disk full),
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.brief.model import BriefFormat
from matcher.catalogue.model import Corpus
from matcher.catalogue.parse import (
    load_corpus,
    parse_page,
    read_text,
    upsert,
    without,
    write_bytes_atomic,
    write_text_atomic,
)
from matcher.errors import CorpusError, InputError, MatcherError, StorageError
from matcher.i18n.messages import LANGUAGES
from matcher.limits import limits_from_env
from matcher.settings import DEFAULT_CORPUS, DEFAULT_INDEX_DIR, DEFAULT_PAGE

if TYPE_CHECKING:
    from matcher.engine import Matcher
    from matcher.search.results import SearchResult


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = ""
        if message.startswith("unrecognized arguments: -"):
            hint = "; a statement that starts with '-' goes after `--`"
        # argparse quotes the value it refused whole: keep 80 characters of it
        message = re.sub(r"'([^']{80})[^']+'", r"'\1...'", message)
        raise InputError(f"{message}{hint} (see `{self.prog} --help`)")


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but newline and tab: a terminal obeys them (clear it, retitle it)."""


def _escape(text: str) -> str:
    """Control characters shown as `\\x1b` rather than sent to the terminal."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _error_line(text: str) -> str:
    """An error message as one terminal line: controls escaped, line breaks shown as `\\n`."""
    return _escape(text.replace("\r", "\\r").replace("\n", "\\n"))


def _echo(text: str = "") -> None:
    """Print a line of human-readable output, with any control character in it escaped."""
    print(_escape(text))


def _json_text(data: Any, **kwargs: Any) -> str:
    """JSON escapes C0 controls itself; DEL and the C1 range (0x9b is a CSI) pass raw unless
    escaped, and `\\u009b` is the same JSON value."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _print_json(data: Any) -> None:
    print(_json_text(data, indent=2))


def _corpus_path(args: argparse.Namespace) -> Path:
    return Path(args.corpus or os.environ.get("MATCHER_CORPUS") or DEFAULT_CORPUS)


def _index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index or os.environ.get("MATCHER_INDEX_DIR") or DEFAULT_INDEX_DIR)


def _open(args: argparse.Namespace) -> Matcher:
    from matcher.engine import Matcher

    def tell(reason: str) -> None:
        print(f"building the index ({reason.split(';')[0]}) ...", file=sys.stderr)

    return Matcher.open(_index_dir(args), corpus=_corpus_path(args), on_build=tell)


# ---------------------------------------------------------------------- corpus
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
        _echo(f"{marks[c.kind]} {c.id}: {c.title}{what}")
        if diffs and c.diff:
            _echo(f"    {render_diff(c.diff)}")


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
        print(f"note: {_escape(str(exc))}; it is kept as a version", file=sys.stderr)

    new, version, changes = change_catalogue(
        _corpus_path(args),
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
        _print_json(
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
    _echo(
        f"{source}: {counts['added']} added{_ids(added)}, {counts['changed']} changed"
        f"{_ids(changed)}, {counts['removed']} removed{_ids(removed)}, "
        f"{counts['unchanged']} unchanged; the catalogue "
        f"{'would hold' if args.dry_run else 'now holds'} {len(new)} initiatives"
    )
    if action == "build" and removed:
        _echo(
            f"note: {len(removed)} initiative(s) not on the page are removed (imported ones "
            "among them); `matcher corpus revert` brings them back"
        )
    if args.dry_run:
        _echo("dry run: nothing written")
    elif version is None:
        _echo("nothing changed; no new version")
    else:
        undo = (
            f"; `matcher corpus revert {version.number - 1}` undoes it"
            if version.number > 1
            else ""
        )
        _echo(f"kept as catalogue version {version.number}{undo}")
        if added or changed:
            _echo(
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

    versions = CatalogueVersions(_corpus_path(args))
    if args.action == "changes":
        last = versions.last_changes()
        if args.json:
            _print_json({"version": last[0].to_dict(), **last[1].to_dict()} if last else None)
        elif last is None:
            _echo("no change kept yet: the catalogue has fewer than two versions")
        else:
            version, changes = last
            _echo(
                f"version {version.number} ({version.action} of {version.source}, "
                f"{version.created_at}):"
            )
            _print_changes(changes, diffs=True)
        return 0
    history = versions.history()
    if args.json:
        _print_json([v.to_dict() for v in history])
        return 0
    if not history:
        _echo(f"no versions kept yet for {versions.catalogue}: the first change starts them")
    for v in history:
        counts = f"+{len(v.added)} ~{len(v.changed)} -{len(v.removed)}"
        mark = "  (current)" if v.current else ""
        _echo(
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
        target = CatalogueVersions(_corpus_path(args)).snapshot(number)
        return _change_catalogue(
            args, "revert", f"version {number}", lambda _old: target, reverts=number
        )
    corpus = load_corpus(_corpus_path(args))
    summary = corpus_summary(corpus)
    if args.json:
        _print_json(summary)
        return 0
    _echo(f"{summary['initiatives']} initiatives in {summary['source']}")
    for g in summary["sub_working_groups"]:
        _echo(f"  {g['code']}  {g['count']:>3}  {g['title']}")
    _echo("organisations: " + ", ".join(f"{k} ({v})" for k, v in summary["organizations"].items()))
    _echo("regions: " + ", ".join(f"{k} ({v})" for k, v in summary["regions"].items()))
    _echo(f"global (no regional limit): {summary['global_initiatives']}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ini = load_corpus(_corpus_path(args)).get(args.id)
    if args.json:
        _print_json(ini.to_dict())
        return 0
    _echo(f"{ini.id}: {ini.title}")
    _echo(f"Sub-working group {ini.sub_working_group} - {ini.sub_working_group_title}")
    _echo(f"Organisations: {', '.join(ini.organizations) or 'not named in the text'}")
    _echo(f"Regions: {', '.join(ini.regions) or 'global'}\n")
    _echo(ini.text)
    return 0


# ---------------------------------------------------------------------- index
def cmd_index(args: argparse.Namespace) -> int:
    from matcher.search.encoders import default_encoders
    from matcher.search.index import build_index, index_status
    from matcher.settings import Settings

    corpus = load_corpus(_corpus_path(args))
    encoders = default_encoders(Settings().dense_models)
    if args.action == "build":
        report = build_index(_index_dir(args), corpus, encoders, Settings())
        data = report.__dict__
        if args.json:
            _print_json(data)
        else:
            _echo(
                f"index built in {report.index_dir}: {report.initiatives} initiatives, "
                f"{report.passages} passages, embedded {report.embedded}, reused {report.reused}, "
                f"resumed {report.resumed}, passages/s {report.per_second}, {report.seconds} s"
            )
        return 0
    status = index_status(_index_dir(args), corpus, encoders, Settings())
    if args.json:
        _print_json(status)
    elif status["state"] == "current":
        _echo(
            f"index in {status['index_dir']} is current: {status['counts']}, built "
            f"{status['created_at']}, models {status['models']}"
        )
    else:
        _echo(f"index in {status['index_dir']} is {status['state']}: {status['problem']}")
    return 0 if status["state"] == "current" else 4


# ---------------------------------------------------------------------- search
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
    matcher = _open(args)
    result = matcher.search(
        " ".join(args.text), k=args.k, filters=_filters(args), min_score=args.min_score
    )
    if args.json:
        _print_json(result.to_dict())
        return 0
    for notice in result.notices:
        _echo(f"note: {notice}")
    _print_reading(result)
    _echo()
    for n, m in enumerate(result.results, start=1):
        orgs = ", ".join(m.organizations) or "organisation not named"
        _echo(f"{n:>2}. [{m.match}] {m.id}: {m.title}")
        _echo(
            f"     {m.sub_working_group} | {orgs} | {m.region_note or 'global'} | score {m.score}"
        )
        _echo(f"     why: {m.passage[:220]}{'...' if len(m.passage) > 220 else ''}")
        if m.highlights:
            _echo(f"     matched terms: {', '.join(m.highlights)}")
        if len(result.needs) > 1 and m.needs:
            _echo(f"     serves: {'; '.join(m.needs)}")
    if not result.results:
        _echo("no initiative matched")
    return 0


def _print_reading(result: SearchResult) -> None:
    """What we read: the needs with what serves each, the context, and the gaps."""
    _echo("What we read:")
    for need in result.needs:
        if need.status == "served":
            verdict = f"served by {', '.join(need.results)}"
        elif need.status == "other-region-only":
            verdict = (
                f"offered only to other regions ({', '.join(need.results)}); "
                f"probably not served for you: {need.p_gap:.2f}"
            )
        else:
            verdict = f"GAP, probably not served: {need.p_gap:.2f}"
        _echo(f"  need: {need.text}: {verdict}")
    context = result.context
    if context.places:
        _echo(f"  place: {', '.join(context.places)}")
    if context.actors:
        _echo(f"  asking: {', '.join(context.actors)}")
    for existing in context.existing:
        _echo(f"  already has: {existing}")
    for gap in result.gaps:
        _echo(f"No initiative in the catalogue addresses: {gap}")
    for text in result.other_region_only:
        _echo(f"Offered only to other regions: {text}")


def _search_batch(args: argparse.Namespace) -> int:
    from matcher.evaluate import load_queries
    from matcher.search.request import check_k
    from matcher.search.results import batch_line

    queries = load_queries(args.batch, judged=False)
    check_k(args.k)
    filters = _filters(args)
    matcher = _open(args)
    matcher.check_filters(filters)  # a bad filter fails the whole batch, before any query
    failed = 0
    for q in queries:
        try:
            line = batch_line(
                q.qid, matcher.search(q.query, k=args.k, filters=filters, min_score=args.min_score)
            )
        except InputError as exc:  # one unusable query does not cost the others their answers
            failed += 1
            line = batch_line(q.qid, None, str(exc))
            print(
                f"error: query {_error_line(str(q.qid))}: {_error_line(str(exc))}", file=sys.stderr
            )
        print(_json_text(line))
    return 2 if failed == len(queries) and queries else 0


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
    brief = _open(args).brief(" ".join(args.text), shortlist=shortlist or None, k=args.k)
    data = render_bytes(brief, fmt, args.lang)
    if FORMATS[fmt].binary:
        _write_or_print_bytes(data, args.output, fmt.value)
    else:
        _write_or_print(data.decode("utf-8"), args.output)
    return 0


def _write_or_print_bytes(data: bytes, output: str | None, extension: str) -> None:
    if not output:
        sys.stdout.buffer.write(data)  # a pipe or a redirect: the terminal case was refused
        return
    target = _output_target(output, extension)
    try:
        write_bytes_atomic(target, data)
    except OSError as exc:
        raise StorageError.from_os_error(exc, f"cannot write {target}", "another -o FILE") from exc
    print(f"wrote {target}", file=sys.stderr)


def _write_or_print(text: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(text)
        return
    target = _output_target(output, "md")
    try:
        write_text_atomic(target, text)
    except OSError as exc:
        raise StorageError.from_os_error(exc, f"cannot write {target}", "another -o FILE") from exc
    print(f"wrote {target}", file=sys.stderr)


def _output_target(output: str, extension: str) -> Path:
    target = Path(output)
    if not target.parent.exists():
        raise InputError(f"folder {target.parent} does not exist")
    if target.is_dir():
        raise InputError(
            f"{target} is a folder; give a file name, e.g. {target / ('brief.' + extension)}"
        )
    return target


def cmd_overlaps(args: argparse.Namespace) -> int:
    from matcher.overlaps import report as overlap_report

    if not 0.0 <= args.min_score <= 1.0:
        raise InputError(f"min-score must be between 0 and 1 (got {args.min_score})")
    matcher = _open(args)
    pairs, clusters = matcher.overlaps(cls=args.cls, min_score=args.min_score)
    if args.json:
        listed = matcher.review_candidates() if getattr(args, "all", False) else pairs
        _stream_json({"pairs": listed, "clusters": clusters})
        return 0
    if args.format in ("md", "csv", "html"):
        groups = _review_groups(args, matcher, clusters)
        if args.format == "md":
            text = overlap_report.to_markdown(pairs, clusters, matcher.corpus)
            text += overlap_report.review_markdown(groups, matcher.corpus) if groups else ""
        elif args.format == "csv":
            text = (
                overlap_report.review_csv(groups, matcher.corpus)
                if groups
                else overlap_report.to_csv(pairs, matcher.corpus)
            )
        else:
            text = overlap_report.to_html(pairs, clusters, matcher.corpus, groups)
        _write_or_print(text, args.output)
        return 0
    for c in clusters:
        _echo(f"[{c.cls.value}] {c.label}: {', '.join(c.ids)}")
    _echo()
    for p in pairs:
        _echo(f"{p.a} ~ {p.b}  {p.cls.value:<16} {p.score:.2f}  {p.reason}")
        _echo(f"{'':>15}differs: {p.differs}")
    return 0


def _review_groups(args: argparse.Namespace, matcher: Matcher, clusters: list[Any]) -> list[Any]:
    """The review's decisions and open items by cluster, when a review store exists (a report
    never creates one)."""
    from matcher.overlaps.report import review_groups
    from matcher.overlaps.reviews import DB_NAME, ReviewStore, review_queue

    folder = _reviews_dir(args)
    if not (folder / DB_NAME).exists():
        return []
    decisions = ReviewStore(folder).decisions()
    queue = review_queue(matcher.review_candidates(), decisions, matcher.corpus)
    return review_groups(clusters, decisions, queue)


def _reviews_dir(args: argparse.Namespace) -> Path:
    """--reviews DIR, else $MATCHER_REVIEWS_DIR, else reviews/ beside the index folder."""
    from matcher.overlaps.reviews import default_reviews_dir

    chosen = getattr(args, "reviews", None) or os.environ.get("MATCHER_REVIEWS_DIR")
    return Path(chosen) if chosen else default_reviews_dir(_index_dir(args))


def _stream_json(lists: dict[str, Sequence[Any]]) -> None:
    """A JSON object of lists written item by item, one item a line, so 10,000 initiatives'
    pairs are never one string in memory (each item has a to_dict())."""
    out = sys.stdout
    out.write("{")
    for n, (key, items) in enumerate(lists.items()):
        out.write(("," if n else "") + f"\n  {json.dumps(key)}: [")
        for m, item in enumerate(items):
            out.write(("," if m else "") + "\n    " + _json_text(item.to_dict()))
        out.write("\n  ]" if items else "]")
    out.write("\n}\n")


def cmd_review(args: argparse.Namespace) -> int:
    from matcher.overlaps import report as overlap_report
    from matcher.overlaps.reviews import ReviewStore, check_decision, export_text, review_queue

    if args.action == "decide":
        if len(args.rest) != 3:
            raise InputError(
                "usage: matcher review decide A B duplicate|family|overlap|not-related"
            )
        a_id, b_id, value = args.rest
        decision = check_decision(value)
        corpus = load_corpus(_corpus_path(args))
        a, b = corpus.get(a_id), corpus.get(b_id)
        review = ReviewStore(_reviews_dir(args)).decide(a, b, decision, args.note or "")
        _echo(f"{review.a} ~ {review.b}: {review.decision.value} ({review.decided_at})")
        return 0
    if args.rest:
        raise InputError(f"`review {args.action}` takes no ids (got {' '.join(args.rest)})")
    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be at least 1 (got {args.limit})")
    store = ReviewStore(_reviews_dir(args))
    if args.action == "export":
        corpus = load_corpus(_corpus_path(args))
        _write_or_print(export_text(store.decisions(), corpus, args.format), args.output)
        return 0
    matcher = _open(args)
    queue = review_queue(matcher.review_candidates(), store.decisions(), matcher.corpus)
    if args.limit is not None:
        queue = queue[: args.limit]
    if args.json:
        _print_json(overlap_report.queue_to_dict(queue, matcher.corpus))
        return 0
    for n, item in enumerate(queue, 1):
        s = item.scored
        flag = "  [changed since decided]" if item.changed_since else ""
        cls = s.cls.value if s.cls else "candidate"
        _echo(f"{n:>4}. {s.a} ~ {s.b}  {cls:<16} look {s.look:.2f}  score {s.pair.score:.2f}{flag}")
        _echo(f"{'':>6}{matcher.get(s.a).title[:60]}  |  {matcher.get(s.b).title[:60]}")
        _echo(f"{'':>6}why: {s.pair.reason}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from matcher.catalogue.diff import diff_summary, diff_words
    from matcher.overlaps.report import render_diff

    corpus = load_corpus(_corpus_path(args))
    a, b = corpus.get(args.a), corpus.get(args.b)
    segments = diff_words(a.text, b.text)
    counts = diff_summary(segments)
    if args.json:
        _print_json(
            {
                "a": a.id,
                "b": b.id,
                "words": counts,
                "segments": [{"side": s.side, "text": s.text} for s in segments],
            }
        )
        return 0
    _echo(f"A = {a.id}: {a.title}\nB = {b.id}: {b.title}")
    _echo(
        f"{counts['both']} words shared, {counts['a']} only in A [-...-], "
        f"{counts['b']} only in B {{+...+}}\n"
    )
    _echo(render_diff(segments))
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    from matcher.search.request import check_k
    from matcher.search.results import similar_payload

    check_k(args.k)
    load_corpus(_corpus_path(args)).get(args.id)
    matcher = _open(args)
    pairs = matcher.similar(args.id, k=args.k)
    if args.json:
        _print_json(similar_payload(matcher.get(args.id).id, pairs))
        return 0
    base = matcher.get(args.id)
    _echo(f"closest to {base.id}: {base.title}")
    for ini, s in pairs:
        _echo(f"  {s:.3f}  {ini.id}: {ini.title}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from matcher.evaluate import (
        evaluate,
        evaluate_needs,
        format_report,
        load_out_of_scope,
        load_queries,
    )

    queries = load_queries(args.file)
    matcher = _open(args)
    report = evaluate(queries, lambda q: [m.id for m in matcher.search(q, k=10).results])
    if args.needs or args.out_of_scope:
        oos = load_out_of_scope(args.out_of_scope) if args.out_of_scope else []
        report["needs"] = evaluate_needs(queries, oos, lambda q, k: matcher.search(q, k=k))
    if args.json:
        _print_json({k: v for k, v in report.items() if args.per_query or k != "per_query"})
    else:
        _echo(format_report(report, f"{args.file}: {len(queries)} queries"))
        if "needs" in report:
            needs = {k: v for k, v in report["needs"].items() if k != "out_of_scope_statements"}
            _echo("needs: " + ", ".join(f"{k}={v}" for k, v in needs.items()))
            for row in report["needs"]["out_of_scope_statements"]:
                shown = "; ".join(
                    f"{n['text']} [{'covered' if n['covered'] else 'GAP'}]" for n in row["needs"]
                )
                _echo(f"  {row['qid']}: {shown}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from matcher.api.run import serve

    if not 1 <= args.port <= 65535:
        raise InputError(f"--port must be from 1 to 65535 (got {args.port})")
    if not 1 <= args.workers <= 64:
        raise InputError(f"--workers must be from 1 to 64 (got {args.workers})")
    serve(
        _index_dir(args),
        _corpus_path(args),
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
    )
    return 0


# ---------------------------------------------------------------------- parser
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
    p.add_argument("--batch", metavar="FILE", help="JSON list of {qid, query}; JSON lines out")
    p.add_argument("--k", type=int, default=10, help="how many results (1-200, default 10)")
    p.add_argument("--swg", help="only this sub-working group, e.g. 1.2")
    p.add_argument("--org", help="only initiatives naming this organisation, e.g. WCO")
    p.add_argument("--region", help="only initiatives limited to this region, or 'global'")
    p.add_argument(
        "--min-score", type=_finite_float, default=0.0, help="drop results scoring below"
    )
    p.add_argument("--json", action="store_true")
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

    p = sub.add_parser("overlaps", help="duplicate and overlapping initiatives, with clusters")
    p.add_argument(
        "--class", dest="cls", choices=["verbatim", "near-duplicate", "family", "thematic-overlap"]
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
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    try:
        limits_from_env()  # a bad MATCHER_MAX_* setting is one line, not a silent default
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except MatcherError as exc:
        print(f"error: {_error_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # one the commands did not foresee: still one line, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        error = StorageError.from_os_error(exc, f"{where}operation failed", "another location")
        print(f"error: {_error_line(str(error))}", file=sys.stderr)
        return error.exit_code
