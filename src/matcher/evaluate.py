"""Judged-query metrics (the conventions of shared/eval/README.md) and the need-coverage figures.

nDCG@10 with linear gains (grade as gain, log2 discount, ideal from all judged grades);
Recall@10 over initiatives of grade >= 2; MRR@10 of the first grade >= 2 initiative.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.errors import InputError

CUTOFF = 10
RELEVANT = 2


@dataclass(frozen=True)
class JudgedQuery:
    """One query of a judged set."""

    qid: str
    query: str
    style: str
    judgments: dict[str, int]
    needs: tuple[str, ...] = ()
    country: str | None = None
    """The writer's country when the item names one (a batch item's `country`)."""


def load_queries(
    path: str | Path, *, judged: bool = True, read: Callable[[Path], str] | None = None
) -> list[JudgedQuery]:
    """Read a JSON list of {qid, query[, style, judgments, needs]}; InputError when malformed.

    `read` reads the file's text (the CLI's reader refuses devices, pipes and files over the
    import limit; InputError saying so)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    try:
        data = json.loads(read(path) if read else path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of objects with 'qid' and 'query'")
    queries: list[JudgedQuery] = []
    for n, row in enumerate(data):
        if not isinstance(row, dict) or not isinstance(row.get("query"), str) or "qid" not in row:
            raise InputError(f"{path}: item {n} needs a 'qid' and a text 'query'")
        judgments = row.get("judgments", {})
        country = row.get("country")
        if country is not None and not isinstance(country, str):
            raise InputError(f"{path}: item {n} ('{row['qid']}') has a 'country' that is not text")
        if judged and not isinstance(judgments, dict):
            raise InputError(f"{path}: item {n} ('{row['qid']}') has no judgments object")
        queries.append(
            JudgedQuery(
                qid=str(row["qid"]),
                query=row["query"],
                style=str(row.get("style", "all")),
                judgments={str(k): int(v) for k, v in (judgments or {}).items()},
                needs=tuple(row.get("needs", ())),
                country=country,
            )
        )
    return queries


def load_training_statements(path: str | Path) -> list[JudgedQuery]:
    """The labelled training statements (train_statements.json) as judged queries: each
    initiative that clearly serves one of a statement's needs is grade 2, every other is
    unjudged (0). Partial judgments: good for comparing settings, not for absolute figures."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read a JSON list ({exc})") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of statements")
    out = []
    for row in data:
        if not isinstance(row, dict) or not isinstance(row.get("statement"), str):
            raise InputError(f"{path}: every item needs a 'sid' and a text 'statement'")
        served = {
            str(i): RELEVANT
            for need in row.get("needs", ())
            if need.get("status") == "served"
            for i in need.get("served_by", ())
        }
        if served:
            out.append(
                JudgedQuery(
                    qid=str(row["sid"]),
                    query=row["statement"],
                    style=f"train-{row.get('lang', 'en')}",
                    judgments=served,
                    needs=tuple(n.get("text", "") for n in row.get("needs", ())),
                )
            )
    return out


def ndcg_at(ranked: Sequence[str], judgments: Mapping[str, int], k: int = CUTOFF) -> float:
    """nDCG@k with linear gains."""
    dcg = sum(judgments.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(judgments.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: Sequence[str], judgments: Mapping[str, int], k: int = CUTOFF) -> float:
    """Share of grade >= 2 initiatives found in the top k."""
    relevant = {d for d, g in judgments.items() if g >= RELEVANT}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def mrr_at(ranked: Sequence[str], judgments: Mapping[str, int], k: int = CUTOFF) -> float:
    """Reciprocal rank of the first grade >= 2 initiative in the top k."""
    for i, doc in enumerate(ranked[:k]):
        if judgments.get(doc, 0) >= RELEVANT:
            return 1.0 / (i + 1)
    return 0.0


def evaluate_runs(
    queries: Iterable[JudgedQuery], runs: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """Mean metrics overall and by style, plus per-query figures."""
    per_query: dict[str, dict[str, float]] = {}
    by_style: dict[str, list[str]] = defaultdict(list)
    for q in queries:
        ranked = list(runs.get(q.qid, []))
        per_query[q.qid] = {
            "ndcg@10": ndcg_at(ranked, q.judgments),
            "recall@10": recall_at(ranked, q.judgments),
            "mrr@10": mrr_at(ranked, q.judgments),
        }
        by_style[q.style].append(q.qid)

    def mean(qids: list[str]) -> dict[str, float]:
        return {
            m: round(sum(per_query[q][m] for q in qids) / len(qids), 4)
            for m in ("ndcg@10", "recall@10", "mrr@10")
        } | {"queries": len(qids)}

    return {
        "overall": mean(list(per_query)) if per_query else {},
        "by_style": {s: mean(qids) for s, qids in sorted(by_style.items())},
        "per_query": per_query,
    }


def evaluate(
    queries: Sequence[JudgedQuery], rank: Callable[[str], Sequence[str]]
) -> dict[str, Any]:
    """Run `rank(query) -> ids best first` over judged queries and compute the metrics."""
    runs = {q.qid: list(rank(q.query))[:CUTOFF] for q in queries}
    return evaluate_runs(queries, runs)


def format_report(report: Mapping[str, Any], title: str = "") -> str:
    """A small text table of overall and per-style figures."""
    lines = [title] if title else []
    lines.append(f"{'style':<14}{'n':>4}{'nDCG@10':>10}{'R@10':>8}{'MRR@10':>8}")
    rows = [("overall", report["overall"]), *report["by_style"].items()]
    for name, m in rows:
        lines.append(
            f"{name:<14}{m['queries']:>4}{m['ndcg@10']:>10.3f}{m['recall@10']:>8.3f}{m['mrr@10']:>8.3f}"
        )
    return "\n".join(lines)


def load_out_of_scope(path: str | Path) -> list[dict[str, Any]]:
    """Read statements with `needs` and `out_of_scope_needs` (dev_out_of_scope.json format)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read a JSON list ({exc})") from None
    if not isinstance(data, list) or not all(
        isinstance(r, dict) and "query" in r and "out_of_scope_needs" in r for r in data
    ):
        raise InputError(f"{path}: expected a list of {{qid, query, needs, out_of_scope_needs}}")
    return data


def evaluate_needs(
    queries: Sequence[JudgedQuery],
    out_of_scope: Sequence[Mapping[str, Any]],
    search: Callable[[str, int], Any],
) -> dict[str, Any]:
    """Need coverage and gap calibration.

    * coverage: for each judged need of a multi-need query, its programmes are the query's
      grade >= 2 initiatives that rank in the top 5 when the need alone is searched; the need is
      served when one of them is in the statement's top 10.
    * in-scope gap rate: each judged need searched alone, flagged as a gap or not.
    * out-of-scope: each out-of-scope need searched alone must be a gap with no strong match;
      each statement searched whole must report a gap, and in mixed statements the other need
      must be covered.
    """
    served = total = unmapped = 0
    gaps_in_scope = needs_in_scope = 0
    for q in queries:
        for need in q.needs:
            alone = search(need, 5)
            needs_in_scope += 1
            gaps_in_scope += int(bool(alone.needs) and not any(n.covered for n in alone.needs))
            if len(q.needs) < 2:
                continue
            programmes = {m.id for m in alone.results if q.judgments.get(m.id, 0) >= RELEVANT}
            if not programmes:
                unmapped += 1
                continue
            total += 1
            top = {m.id for m in search(q.query, CUTOFF).results}
            served += int(bool(programmes & top))
    oos_needs = oos_flagged = oos_strong = 0
    statements = []
    for row in out_of_scope:
        for need in row["out_of_scope_needs"]:
            alone = search(need, 5)
            oos_needs += 1
            oos_flagged += int(not any(n.covered for n in alone.needs))
            oos_strong += int(any(m.match == "strong" for m in alone.results))
        whole = search(row["query"], CUTOFF)
        statements.append(
            {
                "qid": row.get("qid"),
                "needs": [{"text": n.text, "covered": n.covered} for n in whole.needs],
                "gaps_reported": len(whole.gaps),
                "expected_gaps": len(row["out_of_scope_needs"]),
                "expected_covered": len(row["needs"]) - len(row["out_of_scope_needs"]),
            }
        )
    return {
        "multi_need_coverage": round(served / total, 4) if total else None,
        "multi_needs_measured": total,
        "multi_needs_without_mapped_programme": unmapped,
        "in_scope_gap_rate": round(gaps_in_scope / needs_in_scope, 4) if needs_in_scope else None,
        "in_scope_needs": needs_in_scope,
        "out_of_scope_flagged_rate": round(oos_flagged / oos_needs, 4) if oos_needs else None,
        "out_of_scope_with_strong_match": oos_strong,
        "out_of_scope_needs": oos_needs,
        "out_of_scope_statements": statements,
    }
