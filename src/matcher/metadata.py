"""Organisations and regions named in a text.

Organisations come from a gazetteer of the bodies active in the Coalition (acronym and full name
both recognised, plus the named tools that only one body runs, such as INCB's PICS). Countries
come from a table generated from `country_converter` and `pycountry` (English names and the
translations pycountry ships, mapped to UN sub-regions): `scripts/make_country_table.py`.
Regions are a small hierarchy (Central America is in Latin America and the Caribbean, which is in
the Americas) so that "our Andean country" and an initiative "in the Americas" are compatible.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

# canonical organisation -> patterns (case-sensitive for acronyms, insensitive for names)
ORGANIZATIONS: dict[str, tuple[str, ...]] = {
    "UNODC": (r"\bUNODC\b", r"(?i:United Nations Office on Drugs and Crime)"),
    "INCB": (
        r"\bINCB\b",
        r"(?i:International Narcotics Control Board)",
        r"\bPICS\b",
        r"\bPEN Online\b",
        r"\bIONICS\b",
        r"\bGRIDS\b",
        r"\bSNOOP\b",
        r"\bIDS\b",
    ),
    "WCO": (r"\bWCO\b", r"(?i:World Customs Organi[sz]ation)"),
    "OAS/CICAD": (
        r"\bCICAD\b",
        r"\bOAS\b",
        r"(?i:Organization of American States)",
        r"(?i:Inter-American Drug Abuse Control Commission)",
        r"\bSATA\b",
    ),
    "WHO": (r"\bWHO\b", r"(?i:World Health Organi[sz]ation)"),
    "PAHO": (r"\bPAHO\b", r"(?i:Pan American Health Organi[sz]ation)"),
    "Colombo Plan": (r"(?i:Colombo Plan)",),
    "ICAO": (r"\bICAO\b", r"(?i:International Civil Aviation Organi[sz]ation)"),
    "UPU": (r"\bUPU\b", r"(?i:Universal Postal Union)"),
    "INTERPOL": (r"\bINTERPOL\b", r"(?i:International Criminal Police Organi[sz]ation)"),
    "CADCA": (r"\bCADCA\b", r"(?i:Community Anti-Drug Coalitions of America)"),
    "UNICRI": (r"\bUNICRI\b", r"(?i:United Nations Interregional Crime and Justice)"),
    "African Union": (r"(?i:African Union)",),
    "Pompidou Group": (r"(?i:Pompidou Group)",),
    "CARICOM": (r"(?i:\bCARICOM\b)",),
    "Pacific Islands Forum": (r"(?i:Pacific Islands? Forum)", r"\bPIF\b"),
    "Indian Ocean Commission": (r"(?i:Indian Ocean Commission)",),
    "INL (U.S. State Department)": (r"\bINL\b",),
    "ICUDDR": (r"\bICUDDR\b",),
    "Planet Youth": (r"(?i:Planet Youth)",),
}

# canonical region -> (parent or "", aliases in English, Spanish, French, Portuguese, Russian, Arabic)
REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Americas": (
        "",
        (
            "the americas",
            "americas",
            "western hemisphere",
            "hemispheric",
            "inter-american",
            "las americas",
            "las américas",
            "les amériques",
            "as américas",
            "америка",
            "الأمريكتين",
        ),
    ),
    "Latin America and the Caribbean": (
        "Americas",
        (
            "latin america and the caribbean",
            "latin america",
            "lac",
            "america latina",
            "américa latina",
            "amérique latine",
            "латинская америка",
            "أمريكا اللاتينية",
        ),
    ),
    "Central America": (
        "Latin America and the Caribbean",
        (
            "central america",
            "centroamerica",
            "centroamérica",
            "américa central",
            "amérique centrale",
            "центральная америка",
            "أمريكا الوسطى",
        ),
    ),
    "Caribbean": (
        "Latin America and the Caribbean",
        (
            "caribbean",
            "caribe",
            "caraïbes",
            "caraibes",
            "карибский",
            "الكاريبي",
        ),
    ),
    "South America": (
        "Latin America and the Caribbean",
        (
            "south america",
            "sudamerica",
            "sudamérica",
            "suramérica",
            "américa del sur",
            "amérique du sud",
            "южная америка",
            "أمريكا الجنوبية",
        ),
    ),
    "Andean": ("South America", ("andean", "andino", "andina", "andinos", "andes", "andin")),
    "North America": ("Americas", ("north america", "norteamérica", "amérique du nord")),
    "Africa": (
        "",
        ("africa", "african", "áfrica", "afrique", "africain", "африка", "أفريقيا", "افريقيا"),
    ),
    "Southern Africa": (
        "Africa",
        (
            "southern africa",
            "southern african",
            "south africa",
            "south african",
            "sadc",
            "áfrica austral",
            "afrique australe",
            "южная африка",
        ),
    ),
    "West Africa": (
        "Africa",
        (
            "west africa",
            "western africa",
            "ecowas",
            "áfrica occidental",
            "afrique de l'ouest",
            "западная африка",
            "غرب أفريقيا",
        ),
    ),
    "East Africa": (
        "Africa",
        (
            "east africa",
            "eastern africa",
            "afrique de l'est",
            "áfrica oriental",
            "восточная африка",
            "شرق أفريقيا",
        ),
    ),
    "Central Africa": ("Africa", ("central africa", "afrique centrale")),
    "North Africa": (
        "Africa",
        (
            "north africa",
            "northern africa",
            "afrique du nord",
            "norte de áfrica",
            "северная африка",
            "شمال أفريقيا",
        ),
    ),
    "Asia": ("", ("asia", "asie", "азия", "آسيا")),
    "Southeast Asia": (
        "Asia",
        (
            "southeast asia",
            "south-east asia",
            "south east asia",
            "asean",
            "sudeste asiático",
            "asie du sud-est",
            "юго-восточная азия",
            "جنوب شرق آسيا",
        ),
    ),
    "East Asia": ("Asia", ("east asia", "eastern asia", "asie de l'est", "восточная азия")),
    "South Asia": (
        "Asia",
        ("south asia", "southern asia", "asie du sud", "южная азия", "جنوب آسيا"),
    ),
    "Central Asia": ("Asia", ("central asia", "asie centrale", "центральная азия", "آسيا الوسطى")),
    "Middle East": (
        "",
        (
            "middle east",
            "middle eastern",
            "near east",
            "oriente medio",
            "medio oriente",
            "moyen-orient",
            "ближний восток",
            "الشرق الأوسط",
        ),
    ),
    "Pacific": (
        "",
        (
            "pacific island",
            "pacific islands",
            "the pacific",
            "oceania",
            "pacífico",
            "pacifique",
            "тихоокеанск",
            "المحيط الهادئ",
        ),
    ),
    "Europe": ("", ("europe", "european", "balkan", "balkans", "europa", "европа", "أوروبا")),
}

# UN sub-region (as country_converter names them) -> region of this module
UN_SUBREGION_TO_REGION: dict[str, str] = {
    "South-eastern Asia": "Southeast Asia",
    "Eastern Asia": "East Asia",
    "Southern Asia": "South Asia",
    "Central Asia": "Central Asia",
    "Western Asia": "Middle East",
    "Northern Africa": "North Africa",
    "Western Africa": "West Africa",
    "Eastern Africa": "East Africa",
    "Middle Africa": "Central Africa",
    "Southern Africa": "Southern Africa",
    "Caribbean": "Caribbean",
    "Central America": "Central America",
    "South America": "South America",
    "Northern America": "North America",
    "Melanesia": "Pacific",
    "Micronesia": "Pacific",
    "Polynesia": "Pacific",
    "Australia and New Zealand": "Pacific",
    "Northern Europe": "Europe",
    "Western Europe": "Europe",
    "Southern Europe": "Europe",
    "Eastern Europe": "Europe",
}

# Words that say an initiative is offered everywhere even when it names a region in passing.
_GLOBAL_SCOPE = re.compile(
    r"(?i)\b(global(?:ly)?|worldwide|all regions|member states|interregional|"
    r"countries in different regions|international community)\b"
)


_WORD = re.compile(r"\w+", re.UNICODE)
TITLE_SPLIT = re.compile(r"\s+[-–—]\s+|:\s+")
TITLE_STOP = frozenset("the a an of and for to in on with that & by".split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return _WORD.findall(text.lower())


def title_stem(title: str) -> list[str]:
    """The named-programme part of a title: what precedes " - " or ": ", in content words
    ("Synthetic Drugs Detection Project - Canine Forces Component" -> synthetic drugs detection
    project); empty when the title has no such part."""
    parts = TITLE_SPLIT.split(title, maxsplit=1)
    if len(parts) < 2:
        return []
    return [w for w in words(parts[0]) if w not in TITLE_STOP]


def fold(text: str) -> str:
    """Lowercase and strip accents, so "Centroamérica" and "centroamerica" meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _org_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(org, re.compile("|".join(pats))) for org, pats in ORGANIZATIONS.items()]


