"""`matcher review list|decide|export`: the secretariat's review of candidate overlaps."""

from __future__ import annotations

import argparse

from matcher.catalogue.parse import load_corpus
from matcher.cli.output import (
    corpus_path,
    echo,
    open_matcher,
    print_json,
    reviews_dir,
    write_or_print,
)
from matcher.errors import InputError


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
        corpus = load_corpus(corpus_path(args))
        a, b = corpus.get(a_id), corpus.get(b_id)
        review = ReviewStore(reviews_dir(args)).decide(a, b, decision, args.note or "")
        echo(f"{review.a} ~ {review.b}: {review.decision.value} ({review.decided_at})")
        return 0
    if args.rest:
        raise InputError(f"`review {args.action}` takes no ids (got {' '.join(args.rest)})")
    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be at least 1 (got {args.limit})")
    store = ReviewStore(reviews_dir(args))
    if args.action == "export":
        corpus = load_corpus(corpus_path(args))
        write_or_print(export_text(store.decisions(), corpus, args.format), args.output)
        return 0
    matcher = open_matcher(args)
    queue = review_queue(matcher.review_candidates(), store.decisions(), matcher.corpus)
    if args.limit is not None:
        queue = queue[: args.limit]
    if args.json:
        print_json(overlap_report.queue_to_dict(queue, matcher.corpus))
        return 0
    for n, item in enumerate(queue, 1):
        s = item.scored
        flag = "  [changed since decided]" if item.changed_since else ""
        cls = s.cls.value if s.cls else "candidate"
        echo(f"{n:>4}. {s.a} ~ {s.b}  {cls:<16} look {s.look:.2f}  score {s.pair.score:.2f}{flag}")
        echo(f"{'':>6}{matcher.get(s.a).title[:60]}  |  {matcher.get(s.b).title[:60]}")
        echo(f"{'':>6}why: {s.pair.reason}")
    return 0
