"""What the deployment configures for the HTTP API, read from the environment at the edge."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from matcher.errors import InputError

MAX_BODY_BYTES = 1024 * 1024
"""Default cap on a request body: a batch of statements or an imported catalogue fits easily."""


@dataclass(frozen=True)
class ServerSettings:
    """What the environment configures; read at the edge by `from_env`."""

    token: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = MAX_BODY_BYTES
    reviews_dir: Path | None = None
    """The review decisions' folder (MATCHER_REVIEWS_DIR); None: reviews/ beside the index."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        """MATCHER_API_TOKEN, MATCHER_CORS_ORIGINS (comma-separated), MATCHER_MAX_BODY_BYTES and
        MATCHER_REVIEWS_DIR from `environ` (default: the process environment); InputError for a
        bad cap."""
        env = os.environ if environ is None else environ
        origins = tuple(
            o.strip() for o in env.get("MATCHER_CORS_ORIGINS", "").split(",") if o.strip()
        )
        raw_cap = env.get("MATCHER_MAX_BODY_BYTES", "").strip()
        if raw_cap and (not raw_cap.isdigit() or int(raw_cap) < 1024):
            raise InputError(
                f"MATCHER_MAX_BODY_BYTES must be a whole number of bytes, at least 1024 "
                f"(got {raw_cap!r})"
            )
        return cls(
            token=env.get("MATCHER_API_TOKEN") or None,
            cors_origins=origins,
            max_body_bytes=int(raw_cap) if raw_cap else MAX_BODY_BYTES,
            reviews_dir=Path(env["MATCHER_REVIEWS_DIR"]) if env.get("MATCHER_REVIEWS_DIR") else None,
        )
