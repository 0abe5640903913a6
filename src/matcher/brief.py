"""The country brief: needs, the programmes for each, the gaps, grouped by whom to contact.

The page asks countries to register interest with each initiative's implementing organisation,
so the brief groups programmes by organisation. Exports: Markdown, CSV and JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from matcher.exports import csv_text, markdown_text
from matcher.results import Match, SearchResult

UNNAMED = "Organisation not named on the page"


class BriefFormat(StrEnum):
    """Export formats of a brief."""

    MARKDOWN = "md"
    CSV = "csv"
    JSON = "json"


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


@dataclass(frozen=True)
class Brief:
    """What a ministry takes away: its needs, matching programmes, gaps and contacts."""

    statement: str
    needs: tuple[tuple[str, bool, tuple[str, ...]], ...]
    items: tuple[BriefItem, ...]
    gaps: tuple[str, ...]
    created: str

    def by_organization(self) -> dict[str, list[BriefItem]]:
        groups: dict[str, list[BriefItem]] = {}
        for item in self.items:
            groups.setdefault(item.organization, []).append(item)
        return dict(sorted(groups.items(), key=lambda kv: (kv[0] == UNNAMED, kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "created": self.created,
            "needs": [
                {"text": text, "covered": covered, "programmes": list(ids)}
                for text, covered, ids in self.needs
            ],
            "gaps": list(self.gaps),
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
                    }
                    for i in items
                ]
                for org, items in self.by_organization().items()
            },
        }


def _why(match: Match, limit: int = 300) -> str:
    passage = " ".join(match.passage.split())
    return passage if len(passage) <= limit else passage[: limit - 1].rstrip() + "…"


def make_brief(result: SearchResult, shortlist: Sequence[str] | None = None) -> Brief:
    """A brief from a search result; with a shortlist, only those programmes (in that order)."""
    matches = list(result.results)
    if shortlist:
        wanted = [s.strip().upper() for s in shortlist]
        by_id = {m.id: m for m in matches}
        matches = [by_id[i] for i in wanted if i in by_id]
    items = tuple(
        BriefItem(
            id=m.id,
            title=m.title,
            organization=m.organizations[0] if m.organizations else UNNAMED,
            sub_working_group=f"{m.sub_working_group} {m.sub_working_group_title}",
            match=m.match,
            needs=m.needs,
            why=_why(m),
            regions=m.regions,
        )
        for m in matches
    )
    return Brief(
        statement=result.query,
        needs=tuple((n.text, n.covered, n.results) for n in result.needs),
        items=items,
        gaps=result.gaps,
        created=date.today().isoformat(),
    )


def to_markdown(brief: Brief) -> str:
    """The brief as a Markdown document."""
    lines = [
        "# Country brief: Global Coalition initiatives",
        "",
        f"*Prepared {brief.created}.*",
        "",
        "## What the country asked for",
        "",
        f"> {markdown_text(brief.statement)}",
        "",
        "## Needs",
        "",
    ]
    for text, covered, ids in brief.needs:
        status = "served by " + ", ".join(ids) if covered and ids else "**gap**"
        lines.append(f"- {markdown_text(text)}: {status}")
    if brief.gaps:
        lines += ["", "## Gaps", ""]
        lines += [
            f"- No initiative in the catalogue addresses: {markdown_text(gap)}"
            for gap in brief.gaps
        ]
    lines += ["", "## Programmes, by organisation to contact", ""]
    if not brief.items:
        lines.append("No programme selected.")
    for org, items in brief.by_organization().items():
        lines += [f"### {markdown_text(org)}", ""]
        for i in items:
            needs = (
                "; ".join(map(markdown_text, i.needs))
                or "the statement as a whole (no single need)"
            )
            region = f" Limited to {markdown_text(', '.join(i.regions))}." if i.regions else ""
            lines.append(
                f"- **{markdown_text(i.id)}: {markdown_text(i.title)}** "
                f"({i.match} match; {markdown_text(i.sub_working_group)}).{region}"
            )
            lines.append(f"  - Serves: {needs}")
            lines.append(f"  - Why: {markdown_text(i.why)}")
        lines.append("")
    lines += [
        "To register interest, contact the point of contact named in each initiative on the "
        "Global Coalition initiatives page; expressing interest does not guarantee participation.",
        "",
    ]
    return "\n".join(lines)


CSV_FIELDS = (
    "organization",
    "id",
    "title",
    "sub_working_group",
    "match",
    "needs",
    "regions",
    "why",
)


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
            "gap": "",
        }
        for org, items in brief.by_organization().items()
        for i in items
    ]
    rows += [{"gap": gap} for gap in brief.gaps]
    return csv_text([*CSV_FIELDS, "gap"], rows)


def to_json(brief: Brief) -> str:
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(brief: Brief, fmt: BriefFormat | str) -> str:
    """The brief in one of the export formats."""
    fmt = BriefFormat(fmt)
    if fmt is BriefFormat.MARKDOWN:
        return to_markdown(brief)
    if fmt is BriefFormat.CSV:
        return to_csv(brief)
    return to_json(brief)
