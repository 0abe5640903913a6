"""Catalogue versions: every change is previewed as a diff, applied in one step, kept, and undoable.

Beside the catalogue (`corpus/initiatives.jsonl`) a folder of plain files, `initiatives.versions/`:

    0001.jsonl   the whole catalogue as version 1 left it (byte for byte what was written)
    0001.json    {"number", "created_at", "action", "source", "initiatives", "sha256",
                  "added": [ids], "changed": [ids], "removed": [ids], "reverts": null}

History is append-only: a revert writes a new version equal to an old one. A change writes its
snapshot and a pending record (`.0001.json.pending`) first, then replaces the catalogue
atomically, then renames the record into place: the history says a change happened only once
the catalogue shows it. A process killed in between leaves a pending record, a snapshot or a
temporary file; the next change (`recover`, under the lock) finishes a record whose catalogue
landed and removes the rest, and reading the history counts a landed pending record as kept.
A catalogue whose bytes match no version (edited by hand) is kept as a version of its own
("found") before the next change, so nothing that was ever the catalogue is lost.

Callers hold the catalogue's lock (`matcher.locking.exclusive_lock`) around read, compare and
apply, so two imports at once both land.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from matcher.catalogue.diff import DiffSegment, diff_summary, diff_words
from matcher.catalogue.locking import pid_alive
from matcher.catalogue.model import Corpus, Initiative
from matcher.catalogue.parse import (
    corpus_to_jsonl,
    load_corpus,
    write_bytes_atomic,
    write_text_atomic,
)
from matcher.catalogue.passages import split_corpus
from matcher.catalogue.records import check_size, record_bytes
from matcher.errors import CorpusError, InputError
from matcher.limits import LIMITS, CatalogueLimits
from matcher.settings import Settings

_COMPARED = ("title", "text", "sub_working_group", "sub_working_group_title", "pillar")
"""Fields whose change makes an initiative `changed` (organisations and regions derive from them
or are lists an import may restate)."""


class ChangeKind(StrEnum):
    """What happened to one initiative between two catalogues."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class InitiativeChange:
    """One initiative added, removed or changed; `diff` runs from the old text (side "a") to the
    new one (side "b"), title included."""

    kind: ChangeKind
    id: str
    title: str
    old_title: str = ""
    fields: tuple[str, ...] = ()
    diff: tuple[DiffSegment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with word counts of the diff."""
        return {
            "kind": self.kind.value,
            "id": self.id,
            "title": self.title,
            "old_title": self.old_title,
            "fields": list(self.fields),
            "words": diff_summary(self.diff) if self.diff else None,
            "diff": [{"side": s.side, "text": s.text} for s in self.diff],
        }


@dataclass(frozen=True)
class CatalogueChanges:
    """What differs between two catalogues, in the new catalogue's order (removed ones last)."""

    changes: tuple[InitiativeChange, ...]
    unchanged: int

    def of(self, kind: ChangeKind) -> tuple[InitiativeChange, ...]:
        """The changes of one kind."""
        return tuple(c for c in self.changes if c.kind is kind)

    @property
    def counts(self) -> dict[str, int]:
        """How many initiatives were added, changed, removed and left alone."""
        out = {kind.value: len(self.of(kind)) for kind in ChangeKind}
        return {**out, "unchanged": self.unchanged}

    def to_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "changes": [c.to_dict() for c in self.changes]}


def compare(old: Corpus, new: Corpus) -> CatalogueChanges:
    """The initiatives added, removed and changed from `old` to `new` (a pure function)."""
    changes: list[InitiativeChange] = []
    unchanged = 0
    for ini in new:
        if ini.id not in old:
            changes.append(InitiativeChange(ChangeKind.ADDED, ini.id, ini.title))
            continue
        before = old.get(ini.id)
        fields = tuple(f for f in _COMPARED if getattr(before, f) != getattr(ini, f))
        if not fields:
            unchanged += 1
            continue
        changes.append(
            InitiativeChange(
                ChangeKind.CHANGED,
                ini.id,
                ini.title,
                old_title=before.title,
                fields=fields,
                diff=tuple(diff_words(_diff_text(before), _diff_text(ini))),
            )
        )
    changes.extend(
        InitiativeChange(ChangeKind.REMOVED, ini.id, ini.title) for ini in old if ini.id not in new
    )
    return CatalogueChanges(tuple(changes), unchanged)


def _diff_text(ini: Initiative) -> str:
    return f"{ini.title} | {ini.sub_working_group} {ini.sub_working_group_title} | {ini.text}"


