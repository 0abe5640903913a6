"""The writer's country when they name it outright (`--country`, the API's `country`, the app's
picker): one of the country table's names, in any of its languages, or an ISO code."""

from __future__ import annotations

from functools import lru_cache

from matcher.errors import InputError, shown
from matcher.reading.metadata import Place, PlaceKind, country_table, fold


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    table = country_table()
    names: dict[str, str] = {}
    for iso3, row in table.items():
        spellings = [iso3, str(row.get("iso2", "")), str(row["name"])]
        spellings += [str(n) for n in row.get("names", [])]  # type: ignore[attr-defined]
        for spelling in spellings:
            if spelling:
                names.setdefault(fold(spelling), iso3)
    return names


def country_names() -> list[str]:
    """Every country's English name, as the app's picker lists them."""
    return sorted(str(row["name"]) for row in country_table().values())


def resolve_country(name: object) -> Place:
    """The country `name` names (English or another language's name, ISO alpha-2 or alpha-3
    code), or an InputError saying how to name it."""
    if not isinstance(name, str) or not name.strip():
        raise InputError("the country must be a name such as 'Burkina Faso' or a code such as 'BF'")
    iso3 = _by_name().get(fold(" ".join(name.split())))
    if iso3 is None:
        close = sorted(
            {
                str(country_table()[i]["name"])
                for key, i in _by_name().items()
                if key.startswith(fold(name.strip())[:3])
            }
        )[:5]
        hint = f" (names near it: {', '.join(close)})" if close else ""
        raise InputError(
            f"unknown country {shown(name)}{hint}; name it as ISO 3166 does, in English or "
            "another language ('Burkina Faso', 'Côte d'Ivoire'), or by its code ('BF', 'BFA')"
        )
    row = country_table()[iso3]
    return Place(str(row["name"]), PlaceKind.COUNTRY, str(row["region"]))
