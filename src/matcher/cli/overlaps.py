"""`matcher overlaps`, `matcher diff` and `matcher similar`: initiatives that repeat each other."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from matcher.catalogue.parse import load_corpus
from matcher.cli.output import (
    corpus_path,
    echo,
    open_matcher,
    print_json,
    reviews_dir,
    stream_json,
    write_or_print,
)
from matcher.errors import InputError

if TYPE_CHECKING:
    from matcher.facade import Matcher


def cmd_overlaps(args: argparse.Namespace) -> int:
    from matcher.overlaps import report as overlap_report

    if not 0.0 <= args.min_score <= 1.0:
        raise InputError(f"min-score must be between 0 and 1 (got {args.min_score})")
    matcher = open_matcher(args)
    pairs, clusters = matcher.overlaps(cls=args.cls, min_score=args.min_score)
    if args.json:
        listed = matcher.review_candidates() if getattr(args, "all", False) else pairs
        stream_json({"pairs": listed, "clusters": clusters})
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
        write_or_print(text, args.output)
        return 0
    for c in clusters:
        echo(f"[{c.cls.value}] {c.label}: {', '.join(c.ids)}")
    echo()
    for p in pairs:
        echo(f"{p.a} ~ {p.b}  {p.cls.value:<16} {p.score:.2f}  {p.reason}")
        echo(f"{'':>15}differs: {p.differs}")
    return 0


def _review_groups(args: argparse.Namespace, matcher: Matcher, clusters: list[Any]) -> list[Any]:
    """The review's decisions and open items by cluster, when a review store exists (a report
    never creates one)."""
    from matcher.overlaps.report import review_groups
    from matcher.overlaps.reviews import DB_NAME, ReviewStore, review_queue

    folder = reviews_dir(args)
    if not (folder / DB_NAME).exists():
        return []
    decisions = ReviewStore(folder).decisions()
    queue = review_queue(matcher.review_candidates(), decisions, matcher.corpus)
    return review_groups(clusters, decisions, queue)


def cmd_diff(args: argparse.Namespace) -> int:
    from matcher.catalogue.diff import diff_summary, diff_words
    from matcher.overlaps.report import render_diff

    corpus = load_corpus(corpus_path(args))
    a, b = corpus.get(args.a), corpus.get(args.b)
    segments = diff_words(a.text, b.text)
    counts = diff_summary(segments)
    if args.json:
        print_json(
            {
                "a": a.id,
                "b": b.id,
                "words": counts,
                "segments": [{"side": s.side, "text": s.text} for s in segments],
            }
        )
        return 0
    echo(f"A = {a.id}: {a.title}\nB = {b.id}: {b.title}")
    echo(
        f"{counts['both']} words shared, {counts['a']} only in A [-...-], "
        f"{counts['b']} only in B {{+...+}}\n"
    )
    echo(render_diff(segments))
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    from matcher.search.request import check_k
    from matcher.search.results import similar_payload

    check_k(args.k)
    load_corpus(corpus_path(args)).get(args.id)
    matcher = open_matcher(args)
    pairs = matcher.similar(args.id, k=args.k)
    if args.json:
        print_json(similar_payload(matcher.get(args.id).id, pairs))
        return 0
    base = matcher.get(args.id)
    echo(f"closest to {base.id}: {base.title}")
    for ini, s in pairs:
        echo(f"  {s:.3f}  {ini.id}: {ini.title}")
    return 0
