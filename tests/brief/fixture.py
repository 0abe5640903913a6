"""A brief written by hand for the document tests: three needs (served, gap, other region)."""

from __future__ import annotations

from matcher.brief.model import UNNAMED, Brief, BriefItem, BriefNeed
from matcher.reading.model import ContextRead
from matcher.search.results import CatalogueVersion


def _item(id_: str, org: str, title: str, **extra: object) -> BriefItem:
    fields: dict = {
        "id": id_,
        "title": title,
        "organization": org,
        "sub_working_group": "1.2 Trafficking",
        "match": "partial",
        "needs": (),
        "why": f"{title}: why it matched, as published.",
        "regions": (),
    }
    fields.update(extra)
    return BriefItem(**fields)


def three_need_brief(
    statement: str = "fentanyl in parcels; no forensic lab; yacht insurance",
) -> Brief:
    return Brief(
        statement=statement,
        needs=(
            BriefNeed("fentanyl in parcels", True, ("1204", "1209"), "served"),
            BriefNeed("yacht insurance", False, (), "gap"),
            BriefNeed("no forensic lab", False, ("2103",), "other-region-only"),
        ),
        items=(
            _item(
                "1204",
                "WCO",
                "Mail Channel Component",
                match="strong",
                needs=("fentanyl in parcels",),
            ),
            _item("1209", "WCO", "Canine Forces Component", needs=("fentanyl in parcels",)),
            _item(
                "2103",
                "OAS/CICAD",
                "Early Warning Systems",
                regions=("Americas",),
                requires=("five years of practice", "a letter of intent"),
                partners=("Member States",),
            ),
            _item("3200", UNNAMED, "Universal Treatment Curriculum", match="weak"),
        ),
        gaps=("yacht insurance",),
        created="2026-11-29",
        context=ContextRead(places=("Pacific",), actors=("customs",), existing=()),
        other_region_only=("no forensic lab",),
        catalogue=CatalogueVersion("4d44cba0b1343e0c", 118, "2026-11-29T14:47:17+00:00", "0.1.0"),
    )


PROGRAMME_IDS = ("1204", "1209", "2103", "3200")
