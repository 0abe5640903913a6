"""`python -m matcher` runs the CLI."""

from __future__ import annotations

from matcher.cli import main

raise SystemExit(main())