def find_organizations(text: str) -> tuple[str, ...]:
    """Organisations named in the text, in gazetteer order."""
    return tuple(org for org, pattern in _org_patterns() if pattern.search(text))


@lru_cache(maxsize=1)
def _region_alias_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    alias_to_region: dict[str, str] = {}
    for region, (_, aliases) in REGIONS.items():
        for alias in aliases:
            alias_to_region[fold(alias)] = region
    alternatives = sorted(alias_to_region, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w])"
    )
    return pattern, alias_to_region


@lru_cache(maxsize=1)
def country_table() -> dict[str, dict[str, object]]:
    """ISO3 -> {"names": [...], "region": str} from the generated data file."""
    data = resources.files("matcher").joinpath("data/countries.json").read_text(encoding="utf-8")
    table: dict[str, dict[str, object]] = json.loads(data)
    return table


@lru_cache(maxsize=1)
def _country_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    name_to_iso: dict[str, str] = {}
    for iso3, row in country_table().items():
        for name in row["names"]:  # type: ignore[attr-defined]
            folded = fold(str(name))
            if len(folded) >= 4:  # short names ("Chad" is 4) risk matching ordinary words
                name_to_iso.setdefault(folded, iso3)
    alternatives = sorted(name_to_iso, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w])(" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w])"
    )
    return pattern, name_to_iso


