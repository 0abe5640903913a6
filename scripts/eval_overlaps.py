"""Measure overlap detection and the review queue against a judged file of pairs.

    python scripts/eval_overlaps.py [scripts/data/overlap_judgements.json] [--top 100]

The default file is the reviews helper's own reading of the catalogue page (see its "about"):
figures from it are in-sample for that judgement, not out-of-sample ones. Prints verbatim and
twin recall, whether each named family is whole in one cluster, the precision of verbatim and
near-duplicate flags, and the recall of family and thematic pairs in the first --top items of
the review queue (no decisions taken).
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import combinations
from pathlib import Path

from matcher.facade import Matcher
from matcher.overlaps.detect import OverlapClass
from matcher.overlaps.reviews import pair_key

DEFAULT = Path(__file__).parent / "data" / "overlap_judgements.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--top", type=int, default=100)
    args = parser.parse_args()
    judged = json.loads(Path(args.file).read_text(encoding="utf-8"))
    matcher = Matcher.open()
    start = time.perf_counter()
    pairs, clusters = matcher.overlaps()
    queue = matcher.review_candidates()
    seconds = time.perf_counter() - start
    cls = {pair_key(p.a, p.b): p.cls for p in pairs}
    strong = {OverlapClass.VERBATIM, OverlapClass.NEAR_DUPLICATE}
    twin_kinds = strong | {OverlapClass.SCOPE}  # a twin may be the same programme in another scope

    def keyset(rows: list[list[str]]) -> set[tuple[str, str]]:
        return {pair_key(a, b) for a, b in rows}

    verbatim, twins = keyset(judged["verbatim"]), keyset(judged["twins"])
    found_v = sum(cls.get(k) is OverlapClass.VERBATIM for k in verbatim)
    found_t = sum(cls.get(k) in twin_kinds for k in twins)
    flagged = [k for k, c in cls.items() if c in strong]
    right = [k for k in flagged if k in verbatim | twins]
    print(f"overlaps + queue computed in {seconds:.2f} s ({len(queue)} candidate pairs)")
    print(f"verbatim found: {found_v}/{len(verbatim)}")
    print(f"twins found as verbatim, near-duplicate or different-scope: {found_t}/{len(twins)}")
    for k in sorted(twins):
        print(f"  {k[0]} ~ {k[1]}: {cls[k].value if k in cls else 'not flagged'}")
    print(
        f"precision of verbatim/near-duplicate flags: {len(right)}/{len(flagged)}"
        f" = {len(right) / max(1, len(flagged)):.2f}"
    )
    for k in sorted(set(flagged) - set(right)):
        print(f"  wrong flag: {k[0]} ~ {k[1]} ({cls[k].value})")
    scoped = [k for k, c in cls.items() if c is OverlapClass.SCOPE]
    judged_any = verbatim | twins | keyset(judged["thematic"])
    judged_any |= {pair_key(a, b) for f in judged["families"] for a, b in combinations(f, 2)}
    print(
        f"different-scope flags that are judged twins: {len(set(scoped) & twins)}/{len(scoped)}"
        f" (judged as any overlap: {len(set(scoped) & judged_any)})"
    )
    for k in sorted(set(scoped) - twins):
        print(f"  different-scope, not a judged twin: {k[0]} ~ {k[1]}")
    for family in judged["families"]:
        whole = any(set(family) <= set(c.ids) for c in clusters)
        holder = [c.ids for c in clusters if set(family) & set(c.ids)]
        print(f"family {' '.join(family)}: {'whole' if whole else 'split'} in {holder}")
    wanted = {pair_key(a, b) for f in judged["families"] for a, b in combinations(f, 2)}
    wanted |= keyset(judged["thematic"])
    top = {pair_key(s.a, s.b) for s in queue[: args.top]}
    anywhere = {pair_key(s.a, s.b) for s in queue}
    hit = wanted & top
    print(
        f"family + thematic pairs in the first {args.top} of the queue: {len(hit)}/{len(wanted)}"
        f" = {len(hit) / len(wanted):.2f} (anywhere in the queue: {len(wanted & anywhere)})"
    )
    print(f"largest cluster: {max((len(c.ids) for c in clusters), default=0)}")


if __name__ == "__main__":
    main()
