"""Reading the packaged data tables (term tables, gazetteers): one place for where they live
and what an unreadable one says."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from matcher.errors import MatcherError


def read_table(filename: str, path: Path | None = None) -> tuple[Any, str]:
    """The parsed JSON of `path`, or of the packaged `data/<filename>`, and the name to quote
    in errors; MatcherError (one line, what to do) when it cannot be read."""
    name = str(path) if path is not None else f"data/{filename}"
    try:
        if path is None:
            raw = resources.files("matcher").joinpath(f"data/{filename}").read_text("utf-8")
        else:
            raw = path.read_text(encoding="utf-8")
        return json.loads(raw), name
    except (OSError, ValueError) as exc:
        raise MatcherError(f"the term table {name} is unreadable ({exc}); reinstall") from exc
