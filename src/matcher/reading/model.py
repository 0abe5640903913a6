"""What reading a statement yields: its clauses and what it says about its writer."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ClauseRead:
    """One clause of the statement and what it was read as (need, context or other)."""

    text: str
    kind: str
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ContextRead:
    """What the statement says about its writer: places, who is asking, what exists already."""

    places: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    existing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "places": list(self.places),
            "actors": list(self.actors),
            "existing": list(self.existing),
        }
