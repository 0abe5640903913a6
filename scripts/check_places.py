"""How well `matcher.metadata.read_places` reads places, per language.

    python scripts/check_places.py [--train PATH] [--dev PATH] [--baseline REV] [--quiet]

Train statements carry `places` (English names; the first is the writer's country). Each label is
mapped to this module's places by reading the label itself (so "Latin America" is Latin America
and the Caribbean, "Laos" is Laos); a label that reads as nothing has no counterpart and is
listed. Figures per language:

* countries: precision and recall of the countries read against the labelled countries;
* regions: a region named in the text is right when it is a labelled region or contains the
  region of a labelled country ("Africa" for an Ethiopian writer); a labelled region is found when
  a region read, or the region of a country read, is it or lies inside it;
* writer: statements whose writer's country is read, and whose first country read is the writer's
  (what a caller that wants the writer's region would use).

Dev queries carry no place labels: they are a false-hit check only. Each query's reading is
printed beside the persona's places (read from the query's notes) when they disagree.

`--baseline REV` reads with the rules of metadata.py at git revision REV instead (963270d: the
regex reader that came before `read_places`), for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import types
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from matcher.reading import metadata
from matcher.reading.metadata import Place, PlaceKind, read_places, region_ancestors

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"

Reader = Callable[[str], tuple[Place, ...]]


def baseline_reader(rev: str) -> Reader:
    """The regex reader of an earlier revision: its region aliases and country names, as Places."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:src/matcher/reading/metadata.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    countries = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:src/matcher/data/countries.json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    old = types.ModuleType("old_metadata")
    exec(compile(source, f"{rev}:metadata.py", "exec"), old.__dict__)
    table = json.loads(countries)
    old.country_table = lambda: table  # type: ignore[attr-defined]
    names = metadata.country_table()

    def read(text: str) -> tuple[Place, ...]:
        folded = old.fold(text)
        found: list[tuple[int, Place]] = []
        pattern, alias_to_region = old._region_alias_pattern()
        for m in pattern.finditer(folded):
            region = alias_to_region[m.group(1)]
            found.append((m.start(), Place(region, PlaceKind.REGION, region)))
        cpattern, name_to_iso = old._country_pattern()
        for m in cpattern.finditer(folded):
            iso3 = name_to_iso[m.group(1)]
            row = names.get(iso3, {"name": iso3, "region": table[iso3]["region"]})
            found.append(
                (m.start(), Place(str(row["name"]), PlaceKind.COUNTRY, str(row["region"])))
            )
        return tuple(dict.fromkeys(p for _, p in sorted(found, key=lambda x: x[0])))

    return read


def label_places(labels: list[str]) -> tuple[list[Place], list[str]]:
    """Labels as this module's places (with the current reader), and those with no counterpart."""
    mapped, unmapped = [], []
    for label in labels:
        # inside a sentence, as a name is written ("the Gulf" is a region, "Gulf" alone is not)
        read = read_places(f"in {label}") or read_places(f"in the {label}")
        if len(read) == 1:
            mapped.append(read[0])
        else:
            unmapped.append(label)
    return mapped, unmapped


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "  -  (0/0)"


