"""The catalogue's records: an `Initiative` and the `Corpus` that holds them in page order.

Kept apart from parsing (`parse`) and safe reading (`records`) so that every module that only
needs the types imports them without the parser.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field

from matcher.errors import InputError, shown


@dataclass(frozen=True)
class Initiative:
    """One programme of the catalogue, with metadata derived from its text."""

    id: str
    title: str
    sub_working_group: str
    sub_working_group_title: str
    pillar: int
    text: str
    organizations: tuple[str, ...] = field(default_factory=tuple)
    regions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def full_text(self) -> str:
        """Title and description, as embedded and searched."""
        return f"{self.title}\n{self.text}"

    @property
    def content_hash(self) -> str:
        """Hash of what the index embeds for this initiative: a change here means re-embedding."""
        return hashlib.sha256(self.full_text.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (tuples become lists)."""
        data = asdict(self)
        data["organizations"] = list(self.organizations)
        data["regions"] = list(self.regions)
        return data


@dataclass(frozen=True)
class Corpus:
    """The catalogue: initiatives in page order, addressable by id."""

    initiatives: tuple[Initiative, ...]
    source: str = ""
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)
    """Where each initiative was read ("extra.jsonl:3"), for messages; empty when unknown."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {i.id: i for i in self.initiatives})

    def __len__(self) -> int:
        return len(self.initiatives)

    def __iter__(self) -> Iterator[Initiative]:
        return iter(self.initiatives)

    @property
    def ids(self) -> list[str]:
        """Initiative ids in catalogue order."""
        return [i.id for i in self.initiatives]

    def get(self, initiative_id: str) -> Initiative:
        """The initiative with this id; raises InputError naming close ids when unknown."""
        by_id: dict[str, Initiative] = self._by_id  # type: ignore[attr-defined]
        key = initiative_id.strip().upper()
        if key in by_id:
            return by_id[key]
        close = [i for i in by_id if i.startswith(key[:2])][:5] if key else []
        hint = f" (ids near it: {', '.join(close)})" if close else ""
        raise InputError(
            f"no initiative with id {shown(initiative_id)}{hint}; `matcher corpus` lists the ids"
        )

    def __contains__(self, initiative_id: object) -> bool:
        by_id: dict[str, Initiative] = self._by_id  # type: ignore[attr-defined]
        return isinstance(initiative_id, str) and initiative_id.strip().upper() in by_id

    @property
    def content_hash(self) -> str:
        """Hash of every initiative's id, text and metadata: a changed corpus means a new hash."""
        digest = hashlib.sha256()
        for ini in self.initiatives:
            digest.update(json.dumps(ini.to_dict(), sort_keys=True).encode("utf-8"))
        return digest.hexdigest()[:16]
