"""Parse and validate the catalogue: the published page, or a JSONL / CSV file with the same fields.

The page is one initiative per block: a line ``NNNN: Title`` followed by its description lines,
grouped under ``Sub-Working Group X.Y - Title`` headings. Its quirks are handled here, explicitly:

* id 2206 is printed twice; the entry whose line reads ``2206: 2206A: ...`` gets id ``2206A``
  (the generic rule: ``NNNN: NNNNX: Title`` takes the second, more specific id);
* the partner-organisation list that closes the page (lines ending in `` -``) belongs to no
  initiative;
* bulleted lines and lines such as "Prerequisite for Participation:" stay with their initiative.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from matcher.catalogue.model import Corpus, Initiative
from matcher.catalogue.records import (
    check_record,
    check_size,
    open_regular,
    read_lines,
    read_text,
    record_bytes,
    visible,
    whole_number,
)
from matcher.errors import CorpusError, shown
from matcher.limits import LIMITS, CatalogueLimits
from matcher.reading.metadata import find_organizations, find_regions, title_stem
from matcher.text import strip_controls

SCHEMA_FIELDS = ("id", "title", "sub_working_group", "sub_working_group_title", "pillar", "text")
"""Fields every imported record must carry; `organizations` and `regions` are derived if absent."""

MAX_IMPORT_BYTES = LIMITS.page_bytes
"""The page (.txt, read whole) larger than this is refused; JSONL and CSV are read line by line
and held to the limits in `matcher.limits` instead."""

_SWG_RE = re.compile(r"^Sub-Working Group (?P<code>\d\.\d)\s*[-–]\s*(?P<title>.+?)\s*$")
_ENTRY_RE = re.compile(r"^(?P<id>\d{4}):\s*(?:(?P<sub>\d{4}[A-Z]):\s*)?(?P<title>.*\S)\s*$")
_ID_RE = re.compile(r"^\d{4}[A-Z]?$")
_PARTNER_LINE_RE = re.compile(r"^(?:-|.+\s-)\s*$")








def parse_page(text: str, *, source: str = "<page>", limits: CatalogueLimits = LIMITS) -> Corpus:
    """Parse the published page into a validated corpus.

    Args:
        text: The page as plain text, one paragraph or bullet per line.
        source: The file name, used in error messages.
        limits: The per-record and catalogue limits to hold it to.

    Raises:
        CorpusError: On a duplicate id, an empty description or title, a line outside any
            initiative that is neither preamble nor the closing partner list, or a limit passed.
    """
    lines = text.splitlines()
    end = _partner_list_start(lines)
    records: list[dict[str, object]] = []
    swg_code = swg_title = ""
    current: dict[str, object] | None = None
    body: list[str] = []
    seen: dict[str, int] = {}

    def close() -> None:
        if current is None:
            return
        description = "\n".join(body).strip()
        if not visible(description):
            raise CorpusError(
                f"{source}:{current['_line']}: initiative {current['id']} has an empty description"
            )
        current["text"] = description
        records.append(current)

    for lineno, raw in enumerate(lines[:end], start=1):
        if "\x00" in raw or "\ufffd" in raw:
            raise CorpusError(f"{source}:{lineno}: unreadable line (binary or mis-encoded text)")
        line = strip_controls(raw).strip()
        swg = _SWG_RE.match(line)
        if swg:
            close()
            current, body = None, []
            swg_code, swg_title = swg["code"], swg["title"]
            continue
        entry = _ENTRY_RE.match(line)
        if entry and swg_code:
            close()
            ini_id = entry["sub"] or entry["id"]
            if ini_id in seen:
                raise CorpusError(
                    f"{source}:{lineno}: duplicate id {ini_id} (first at line {seen[ini_id]}); "
                    "give one of them a distinct id"
                )
            seen[ini_id] = lineno
            if not visible(entry["title"]):
                raise CorpusError(f"{source}:{lineno}: initiative {ini_id} has no visible title")
            current = {
                "id": ini_id,
                "title": entry["title"],
                "sub_working_group": swg_code,
                "sub_working_group_title": swg_title,
                "pillar": int(swg_code[0]),
                "_line": lineno,
            }
            body = []
            continue
        if current is None:
            if swg_code and line:
                raise CorpusError(
                    f"{source}:{lineno}: text outside any initiative: {shown(line, 60)}"
                )
            continue  # preamble before the first sub-working group
        if line:
            body.append(line)
    close()
    if not records:
        raise CorpusError(f"{source}: no initiatives found (expected lines like '1101: Title')")
    initiatives = [_with_metadata(r) for r in records]
    origins = {str(r["id"]): f"{source}:{r['_line']}" for r in records}
    for ini in initiatives:
        check_record(ini, origins[ini.id], limits)
    check_size(len(initiatives), sum(record_bytes(i) for i in initiatives), source, limits)
    return Corpus(inherit_programme_organizations(initiatives), source=source, origins=origins)


def _partner_list_start(lines: Sequence[str]) -> int:
    """Index of the first line of the trailing partner-organisation list (len(lines) if none).

    The list opens with a line holding only "-" and its entries end in " -" (the last one may
    not): short lines, none of them an initiative heading.
    """
    for start in range(len(lines) - 1, -1, -1):
        if lines[start].strip() == "-":
            tail = [ln.strip() for ln in lines[start + 1 :] if ln.strip()]
            if tail and all(len(ln) < 150 and not _ENTRY_RE.match(ln) for ln in tail):
                return start
            break
    end = len(lines)
    while end > 0 and (
        not lines[end - 1].strip() or _PARTNER_LINE_RE.match(lines[end - 1].strip())
    ):
        end -= 1
    return end


def _with_metadata(record: dict[str, object]) -> Initiative:
    title, text = str(record["title"]), str(record["text"])
    orgs = record.get("organizations")
    organizations = (
        tuple(orgs) if isinstance(orgs, list | tuple) else find_organizations(f"{title}\n{text}")
    )
    regions = record.get("regions")
    return Initiative(
        id=str(record["id"]),
        title=title,
        sub_working_group=str(record["sub_working_group"]),
        sub_working_group_title=str(record["sub_working_group_title"]),
        pillar=int(record["pillar"]),  # type: ignore[call-overload]
        text=text,
        organizations=organizations,
        regions=(
            tuple(regions)
            if isinstance(regions, list | tuple)
            else find_regions(title, text, organizations)
        ),
    )


def inherit_programme_organizations(initiatives: list[Initiative]) -> tuple[Initiative, ...]:
    """Components of one named programme that name no organisation take their siblings'.

    "Synthetic Drugs Detection Project - Precursors component" names no body, while its
    Mail Channel and Canine siblings name the WCO: the project is one organisation's, so whom to
    contact is known. A stem needs three content words to count as a programme name.
    """
    by_stem: dict[tuple[str, ...], set[str]] = {}
    for ini in initiatives:
        stem = tuple(title_stem(ini.title))
        if len(stem) >= 3:
            by_stem.setdefault(stem, set()).update(ini.organizations)
    out = []
    for ini in initiatives:
        stem = tuple(title_stem(ini.title))
        inherited = by_stem.get(stem, set()) if len(stem) >= 3 else set()
        if not ini.organizations and inherited:
            ini = replace(ini, organizations=tuple(sorted(inherited)))
        out.append(ini)
    return tuple(out)


def _not_text(value: object) -> bool:
    """A string holding a lone surrogate (JSON's "\\udc80"): no UTF-8 file can store it."""
    if isinstance(value, list):
        return any(_not_text(v) for v in value)
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _validate_record(raw: object, where: str) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: expected an object with fields {', '.join(SCHEMA_FIELDS)}")
    for name, value in raw.items():
        if _not_text(value) or _not_text(name):
            raise CorpusError(
                f"{where}: field {shown(name.encode('utf-8', 'replace').decode())} holds a lone "
                "surrogate (an escape like \\udc80), which is not text; fix that character"
            )
    missing = [f for f in SCHEMA_FIELDS if raw.get(f) in (None, "")]
    if missing:
        raise CorpusError(f"{where}: missing field(s) {', '.join(missing)}")
    ini_id = str(raw["id"]).strip().upper()
    if not _ID_RE.match(ini_id):
        raise CorpusError(
            f"{where}: id {shown(raw['id'])} is not four digits with an optional letter"
        )
    pillar = whole_number(raw["pillar"])
    if pillar is None:
        raise CorpusError(f"{where}: pillar {shown(raw['pillar'])} is not a whole number")
    if pillar not in (1, 2, 3):
        raise CorpusError(f"{where}: pillar {pillar} is not 1, 2 or 3")
    texts = ("title", "text", "sub_working_group", "sub_working_group_title")
    for name in texts:
        if not isinstance(raw[name], str) or not visible(strip_controls(raw[name])):
            raise CorpusError(
                f"{where}: field {name!r} must be text with visible characters "
                f"(got {shown(raw[name])})"
            )
    record: dict[str, object] = {
        **{k: raw[k] for k in SCHEMA_FIELDS},
        **{k: strip_controls(raw[k]).strip() for k in texts},
        "id": ini_id,
        "pillar": pillar,
    }
    for name in ("organizations", "regions"):
        value = raw.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, str):
            value = [v.strip() for v in value.split(";") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CorpusError(f"{where}: field {name!r} must be a list of names")
        record[name] = [strip_controls(v).strip() for v in value if visible(strip_controls(v))]
    return record


def _records_from_jsonl(
    handle: BinaryIO, source: str, limits: CatalogueLimits
) -> Iterator[tuple[str, object]]:
    for lineno, line in read_lines(handle, source, limits):
        if not line.strip():
            continue
        try:
            yield f"{source}:{lineno}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{source}:{lineno}: not valid JSON ({exc.msg})") from None
        except ValueError:  # Python refuses to read an integer of over 4,300 digits
            raise CorpusError(
                f"{source}:{lineno}: a number too long to read (over 4,300 digits); "
                "pillar is 1, 2 or 3"
            ) from None
        except RecursionError:
            raise CorpusError(f"{source}:{lineno}: JSON nested too deep") from None


