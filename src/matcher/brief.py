"""The country brief: needs, the programmes for each, the gaps, grouped by whom to contact.

The page asks countries to register interest with each initiative's implementing organisation,
so the brief groups programmes by organisation. This module holds the brief's content and the
machine formats (CSV, JSON: English column names and keys, stable for scripts); the documents a
person reads (Markdown, DOCX, PDF) are laid out in `brief_layout` in the reader's language and
written by `brief_markdown`, `brief_docx` and `brief_pdf`.

    brief = matcher.brief("postal fentanyl trafficking, no forensic lab")
    data = render_bytes(brief, "pdf", "es")
    FORMATS[BriefFormat.PDF].media_type   # "application/pdf"
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from matcher.exports import csv_text
from matcher.i18n import check_language, detect_language
from matcher.joining import Joining, read_joining
from matcher.results import CatalogueVersion, ContextRead, Match, SearchResult

UNNAMED = "Organisation not named on the page"


class BriefFormat(StrEnum):
    """Export formats of a brief."""

    MARKDOWN = "md"
    CSV = "csv"
    JSON = "json"
    DOCX = "docx"
    PDF = "pdf"


@dataclass(frozen=True)
class FormatInfo:
    """How a format travels as a file: its media type, file extension, and whether it is text."""

    media_type: str
    extension: str
    binary: bool


FORMATS: dict[BriefFormat, FormatInfo] = {
    BriefFormat.MARKDOWN: FormatInfo("text/markdown; charset=utf-8", "md", False),
    BriefFormat.CSV: FormatInfo("text/csv; charset=utf-8", "csv", False),
    BriefFormat.JSON: FormatInfo("application/json", "json", False),
    BriefFormat.DOCX: FormatInfo(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", True
    ),
    BriefFormat.PDF: FormatInfo("application/pdf", "pdf", True),
}
"""The one table the CLI, the app and the HTTP service read media types and extensions from."""


def brief_format(fmt: object) -> BriefFormat:
    """`fmt` as a BriefFormat, or a ValueError naming the formats there are."""
    try:
        return BriefFormat(str(fmt).strip().lower())
    except ValueError:
        raise ValueError(
            f"unknown brief format {str(fmt)[:20]!r}: choose one of "
            f"{', '.join(f.value for f in BriefFormat)}"
        ) from None


class BriefNeed(NamedTuple):
    """One need read from the statement and what the catalogue offers for it."""

    text: str
    covered: bool
    programmes: tuple[str, ...]
    status: str = "served"
    """`served`, `gap` or `other-region-only`, as in NeedCoverage."""


@dataclass(frozen=True)
class BriefItem:
    """One programme in the brief, with the needs it serves and why it matched."""

    id: str
    title: str
    organization: str
    sub_working_group: str
    match: str
    needs: tuple[str, ...]
    why: str
    regions: tuple[str, ...]
    requires: tuple[str, ...] = ()
    """What the page says joining requires ("Prerequisite for Participation"), as published."""
    partners: tuple[str, ...] = ()
    """The partners the page names ("Possible partners"), as published."""


@dataclass(frozen=True)
class Brief:
    """What a ministry takes away: its needs, matching programmes, gaps and contacts."""

    statement: str
    needs: tuple[BriefNeed, ...]
    items: tuple[BriefItem, ...]
    gaps: tuple[str, ...]
    created: str
    context: ContextRead = field(default_factory=ContextRead)
    other_region_only: tuple[str, ...] = ()
    catalogue: CatalogueVersion | None = None

    def by_organization(self) -> dict[str, list[BriefItem]]:
        groups: dict[str, list[BriefItem]] = {}
        for item in self.items:
            groups.setdefault(item.organization, []).append(item)
        return dict(sorted(groups.items(), key=lambda kv: (kv[0] == UNNAMED, kv[0])))

    def language(self, lang: str | None = None) -> str:
        """The language to write the brief in: `lang` when given, else the statement's."""
        return detect_language(self.statement) if lang is None else check_language(lang)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "created": self.created,
            "catalogue": self.catalogue.to_dict() if self.catalogue else None,
            "needs": [
                {
                    "text": n.text,
                    "covered": n.covered,
                    "status": n.status,
                    "programmes": list(n.programmes),
                }
                for n in self.needs
            ],
            "gaps": list(self.gaps),
            "other_region_only": list(self.other_region_only),
            "context": self.context.to_dict(),
            "by_organization": {
                org: [
                    {
                        "id": i.id,
                        "title": i.title,
                        "sub_working_group": i.sub_working_group,
                        "match": i.match,
                        "needs": list(i.needs),
                        "why": i.why,
                        "regions": list(i.regions),
                        "requires": list(i.requires),
                        "partners": list(i.partners),
                    }
                    for i in items
                ]
                for org, items in self.by_organization().items()
            },
        }


