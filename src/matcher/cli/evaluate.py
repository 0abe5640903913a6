"""`matcher eval`: nDCG@10, Recall@10 and MRR@10 (and need coverage) on a judged query file."""

from __future__ import annotations

import argparse

from matcher.cli.output import echo, open_matcher, print_json


def cmd_eval(args: argparse.Namespace) -> int:
    from matcher.evaluate import (
        evaluate,
        evaluate_needs,
        format_report,
        load_out_of_scope,
        load_queries,
    )

    queries = load_queries(args.file)
    matcher = open_matcher(args)
    report = evaluate(queries, lambda q: [m.id for m in matcher.search(q, k=10).results])
    if args.needs or args.out_of_scope:
        oos = load_out_of_scope(args.out_of_scope) if args.out_of_scope else []
        report["needs"] = evaluate_needs(queries, oos, lambda q, k: matcher.search(q, k=k))
    if args.json:
        print_json({k: v for k, v in report.items() if args.per_query or k != "per_query"})
    else:
        echo(format_report(report, f"{args.file}: {len(queries)} queries"))
        if "needs" in report:
            needs = {k: v for k, v in report["needs"].items() if k != "out_of_scope_statements"}
            echo("needs: " + ", ".join(f"{k}={v}" for k, v in needs.items()))
            for row in report["needs"]["out_of_scope_statements"]:
                shown = "; ".join(
                    f"{n['text']} [{'covered' if n['covered'] else 'GAP'}]" for n in row["needs"]
                )
                echo(f"  {row['qid']}: {shown}")
    return 0