def check_catalogue(
    corpus: Corpus, *, limits: CatalogueLimits = LIMITS, settings: Settings | None = None
) -> None:
    """Refuse a would-be catalogue over the catalogue-wide limits, before anything is written.

    Each record was held to the per-record limits when it was read; what an import or a merge
    can still break is the whole: its initiatives, bytes and passages.

    Raises:
        CorpusError: Naming the limit passed and what to do.
    """
    if not len(corpus):
        raise CorpusError("the catalogue would hold no initiative; keep at least one")
    check_size(len(corpus), sum(record_bytes(i) for i in corpus), "import refused", limits)
    settings = settings or Settings()
    passages = len(
        split_corpus(corpus, words=settings.passage_words, overlap=settings.passage_overlap)
    )
    if passages > limits.passages:
        raise CorpusError(
            f"import refused: the catalogue would cut into {passages:,} passages, over the "
            f"{limits.passages:,}-passage limit; import less text"
        )


@dataclass(frozen=True)
class Version:
    """One kept version of the catalogue."""

    number: int
    created_at: str
    action: str
    source: str
    initiatives: int
    sha256: str
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reverts: int | None = None
    current: bool = field(default=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (tuples become lists when dumped)."""
        return asdict(self)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CatalogueVersions:
    """The versions kept beside one catalogue file."""

    def __init__(self, catalogue: Path | str) -> None:
        self.catalogue = Path(catalogue)
        self.folder = self.catalogue.with_name(f"{self.catalogue.stem}.versions")

    def _file(self, number: int, suffix: str) -> Path:
        return self.folder / f"{number:04d}{suffix}"

    def history(self) -> list[Version]:
        """Every kept version, oldest first; the one the catalogue now equals is `current`."""
        if not self.folder.is_dir():
            return []
        try:
            now = _sha256(self.catalogue.read_bytes())
        except OSError:
            now = ""
        out = []
        for path in self._records(now):
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                version = Version(
                    number=int(raw["number"]),
                    created_at=str(raw["created_at"]),
                    action=str(raw["action"]),
                    source=str(raw["source"]),
                    initiatives=int(raw["initiatives"]),
                    sha256=str(raw["sha256"]),
                    added=tuple(raw.get("added", ())),
                    changed=tuple(raw.get("changed", ())),
                    removed=tuple(raw.get("removed", ())),
                    reverts=raw.get("reverts"),
                )
            except (OSError, ValueError, KeyError, TypeError):
                raise CorpusError(
                    f"{path}: unreadable version record; move it aside to keep the others"
                ) from None
            out.append(version)
        latest_match = max((v.number for v in out if v.sha256 == now), default=None)
        return [Version(**{**v.__dict__, "current": v.number == latest_match}) for v in out]

    def _pending(self) -> list[Path]:
        return sorted(self.folder.glob(".[0-9][0-9][0-9][0-9].json.pending"))

    def _records(self, now: str) -> list[Path]:
        """The kept records, with a pending one whose catalogue landed (a kill before its
        rename), in number order."""
        kept = list(self.folder.glob("[0-9][0-9][0-9][0-9].json"))
        for pending in self._pending():
            try:
                landed = json.loads(pending.read_text(encoding="utf-8")).get("sha256") == now
            except (OSError, ValueError, AttributeError):
                landed = False
            if landed:
                kept.append(pending)
        return sorted(kept, key=lambda p: p.name.lstrip("."))

    def recover(self) -> list[str]:
        """Finish or undo what a killed change left (the caller holds the lock): a pending
        record whose catalogue landed is kept, any other pending record goes with its
        snapshot, and snapshots without a record and dead writers' temporary files are removed.
        Returns the names it removed or kept."""
        done: list[str] = []
        try:
            now = _sha256(self.catalogue.read_bytes())
        except OSError:
            now = ""
        for folder, pattern in (
            (self.folder, ".*.tmp"),
            (self.catalogue.parent, f".{self.catalogue.name}.*.tmp"),
        ):
            for tmp in folder.glob(pattern) if folder.is_dir() else []:
                pid = tmp.name.rsplit(".", 2)[-2]
                if not (pid.isdigit() and pid_alive(int(pid))):
                    tmp.unlink(missing_ok=True)
                    done.append(f"removed {tmp.name}")
        if not self.folder.is_dir():
            return done
        for pending in self._pending():
            record = pending.name[1:].removesuffix(".pending")
            if pending in self._records(now):
                pending.replace(self.folder / record)
                done.append(f"kept {record}")
            else:
                pending.unlink(missing_ok=True)
                done.append(f"removed {pending.name}")
        for snap in self.folder.glob("[0-9][0-9][0-9][0-9].jsonl"):
            if not snap.with_suffix(".json").exists():
                snap.unlink(missing_ok=True)
                done.append(f"removed {snap.name}")
        return done

    def snapshot(self, number: int) -> Corpus:
        """The catalogue as version `number` left it.

        Raises:
            InputError: When there is no such version.
        """
        path = self._file(number, ".jsonl")
        if not path.is_file():
            raise InputError(f"no catalogue version {number}; `matcher corpus history` lists them")
        return load_corpus(path)

    def last_changes(self) -> tuple[Version, CatalogueChanges] | None:
        """The latest version and what it changed from the one before (None before two)."""
        versions = self.history()
        if len(versions) < 2:
            return None
        last, before = versions[-1], versions[-2]
        return last, compare(self.snapshot(before.number), self.snapshot(last.number))

    def apply(
        self,
        new: Corpus,
        *,
        action: str,
        source: str,
        old: Corpus | None = None,
        reverts: int | None = None,
        limits: CatalogueLimits = LIMITS,
        settings: Settings | None = None,
    ) -> tuple[Version | None, CatalogueChanges]:
        """Make `new` the catalogue, keeping the previous one; the caller holds the lock.

        Args:
            new: The whole catalogue to be.
            action: What made it ("import", "build", "remove", "revert").
            source: The file or the command it came from, for the history.
            old: The catalogue now, when the caller has read it already.
            reverts: The version a revert returns to.
            limits: The limits the new catalogue is held to.
            settings: The passage settings its passages are counted with.

        Returns:
            The version written (None when nothing changed) and the changes.

        Raises:
            CorpusError: When `new` is over a catalogue-wide limit; nothing is written.
            OSError: When a write fails; the catalogue is then as it was.
        """
        exists = self.catalogue.exists()
        if old is None:
            old = load_corpus(self.catalogue, limits=limits) if exists else Corpus(())
        changes = compare(old, new)
        if not changes.changes:
            return None, changes
        check_catalogue(new, limits=limits, settings=settings)
        self.recover()
        history = self.history()
        number = history[-1].number + 1 if history else 1
        if exists and not any(v.current for v in history):
            found = self.catalogue.read_bytes()
            self.folder.mkdir(exist_ok=True)
            self._write(number, found, action="found", source=str(self.catalogue), corpus=old)
            number += 1
        text = corpus_to_jsonl(new).encode("utf-8")
        self.folder.mkdir(exist_ok=True)
        version = self._write(
            number,
            text,
            action=action,
            source=source,
            corpus=new,
            changes=changes,
            reverts=reverts,
            pending=True,
        )
        write_text_atomic(self.catalogue, text.decode("utf-8"))  # the change is visible ...
        self._pending_record(number).replace(self._file(number, ".json"))  # ... and then kept
        return Version(**{**version.__dict__, "current": True}), changes

    def _pending_record(self, number: int) -> Path:
        return self.folder / f".{number:04d}.json.pending"

    def revert(
        self, number: int, *, limits: CatalogueLimits = LIMITS
    ) -> tuple[Version | None, CatalogueChanges]:
        """A new version equal to version `number` (history stays append-only)."""
        return self.apply(
            self.snapshot(number),
            action="revert",
            source=f"version {number}",
            reverts=number,
            limits=limits,
        )

    def _write(
        self,
        number: int,
        data: bytes,
        *,
        action: str,
        source: str,
        corpus: Corpus,
        changes: CatalogueChanges | None = None,
        reverts: int | None = None,
        pending: bool = False,
    ) -> Version:
        version = Version(
            number=number,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            action=action,
            source=source,
            initiatives=len(corpus),
            sha256=_sha256(data),
            added=tuple(c.id for c in changes.of(ChangeKind.ADDED)) if changes else (),
            changed=tuple(c.id for c in changes.of(ChangeKind.CHANGED)) if changes else (),
            removed=tuple(c.id for c in changes.of(ChangeKind.REMOVED)) if changes else (),
            reverts=reverts,
        )
        write_bytes_atomic(self._file(number, ".jsonl"), data)
        record = {k: v for k, v in version.to_dict().items() if k != "current"}
        where = self._pending_record(number) if pending else self._file(number, ".json")
        write_text_atomic(where, json.dumps(record, indent=1) + "\n")
        return version
