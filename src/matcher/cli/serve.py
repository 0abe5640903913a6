"""`matcher serve`: the HTTP API."""

from __future__ import annotations

import argparse
import os

from matcher.cli.output import corpus_path, index_dir
from matcher.errors import InputError


def cmd_serve(args: argparse.Namespace) -> int:
    from matcher.api.run import serve

    if not 1 <= args.port <= 65535:
        raise InputError(f"--port must be from 1 to 65535 (got {args.port})")
    if not 1 <= args.workers <= 64:
        raise InputError(f"--workers must be from 1 to 64 (got {args.workers})")
    if getattr(args, "record_demand", False):
        os.environ["MATCHER_DEMAND"] = "on"  # read by the app of every worker
    serve(
        index_dir(args),
        corpus_path(args),
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
    )
    return 0
