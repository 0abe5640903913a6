"""The secretariat's overlap report for a meeting: Markdown and CSV exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from matcher.corpus import Corpus
from matcher.overlaps import DiffSegment, OverlapClass, OverlapCluster, OverlapPair


def to_dict(pairs: Sequence[OverlapPair], clusters: Sequence[OverlapCluster]) -> dict[str, object]:
    """Pairs and clusters as JSON (`matcher overlaps --json`, `GET /overlaps`)."""
    return {"pairs": [p.to_dict() for p in pairs], "clusters": [c.to_dict() for c in clusters]}


def render_diff(
    segments: Sequence[DiffSegment],
    *,
    a: str = "[-",
    a_end: str = "-]",
    b: str = "{+",
    b_end: str = "+}",
) -> str:
    """A diff as text: shared words plain, words only in A and only in B marked."""
    out = []
    for s in segments:
        if s.side == "both":
            out.append(s.text)
        elif s.side == "a":
            out.append(f"{a}{s.text}{a_end}")
        else:
            out.append(f"{b}{s.text}{b_end}")
    return " ".join(out)


def to_markdown(
    pairs: Sequence[OverlapPair], clusters: Sequence[OverlapCluster], corpus: Corpus
) -> str:
    """Clusters, then pairs by class, each with scores, reason and what differs."""
    lines = ["# Overlaps in the Global Coalition initiatives catalogue", ""]
    counts = {c: sum(1 for p in pairs if p.cls is c) for c in OverlapClass}
    lines.append(", ".join(f"{n} {c.value}" for c, n in counts.items()) + " pairs.")
    lines += ["", "## Clusters", ""]
    for c in clusters:
        members = "; ".join(f"{i} {corpus.get(i).title[:70]}" for i in c.ids)
        lines.append(f"- **{c.label}** ({c.cls.value}): {members}")
    for cls in OverlapClass:
        chosen = [p for p in pairs if p.cls is cls]
        if not chosen:
            continue
        lines += [
            "",
            f"## {cls.value.capitalize()}",
            "",
            "| A | B | score | why | what differs |",
            "|---|---|---|---|---|",
        ]
        for p in chosen:
            cells = [
                f"{p.a}: {corpus.get(p.a).title[:50]}",
                f"{p.b}: {corpus.get(p.b).title[:50]}",
                f"{p.score:.2f}",
                p.reason,
                p.differs,
            ]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    lines.append("")
    return "\n".join(lines)


def to_csv(pairs: Sequence[OverlapPair], corpus: Corpus) -> str:
    """One row per pair."""
    out = io.StringIO()
    fields = [
        "a",
        "title_a",
        "b",
        "title_b",
        "class",
        "score",
        "containment",
        "cosine",
        "reason",
        "differs",
    ]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for p in pairs:
        writer.writerow(
            {
                "a": p.a,
                "title_a": corpus.get(p.a).title,
                "b": p.b,
                "title_b": corpus.get(p.b).title,
                "class": p.cls.value,
                "score": p.score,
                "containment": p.containment,
                "cosine": p.cosine,
                "reason": p.reason,
                "differs": p.differs,
            }
        )
    return out.getvalue()