def _records_from_csv(
    handle: BinaryIO, source: str, limits: CatalogueLimits
) -> Iterator[tuple[str, object]]:
    reader = csv.DictReader(line for _, line in read_lines(handle, source, limits))
    try:
        missing = [f for f in SCHEMA_FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise CorpusError(f"{source}:1: CSV header lacks column(s) {', '.join(missing)}")
        for row in reader:
            yield f"{source}:{reader.line_num}", dict(row)
    except csv.Error as exc:
        raise CorpusError(f"{source}:{reader.line_num}: unreadable CSV ({exc})") from None


def parse_records(
    handle: BinaryIO, *, source: str, fmt: str, limits: CatalogueLimits = LIMITS
) -> Corpus:
    """Validate JSONL or CSV records (see SCHEMA_FIELDS) read from a binary file into a corpus.

    The file is read a line at a time and every limit is checked as records arrive, so a file of
    any size costs at most one catalogue's worth of memory before it is refused.
    """
    rows = (
        _records_from_jsonl(handle, source, limits)
        if fmt == "jsonl"
        else _records_from_csv(handle, source, limits)
    )
    initiatives: list[Initiative] = []
    seen: dict[str, str] = {}
    size = 0
    for where, raw in rows:
        record = _validate_record(raw, where)
        ini_id = str(record["id"])
        if ini_id in seen:
            raise CorpusError(f"{where}: duplicate id {ini_id} (first at {seen[ini_id]})")
        seen[ini_id] = where
        initiative = _with_metadata(record)
        check_record(initiative, where, limits)
        size += record_bytes(initiative)
        check_size(len(initiatives) + 1, size, source, limits)
        initiatives.append(initiative)
    if not initiatives:
        raise CorpusError(f"{source}: no records found")
    return Corpus(inherit_programme_organizations(initiatives), source=source, origins=seen)


def load_corpus(path: str | Path, *, limits: CatalogueLimits = LIMITS) -> Corpus:
    """Load a catalogue from the page (.txt), JSONL (.jsonl) or CSV (.csv).

    The catalogue file and import files are read the same way: JSONL and CSV line by line, with
    the per-record and catalogue limits checked as they are read (never a limit on the file's
    size), so any catalogue the tool wrote reads back.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return parse_page(read_text(path, limits), source=str(path), limits=limits)
    if suffix not in (".jsonl", ".json", ".csv"):
        raise CorpusError(
            f"{path}: unknown catalogue format {shown(suffix)}; use .txt, .jsonl or .csv"
        )
    with open_regular(path) as handle:
        fmt = "csv" if suffix == ".csv" else "jsonl"
        return parse_records(handle, source=str(path), fmt=fmt, limits=limits)


def corpus_to_jsonl(corpus: Corpus) -> str:
    """The reviewable data file: one JSON object per initiative, in page order."""
    return "".join(json.dumps(i.to_dict(), ensure_ascii=False) + "\n" for i in corpus)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text through a hidden temporary file renamed into place, so a crash never
    leaves a half-written file where a whole one was. On failure (a full disk, a folder where the
    file should be) the temporary file is removed and the OSError raised."""
    _write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes (a PDF, a DOCX) the way `write_text_atomic` writes text: whole or not at all."""
    _write_atomic(path, lambda tmp: tmp.write_bytes(data))


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_jsonl(corpus: Corpus, path: Path) -> None:
    """Write the corpus atomically."""
    write_text_atomic(path, corpus_to_jsonl(corpus))


def merge(base: Corpus, extra: Corpus) -> Corpus:
    """The base catalogue plus imported initiatives; an id present in both is an error naming
    the file and line of both."""
    clash = [i for i in extra.ids if i in base]
    if clash:
        first = clash[0]
        where = extra.origins.get(first, extra.source)
        was = base.origins.get(first, base.source)
        more = f" (and {len(clash) - 1} more)" if len(clash) > 1 else ""
        raise CorpusError(f"{where}: id {first} already exists in the catalogue (at {was}){more}")
    return Corpus(
        base.initiatives + extra.initiatives,
        source=base.source,
        origins={**base.origins, **extra.origins},
    )


def upsert(base: Corpus, extra: Corpus) -> Corpus:
    """The base catalogue with the imported initiatives: an id already in it is replaced in
    place (an update), a new id is added at the end."""
    new = {ini.id: ini for ini in extra}
    kept = tuple(new.pop(ini.id, ini) for ini in base)
    return Corpus(
        kept + tuple(new.values()),
        source=base.source,
        origins={**base.origins, **extra.origins},
    )


def without(base: Corpus, ids: Sequence[str]) -> Corpus:
    """The base catalogue less the initiatives with these ids (each must exist).

    Raises:
        InputError: Naming an id the catalogue does not hold.
    """
    gone = {base.get(i).id for i in ids}
    return Corpus(
        tuple(ini for ini in base if ini.id not in gone),
        source=base.source,
        origins={k: v for k, v in base.origins.items() if k not in gone},
    )
