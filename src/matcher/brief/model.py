"""The country brief's content: needs, the programmes for each, the gaps, and its formats.

Every renderer (`render`, `layout`, `markdown`, `docx`, `pdf`) reads these types; none of them
imports a renderer back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from matcher.i18n.messages import check_language, detect_language
from matcher.reading.model import ContextRead
from matcher.search.results import CatalogueVersion

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