def check_train(path: Path, read: Reader, quiet: bool) -> None:
    statements = json.loads(path.read_text("utf-8"))
    tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses, false_hits, no_counterpart = [], [], []
    for s in statements:
        gold, unmapped = label_places(s["places"])
        no_counterpart += [(s["sid"], u) for u in unmapped]
        got = read(s["statement"])
        gold_countries = {p.name for p in gold if p.kind is PlaceKind.COUNTRY}
        gold_regions = {p.name for p in gold if p.kind is PlaceKind.REGION}
        got_countries = [p.name for p in got if p.kind is PlaceKind.COUNTRY]
        got_regions = [p.name for p in got if p.kind is PlaceKind.REGION]
        gold_country_regions = {p.region for p in gold if p.kind is PlaceKind.COUNTRY}
        reached = {a for p in got for a in region_ancestors(p.region)}
        for lang in (s["lang"], "all"):
            t = tally[lang]
            t["statements"] += 1
            t["country_tp"] += len(gold_countries & set(got_countries))
            t["country_read"] += len(set(got_countries))
            t["country_gold"] += len(gold_countries)
            right = [
                r
                for r in got_regions
                if r in gold_regions
                or any(r in region_ancestors(g) for g in gold_country_regions)
                or any(r in region_ancestors(g) for g in gold_regions)
            ]
            t["region_right"] += len(right)
            t["region_read"] += len(got_regions)
            t["region_found"] += sum(1 for g in gold_regions if g in reached)
            t["region_gold"] += len(gold_regions)
            writer = gold[0].name if gold and gold[0].kind is PlaceKind.COUNTRY else None
            if writer:
                t["writer_gold"] += 1
                t["writer_read"] += writer in got_countries
                t["writer_first"] += bool(got_countries) and got_countries[0] == writer
        for name in sorted(gold_countries - set(got_countries)):
            misses.append((s["sid"], s["lang"], name))
        for g in sorted(gold_regions):
            if g not in reached:
                misses.append((s["sid"], s["lang"], g))
        for name in got_countries:
            if name not in gold_countries:
                false_hits.append((s["sid"], s["lang"], name))
        for r in got_regions:
            ok = r in gold_regions or any(
                r in region_ancestors(g) for g in gold_country_regions | gold_regions
            )
            if not ok:
                false_hits.append((s["sid"], s["lang"], r))
    print(f"{path.name}: {len(statements)} statements")
    print(
        f"{'lang':5} {'n':>3}  {'country P':>14} {'country R':>14}  {'region P':>14} "
        f"{'region R':>14}  {'writer read':>14} {'writer first':>14}"
    )
    for lang in ("en", "es", "fr", "pt", "ru", "ar", "all"):
        t = tally[lang]
        if not t["statements"]:
            continue
        print(
            f"{lang:5} {t['statements']:>3}  {_ratio(t['country_tp'], t['country_read']):>14} "
            f"{_ratio(t['country_tp'], t['country_gold']):>14}  "
            f"{_ratio(t['region_right'], t['region_read']):>14} "
            f"{_ratio(t['region_found'], t['region_gold']):>14}  "
            f"{_ratio(t['writer_read'], t['writer_gold']):>14} "
            f"{_ratio(t['writer_first'], t['writer_gold']):>14}"
        )
    if not quiet:
        print(
            "\nlabels with no counterpart:",
            ", ".join(f"{s} {u}" for s, u in no_counterpart) or "none",
        )
        print(f"\nmisses ({len(misses)}):")
        for sid, lang, name in misses:
            print(f"  {sid} {lang} {name}")
        print(f"\nfalse hits ({len(false_hits)}):")
        for sid, lang, name in false_hits:
            print(f"  {sid} {lang} {name}")


def check_dev(path: Path, read: Reader, quiet: bool) -> None:
    """Places read in each dev query, against the persona's places in the query's notes."""
    queries = json.loads(path.read_text("utf-8"))
    with_places, suspect = 0, []
    for q in queries:
        got = read(q["query"])
        persona = read_places(q.get("notes", "").split(" - ")[0])
        with_places += bool(got)
        persona_regions = {p.region for p in persona}
        off = [
            p
            for p in got
            if persona_regions
            and not any(
                a in region_ancestors(r) or r in region_ancestors(a)
                for r in persona_regions
                for a in region_ancestors(p.region)
            )
        ]
        if off or (got and not persona):
            suspect.append((q["qid"], [p.name for p in got], [p.name for p in persona]))
    print(f"\n{path.name}: {len(queries)} queries, {with_places} with a place read")
    print(f"read outside the persona's region, or with no persona place ({len(suspect)}):")
    if not quiet:
        for qid, got, persona in suspect:
            print(f"  {qid}: read {got}; persona {persona}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path, default=SHARED / "train_statements.json")
    parser.add_argument("--dev", type=Path, default=SHARED / "dev_queries.json")
    parser.add_argument("--baseline", metavar="REV", help="read with metadata.py at this revision")
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args(argv)
    read = baseline_reader(args.baseline) if args.baseline else read_places
    check_train(args.train, read, args.quiet)
    check_dev(args.dev, read, args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
