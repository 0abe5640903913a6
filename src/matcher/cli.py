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
import os
import re
import sys
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.corpus import (
    Corpus,
    load_corpus,
    merge,
    parse_page,
    read_text,
    write_jsonl,
    write_text_atomic,
)
from matcher.errors import InputError, MatcherError, StorageError
from matcher.locking import exclusive_lock
from matcher.settings import DEFAULT_CORPUS, DEFAULT_INDEX_DIR, DEFAULT_PAGE

IMPORT_LOCK_TIMEOUT = 60.0
"""Seconds an import waits for another import into the same catalogue (imports take seconds)."""

if TYPE_CHECKING:
    from matcher.engine import Matcher
    from matcher.results import SearchResult


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{message} (see `{self.prog} --help`)")


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but newline and tab: a terminal obeys them (clear it, retitle it)."""


def _escape(text: str) -> str:
    """Control characters shown as `\\x1b` rather than sent to the terminal."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


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


def _write_catalogue(corpus: Corpus, target: Path) -> None:
    try:
        write_jsonl(corpus, target)
    except OSError as exc:
        raise StorageError.from_os_error(
            exc, f"cannot write the catalogue {target}", "another file (--corpus or MATCHER_CORPUS)"
        ) from exc


def _catalogue_lock(target: Path) -> AbstractContextManager[None]:
    def tell(pid: str) -> None:
        print(f"waiting for the catalogue import running in pid {pid} to end ...", file=sys.stderr)

    return exclusive_lock(
        target, what="catalogue import", timeout=IMPORT_LOCK_TIMEOUT, on_wait=tell
    )


def cmd_corpus(args: argparse.Namespace) -> int:
    if args.action == "build":
        page = Path(args.page or DEFAULT_PAGE)
        corpus = parse_page(read_text(page), source=str(page))
        target = _corpus_path(args)
        with _catalogue_lock(target):
            _write_catalogue(corpus, target)
        _echo(f"wrote {len(corpus)} initiatives to {target}")
        return 0
    if args.action == "import":
        if not args.file:
            raise InputError("`matcher corpus import` needs a FILE (.jsonl or .csv)")
        extra = load_corpus(args.file)
        target = _corpus_path(args)
        # read, merge and write under one lock: two imports at once both land, neither is lost
        with _catalogue_lock(target):
            merged = merge(load_corpus(target), extra)
            _write_catalogue(merged, target)
        _echo(f"imported {len(extra)} initiatives; the catalogue now holds {len(merged)}")
        return 0
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
    from matcher.encoders import default_encoders
    from matcher.index import build_index, index_status
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
    from matcher.engine import Filters

    return Filters(args.swg, args.org, args.region)


def cmd_search(args: argparse.Namespace) -> int:
    if args.batch:
        return _search_batch(args)
    if not args.text:
        raise InputError("give the needs as TEXT, or a query file with --batch FILE")
    from matcher.engine import check_k, clean_query

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
    from matcher.engine import check_k
    from matcher.evaluate import load_queries

    queries = load_queries(args.batch, judged=False)
    check_k(args.k)
    filters = _filters(args)
    matcher = _open(args)
    matcher.check_filters(filters)  # a bad filter fails the whole batch, before any query
    failed = 0
    for q in queries:
        line: dict[str, Any] = {"qid": q.qid}
        try:
            result = matcher.search(q.query, k=args.k, filters=filters, min_score=args.min_score)
        except InputError as exc:  # one unusable query does not cost the others their answers
            failed += 1
            line.update(results=[], needs=[], context=None, error=str(exc))
            print(f"error: query {_escape(str(q.qid))}: {_escape(str(exc))}", file=sys.stderr)
        else:
            line.update(
                results=[{"id": m.id, "score": m.score} for m in result.results],
                needs=[n.to_dict() for n in result.needs],
                context=result.context.to_dict(),
            )
        print(_json_text(line))
    return 2 if failed == len(queries) and queries else 0


