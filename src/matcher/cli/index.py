"""`matcher index build|status`."""

from __future__ import annotations

import argparse

from matcher.catalogue.parse import load_corpus
from matcher.cli.output import corpus_path, echo, index_dir, print_json


def cmd_index(args: argparse.Namespace) -> int:
    from matcher.search.encoders import default_encoders
    from matcher.search.index import index_status
    from matcher.search.index_build import build_index
    from matcher.settings import Settings

    corpus = load_corpus(corpus_path(args))
    encoders = default_encoders(Settings().dense_models)
    if args.action == "build":
        report = build_index(index_dir(args), corpus, encoders, Settings())
        data = report.__dict__
        if args.json:
            print_json(data)
        else:
            echo(
                f"index built in {report.index_dir}: {report.initiatives} initiatives, "
                f"{report.passages} passages, embedded {report.embedded}, reused {report.reused}, "
                f"resumed {report.resumed}, passages/s {report.per_second}, {report.seconds} s"
            )
        return 0
    status = index_status(index_dir(args), corpus, encoders, Settings())
    if args.json:
        print_json(status)
    elif status["state"] == "current":
        echo(
            f"index in {status['index_dir']} is current: {status['counts']}, built "
            f"{status['created_at']}, models {status['models']}"
        )
    else:
        echo(f"index in {status['index_dir']} is {status['state']}: {status['problem']}")
    return 0 if status["state"] == "current" else 4
