"""A brief made from a search result: the programmes listed, what joining each asks, and why.

The page asks countries to register interest with each initiative's implementing organisation,
and each programme names it; the brief lists programmes under the need they serve
(`layout`), and `render` turns it into files.

    brief = matcher.brief("postal fentanyl trafficking, no forensic lab")
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from matcher.brief.model import UNNAMED, Brief, BriefItem, BriefNeed
from matcher.catalogue.joining import Joining, read_joining
from matcher.search.results import CatalogueVersion, Match, SearchResult

# a sentence ends at . ! ? (or their Arabic and CJK forms) before a space and the next word
_SENTENCE_END = re.compile(r"(?<=[.!?。！？؟])\s+")


def why_passage(passage: str, limit: int = 300) -> str:
    """The passage in whole sentences up to `limit` characters, with an ellipsis where it was
    cut; a first sentence longer than the limit is cut at a word, never inside one."""
    text = " ".join(passage.split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        joined = f"{kept} {sentence}".strip()
        if len(joined) > limit - 2:
            break
        kept = joined
    if not kept:
        kept = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{kept} …" if kept.endswith((".", "!", "?", "。", "؟")) else f"{kept}…"


def _why(match: Match, limit: int = 300) -> str:
    return why_passage(match.passage, limit)


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










