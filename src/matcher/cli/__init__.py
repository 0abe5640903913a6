"""The `matcher` command line (`matcher.cli:main`): the parser in main.py, one module per command
group (corpus, index, search, brief, overlaps, review, evaluate, serve), and output.py for what
they share."""

from matcher.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