def _why(match: Match, limit: int = 300) -> str:
    passage = " ".join(match.passage.split())
    return passage if len(passage) <= limit else passage[: limit - 1].rstrip() + "…"


def make_brief(
    result: SearchResult,
    shortlist: Sequence[str] | None = None,
    *,
    descriptions: Mapping[str, str] | None = None,
    catalogue: CatalogueVersion | None = None,
) -> Brief:
    """A brief from a search result; with a shortlist, only those programmes (in that order).

    Args:
        result: The search run for the statement.
        shortlist: Initiative ids to keep, in the order given (default: every result).
        descriptions: Each listed initiative's description by id, read for what joining it
            requires; without it the brief says nothing about joining.
        catalogue: The catalogue version the result was read from, cited in the brief.
    """
    matches = list(result.results)
    if shortlist:
        wanted = [s.strip().upper() for s in shortlist]
        by_id = {m.id: m for m in matches}
        matches = [by_id[i] for i in wanted if i in by_id]
    descriptions = descriptions or {}
    joining = {m.id: read_joining(descriptions.get(m.id, "")) for m in matches}
    items = tuple(_item(m, joining.get(m.id, Joining())) for m in matches)
    return Brief(
        statement=result.query,
        needs=tuple(BriefNeed(n.text, n.covered, n.results, n.status) for n in result.needs),
        items=items,
        gaps=result.gaps,
        created=date.today().isoformat(),
        context=result.context,
        other_region_only=result.other_region_only,
        catalogue=catalogue,
    )


def _item(m: Match, joining: Joining) -> BriefItem:
    return BriefItem(
        id=m.id,
        title=m.title,
        organization=m.organizations[0] if m.organizations else UNNAMED,
        sub_working_group=f"{m.sub_working_group} {m.sub_working_group_title}",
        match=m.match,
        needs=m.needs,
        why=_why(m),
        regions=m.regions,
        requires=joining.requires,
        partners=joining.partners,
    )


CSV_FIELDS = (
    "organization",
    "id",
    "title",
    "sub_working_group",
    "match",
    "needs",
    "regions",
    "why",
    "requires",
    "partners",
    "gap",
)
"""CSV column names: English in every language, so a script reading the file never changes."""


def to_csv(brief: Brief) -> str:
    """One row per programme, grouped by organisation, then one row per gap."""
    rows: list[dict[str, object]] = [
        {
            "organization": org,
            "id": i.id,
            "title": i.title,
            "sub_working_group": i.sub_working_group,
            "match": i.match,
            "needs": "; ".join(i.needs),
            "regions": "; ".join(i.regions),
            "why": i.why,
            "requires": "; ".join(i.requires),
            "partners": "; ".join(i.partners),
            "gap": "",
        }
        for org, items in brief.by_organization().items()
        for i in items
    ]
    rows += [{"gap": gap} for gap in brief.gaps]
    return csv_text(CSV_FIELDS, rows)


def to_json(brief: Brief) -> str:
    """The brief as JSON: English keys, the statement and catalogue texts as given."""
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(brief: Brief, fmt: BriefFormat | str, lang: str | None = None) -> str:
    """The brief in a text format (md, csv, json); Markdown in `lang` (default: the statement's).

    CSV and JSON are for machines and the same in every language.
    """
    fmt = brief_format(fmt)
    if fmt is BriefFormat.MARKDOWN:
        from matcher.brief_layout import lay_out
        from matcher.brief_markdown import to_markdown

        return to_markdown(lay_out(brief, brief.language(lang)))
    if fmt is BriefFormat.CSV:
        return to_csv(brief)
    if fmt is BriefFormat.JSON:
        return to_json(brief)
    raise ValueError(f"{fmt.value} is a binary format: use render_bytes(brief, {fmt.value!r})")


def render_bytes(brief: Brief, fmt: BriefFormat | str, lang: str | None = None) -> bytes:
    """The brief as file contents in any format (text formats as UTF-8), in `lang`.

    Args:
        brief: The brief.
        fmt: One of `BriefFormat` (md, csv, json, docx, pdf).
        lang: en, es, fr, pt, ru or ar (default: the language the statement is written in).

    Raises:
        ValueError: An unknown format or language (LanguageError is a ValueError).
        MatcherError: PDF output without WeasyPrint's system libraries.
    """
    fmt = brief_format(fmt)
    if not FORMATS[fmt].binary:
        # "replace": a lone surrogate in a hand-made Brief becomes "?" instead of an error.
        return render(brief, fmt, lang).encode("utf-8", errors="replace")
    from matcher.brief_layout import lay_out

    document = lay_out(brief, brief.language(lang))
    if fmt is BriefFormat.DOCX:
        from matcher.brief_docx import to_docx

        return to_docx(document)
    from matcher.brief_pdf import to_pdf

    return to_pdf(document)
