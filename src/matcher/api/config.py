"""What the deployment configures for the HTTP API, read from the environment at the edge."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from matcher.errors import InputError

MAX_BODY_BYTES = 1024 * 1024
"""Default cap on a request body: a batch of statements or an imported catalogue fits easily."""
BODY_TIMEOUT = 30.0
"""Seconds a client has to send its whole body: a client sending slowly held a worker for ever."""
MAX_BATCH_NEEDS = 200
"""Needs (statements times the needs read in each) one `POST /search/batch` may ask for: each
costs tens of milliseconds of CPU, and 100 long statements of 8 needs took 26-31 s."""
MAX_NEEDS_IN_FLIGHT = 2 * MAX_BATCH_NEEDS
"""Needs of the batches one worker process answers at once; a batch that would go over is
refused 429 to try again (a worker answers one batch whatever its size when it has none)."""


@dataclass(frozen=True)
class ServerSettings:
    """What the environment configures; read at the edge by `from_env`."""

    token: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = MAX_BODY_BYTES
    reviews_dir: Path | None = None
    """The review decisions' folder (MATCHER_REVIEWS_DIR); None: reviews/ beside the index."""
    body_timeout: float = BODY_TIMEOUT
    max_batch_needs: int = MAX_BATCH_NEEDS
    max_needs_in_flight: int = MAX_NEEDS_IN_FLIGHT

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        """MATCHER_API_TOKEN, MATCHER_CORS_ORIGINS (comma-separated), MATCHER_MAX_BODY_BYTES,
        MATCHER_REVIEWS_DIR, MATCHER_BODY_TIMEOUT (seconds), MATCHER_MAX_BATCH_NEEDS and
        MATCHER_MAX_NEEDS_IN_FLIGHT from `environ` (default: the process environment);
        InputError for a bad number."""
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
        numbers = {}
        for name, field, low in (
            ("MATCHER_BODY_TIMEOUT", "body_timeout", 1),
            ("MATCHER_MAX_BATCH_NEEDS", "max_batch_needs", 1),
            ("MATCHER_MAX_NEEDS_IN_FLIGHT", "max_needs_in_flight", 1),
        ):
            raw = env.get(name, "").strip()
            if raw and (not raw.isdigit() or int(raw) < low):
                raise InputError(f"{name} must be a whole number, at least {low} (got {raw!r})")
            if raw:
                numbers[field] = int(raw)
        return cls(
            **numbers,
            token=env.get("MATCHER_API_TOKEN") or None,
            cors_origins=origins,
            max_body_bytes=int(raw_cap) if raw_cap else MAX_BODY_BYTES,
            reviews_dir=Path(env["MATCHER_REVIEWS_DIR"]) if env.get("MATCHER_REVIEWS_DIR") else None,
        )