def region_ancestors(region: str) -> list[str]:
    """The region and every region containing it, innermost first."""
    chain = []
    while region:
        chain.append(region)
        region = REGIONS.get(region, ("", ()))[0]
    return chain


def regions_compatible(a: str, b: str) -> bool:
    """True when one region contains the other (or they are the same)."""
    return a in region_ancestors(b) or b in region_ancestors(a)


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def mentioned_regions(text: str) -> tuple[str, ...]:
    """Regions named in a text, directly or through a country ("Kenya" -> East Africa)."""
    folded = fold(text)
    pattern, alias_to_region = _region_alias_pattern()
    found = [alias_to_region[m.group(1)] for m in pattern.finditer(folded)]
    cpattern, name_to_iso = _country_pattern()
    table = country_table()
    for m in cpattern.finditer(folded):
        region = str(table[name_to_iso[m.group(1)]]["region"])
        if region:
            found.append(region)
    return _most_specific(_dedupe(found))


def _most_specific(regions: tuple[str, ...]) -> tuple[str, ...]:
    """Drop a region when a region inside it is also named ("Americas" + "Caribbean" -> Caribbean)."""
    return tuple(
        r for r in regions if not any(o != r and r in region_ancestors(o) for o in regions)
    )


# Bodies whose membership is one region: their programmes serve that region unless stated global.
REGIONAL_ORGANIZATIONS: dict[str, str] = {
    "OAS/CICAD": "Americas",
    "PAHO": "Americas",
    "CARICOM": "Caribbean",
    "African Union": "Africa",
    "Pacific Islands Forum": "Pacific",
}


def _region_mentions(text: str) -> list[str]:
    folded = fold(text)
    pattern, alias_to_region = _region_alias_pattern()
    return [alias_to_region[m.group(1)] for m in pattern.finditer(folded)]


def find_regions(title: str, text: str, organizations: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The regions an initiative is limited to; empty when it is offered globally.

    Evidence, strongest first:
    1. a region or country named in the title ("... in Southeast Asia");
    2. a region named at least twice in the description (a passing example, "as in Europe and
       Australia", is named once), unless the description speaks of global scope;
    3. an implementing body whose membership is one region (OAS/CICAD: the Americas), unless the
       description speaks of global scope.
    Countries named in the description are not evidence: they are often pilots or examples.
    """
    in_title = mentioned_regions(title)
    if in_title:
        return in_title
    if _GLOBAL_SCOPE.search(text):
        return ()
    mentions = _region_mentions(text)
    repeated = _dedupe([r for r in mentions if mentions.count(r) >= 2])
    if repeated:
        return _most_specific(repeated)
    implied = [REGIONAL_ORGANIZATIONS[o] for o in organizations if o in REGIONAL_ORGANIZATIONS]
    if implied:
        return _most_specific(_dedupe(implied + mentions))
    return ()
