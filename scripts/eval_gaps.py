"""What the engine says of each one-need statement of gap_needs.json, end to end: the statement
searched as a user types it (`Matcher.search(text, country=writer_country)`), reading included.

A statement's verdict is what its reader takes from it: served when some need is served (and
whether a serving id is among that need's programmes or the top 10), other-region-only when no
need is served but one is offered elsewhere, not served (gap or out-of-scope) otherwise. The
shipped judge was trained on these needs, so the figures are in-sample for it; the out-of-fold
figures are those `scripts/train_judge.py` prints.

    python scripts/eval_gaps.py [--gap ../shared/eval/gap_needs.json] [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from matcher.facade import Matcher

ROOT = Path(__file__).resolve().parents[1]


def verdict(result) -> str:  # type: ignore[no-untyped-def]
    statuses = {n.status for n in result.needs}
    if "served" in statuses:
        return "served"
    if "other-region-only" in statuses:
        return "other-region-only"
    return "gap"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gap", type=Path, default=ROOT.parent / "shared/eval/gap_needs.json")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = json.loads(args.gap.read_text(encoding="utf-8"))
    matcher = Matcher.open(progress=False)
    tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        result = matcher.search(row["text"], country=row["writer_country"])
        said = verdict(result)
        served_ids = {i for n in result.needs if n.status == "served" for i in n.results}
        top10 = {m.id for m in result.results}
        for key in ("all", f"lang={row['lang']}", f"style={row['style']}"):
            t = tally[key]
            t[f"{row['status']}_n"] += 1
            t[f"{row['status']}->{said}"] += 1
            if row["status"] == "served":
                t["served_id_listed"] += bool(served_ids & set(row["served_by"]))
                t["served_id_top10"] += bool(top10 & set(row["served_by"]))
            t["fragments>1"] += len(result.needs) > 1
    if args.json:
        print(json.dumps(tally, indent=1))
        return 0
    for key, t in tally.items():
        print(
            f"{key:18s} gap found {t['gap->gap']}/{t['gap_n']} | served called not served "
            f"{t['served_n'] - t['served->served']}/{t['served_n']} | other-region-only found "
            f"{t['other-region-only->other-region-only']}/{t['other-region-only_n']} | serving id "
            f"listed {t['served_id_listed']}/{t['served_n']}, in top 10 "
            f"{t['served_id_top10']}/{t['served_n']} | read as several needs {t['fragments>1']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
