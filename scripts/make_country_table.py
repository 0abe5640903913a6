"""Regenerate src/matcher/data/countries.json from country_converter and pycountry.

The runtime needs only the generated file (a fast JSON read, no pandas): country names in
English and in the languages our users write (es, fr, pt, ru, ar, from pycountry's gettext
catalogues), each country's UN sub-region mapped to a region of `matcher.metadata`.

    pip install country_converter pycountry && python scripts/make_country_table.py
"""

from __future__ import annotations

import csv
import gettext
import json
from importlib import resources
from pathlib import Path

import pycountry

from matcher.metadata import UN_SUBREGION_TO_REGION

LANGUAGES = ("es", "fr", "pt", "ru", "ar")
# SADC members outside UN "Southern Africa" still count as Southern Africa for regional programmes.
SADC = {"AGO", "COM", "COD", "MDG", "MWI", "MUS", "MOZ", "SYC", "TZA", "ZMB", "ZWE"}
ANDEAN = {"BOL", "COL", "ECU", "PER", "VEN", "CHL"}
OUT = Path(__file__).resolve().parents[1] / "src" / "matcher" / "data" / "countries.json"


def main() -> None:
    tsv = resources.files("country_converter").joinpath("country_data.tsv").read_text("utf-8")
    rows = list(csv.DictReader(tsv.splitlines(), delimiter="\t"))
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in LANGUAGES
    ]
    table: dict[str, dict[str, object]] = {}
    for row in rows:
        iso3 = row["ISO3"]
        if not iso3 or row.get("obsolete"):
            continue
        region = UN_SUBREGION_TO_REGION.get(row["UNregion"], "")
        if iso3 in ANDEAN:
            region = "Andean"
        elif iso3 in SADC:
            region = "Southern Africa"
        names = {row["name_short"], row["name_official"]}
        country = pycountry.countries.get(alpha_3=iso3)
        if country is not None:
            names |= {country.name, getattr(country, "common_name", country.name)}
            for tr in translations:
                names.add(tr.gettext(country.name))
        table[iso3] = {"names": sorted(n for n in names if n), "region": region}
    OUT.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {len(table)} countries to {OUT}")


if __name__ == "__main__":
    main()