def cmd_brief(args: argparse.Namespace) -> int:
    from matcher.brief import render

    if not args.text:
        raise InputError("give the needs statement as TEXT")
    from matcher.engine import check_k, clean_query

    check_k(args.k)
    clean_query(" ".join(args.text))
    shortlist = [s for s in (args.shortlist or "").split(",") if s.strip()]
    brief = _open(args).brief(" ".join(args.text), shortlist=shortlist or None, k=args.k)
    _write_or_print(render(brief, args.format), args.output)
    return 0


def _write_or_print(text: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(text)
        return
    target = Path(output)
    if not target.parent.exists():
        raise InputError(f"folder {target.parent} does not exist")
    if target.is_dir():
        raise InputError(f"{target} is a folder; give a file name, e.g. {target / 'brief.md'}")
    try:
        write_text_atomic(target, text)
    except OSError as exc:
        raise StorageError.from_os_error(exc, f"cannot write {target}", "another -o FILE") from exc
    print(f"wrote {target}", file=sys.stderr)


def cmd_overlaps(args: argparse.Namespace) -> int:
    from matcher import overlap_report

    if not 0.0 <= args.min_score <= 1.0:
        raise InputError(f"min-score must be between 0 and 1 (got {args.min_score})")
    matcher = _open(args)
    pairs, clusters = matcher.overlaps(cls=args.cls, min_score=args.min_score)
    if args.json:
        _print_json(
            {"pairs": [p.to_dict() for p in pairs], "clusters": [c.to_dict() for c in clusters]}
        )
        return 0
    if args.format == "md":
        _write_or_print(overlap_report.to_markdown(pairs, clusters, matcher.corpus), args.output)
        return 0
    if args.format == "csv":
        _write_or_print(overlap_report.to_csv(pairs, matcher.corpus), args.output)
        return 0
    for c in clusters:
        _echo(f"[{c.cls.value}] {c.label}: {', '.join(c.ids)}")
    _echo()
    for p in pairs:
        _echo(f"{p.a} ~ {p.b}  {p.cls.value:<16} {p.score:.2f}  {p.reason}")
        _echo(f"{'':>15}differs: {p.differs}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from matcher.overlap_report import render_diff
    from matcher.overlaps import diff_summary, diff_words

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
    from matcher.engine import check_k

    check_k(args.k)
    load_corpus(_corpus_path(args)).get(args.id)
    matcher = _open(args)
    pairs = matcher.similar(args.id, k=args.k)
    if args.json:
        _print_json(
            {
                "id": matcher.get(args.id).id,
                "similar": [
                    {"id": ini.id, "title": ini.title, "similarity": s} for ini, s in pairs
                ],
            }
        )
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


# ---------------------------------------------------------------------- parser
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

    p = sub.add_parser("corpus", help="summarise, rebuild or extend the catalogue")
    p.add_argument("action", nargs="?", choices=["summary", "build", "import"], default="summary")
    p.add_argument("file", nargs="?", help="for `import`: a .jsonl or .csv file of initiatives")
    p.add_argument("--page", help="for `build`: the page text (default: corpus/ page)")
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
    p.add_argument("--min-score", type=float, default=0.0, help="drop results scoring below")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("brief", help="export a country brief (Markdown, CSV or JSON)")
    p.add_argument("text", nargs="*", help="the needs statement")
    p.add_argument("--format", choices=["md", "csv", "json"], default="md")
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
        choices=["text", "md", "csv"],
        default="text",
        help="md or csv: a report for a secretariat meeting",
    )
    p.add_argument("-o", "--output", help="write the report to FILE")
    p.set_defaults(func=cmd_overlaps)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except MatcherError as exc:
        print(f"error: {_escape(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # one the commands did not foresee: still one line, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        error = StorageError.from_os_error(exc, f"{where}operation failed", "another location")
        print(f"error: {_escape(str(error))}", file=sys.stderr)
        return error.exit_code
