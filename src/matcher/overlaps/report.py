"""The secretariat's overlap report for a meeting: Markdown, CSV and printable HTML, with the
review's decisions and open items grouped by cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from matcher.catalogue.diff import DiffSegment, diff_words
from matcher.catalogue.model import Corpus
from matcher.overlaps.detect import CANDIDATE, OverlapClass, OverlapCluster, OverlapPair, shorten
from matcher.overlaps.reviews import QueueItem, Review
from matcher.text import csv_text, markdown_text


def queue_to_dict(queue: Sequence[QueueItem], corpus: Corpus) -> dict[str, object]:
    """The open review queue as JSON (`matcher review list --json`, `GET /reviews`): each pair's
    evidence, whether it changed since an earlier decision, and the word diff of the two texts."""
    items = []
    for item in queue:
        row = item.to_dict()
        a, b = corpus.get(item.scored.a), corpus.get(item.scored.b)
        row["diff"] = render_diff(diff_words(a.text, b.text))
        items.append(row)
    return {"queue": items}


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
        members = "; ".join(f"{i} {markdown_text(corpus.get(i).title[:70])}" for i in c.ids)
        lines.append(f"- **{markdown_text(c.label)}** ({c.cls.value}): {members}")
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
            lines.append("| " + " | ".join(markdown_text(c) for c in cells) + " |")
    lines.append("")
    return "\n".join(lines)


def to_csv(pairs: Sequence[OverlapPair], corpus: Corpus) -> str:
    """One row per pair."""
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
    rows = (
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
        for p in pairs
    )
    return csv_text(fields, rows)


# ---------------------------------------------------------------------- with the review


@dataclass(frozen=True)
class ReviewGroup:
    """One cluster (or the pairs outside every cluster) with its decisions and open items."""

    label: str
    cls: str
    ids: tuple[str, ...]
    decided: tuple[Review, ...]
    open: tuple[QueueItem, ...]


OPEN_OUTSIDE = 30
"""Open items outside every cluster that a report lists (the queue's first, most worth a look)."""


def review_groups(
    clusters: Sequence[OverlapCluster],
    decisions: Mapping[tuple[str, str], Review],
    queue: Sequence[QueueItem],
    *,
    open_outside: int = OPEN_OUTSIDE,
) -> list[ReviewGroup]:
    """Decisions and open items grouped by the cluster holding both ids of the pair, then a
    last group for those outside every cluster."""
    home: dict[str, int] = {i: n for n, c in enumerate(clusters) for i in c.ids}

    def where(a: str, b: str) -> int:
        n = home.get(a, -1)
        return n if n >= 0 and home.get(b, -2) == n else -1

    decided: dict[int, list[Review]] = {}
    for r in decisions.values():
        decided.setdefault(where(r.a, r.b), []).append(r)
    opened: dict[int, list[QueueItem]] = {}
    for q in queue:
        opened.setdefault(where(q.scored.a, q.scored.b), []).append(q)
    groups = [
        ReviewGroup(
            c.label, c.cls.value, c.ids, tuple(decided.get(n, [])), tuple(opened.get(n, []))
        )
        for n, c in enumerate(clusters)
    ]
    groups.append(
        ReviewGroup(
            "Outside every cluster",
            "",
            (),
            tuple(decided.get(-1, [])),
            tuple(opened.get(-1, [])[:open_outside]),
        )
    )
    return groups


def _title(corpus: Corpus, initiative_id: str, limit: int = 60) -> str:
    if initiative_id not in set(corpus.ids):
        return "(not in the catalogue)"
    return shorten(corpus.get(initiative_id).title, limit)


def _open_row(q: QueueItem) -> dict[str, str]:
    s = q.scored
    status = "changed since decided" if q.changed_since is not None else "open"
    return {
        "pair": f"{s.a} ~ {s.b}",
        "class": s.cls.value if s.cls else CANDIDATE,
        "look": f"{s.look:.2f}",
        "status": status,
        "why": s.pair.reason,
    }


def review_markdown(groups: Sequence[ReviewGroup], corpus: Corpus) -> str:
    """The review part of the meeting report: per cluster, its decisions then its open items."""
    lines = ["", "## Review: decisions and open items by cluster", ""]
    for g in groups:
        if not (g.decided or g.open):
            continue
        head = f"### {markdown_text(g.label)}"
        if g.cls:
            head += f" ({g.cls}: {', '.join(g.ids)})"
        lines += [head, ""]
        if g.decided:
            lines += ["| pair | decision | note | decided |", "|---|---|---|---|"]
            for r in g.decided:
                cells = [
                    f"{r.a} {_title(corpus, r.a, 40)} ~ {r.b} {_title(corpus, r.b, 40)}",
                    r.decision.value,
                    r.note,
                    r.decided_at,
                ]
                lines.append("| " + " | ".join(markdown_text(c) for c in cells) + " |")
            lines.append("")
        if g.open:
            lines += ["| open pair | class | look | status | why |", "|---|---|---|---|---|"]
            for q in g.open:
                row = _open_row(q)
                lines.append("| " + " | ".join(markdown_text(v) for v in row.values()) + " |")
            lines.append("")
    return "\n".join(lines)


def review_csv(groups: Sequence[ReviewGroup], corpus: Corpus) -> str:
    """One row per decision and per open item, with its cluster (through exports.csv_text)."""
    fields = [
        "cluster",
        "a",
        "title_a",
        "b",
        "title_b",
        "status",
        "decision",
        "note",
        "class",
        "look",
        "why",
    ]
    rows: list[dict[str, object]] = []
    for g in groups:
        for r in g.decided:
            rows.append(
                {
                    "cluster": g.label,
                    "a": r.a,
                    "title_a": _title(corpus, r.a, 500),
                    "b": r.b,
                    "title_b": _title(corpus, r.b, 500),
                    "status": "decided",
                    "decision": r.decision.value,
                    "note": r.note,
                    "class": "",
                    "look": "",
                    "why": "",
                }
            )
        for q in g.open:
            s = q.scored
            rows.append(
                {
                    "cluster": g.label,
                    "a": s.a,
                    "title_a": _title(corpus, s.a, 500),
                    "b": s.b,
                    "title_b": _title(corpus, s.b, 500),
                    "status": _open_row(q)["status"],
                    "decision": "",
                    "note": "",
                    "class": s.cls.value if s.cls else CANDIDATE,
                    "look": s.look,
                    "why": s.pair.reason,
                }
            )
    return csv_text(fields, rows)


_PRINT_CSS = """
body { font: 11pt/1.4 Georgia, 'Times New Roman', serif; margin: 2em; color: #111; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.5em; } h3 { font-size: 12pt; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
.muted { color: #555; }
@page { size: A4 landscape; margin: 1.5cm; }
@media print {
  body { margin: 0; font-size: 9.5pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  section { break-inside: avoid-page; }
}
"""


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    th = "".join(f"<th>{escape(str(h))}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def to_html(
    pairs: Sequence[OverlapPair],
    clusters: Sequence[OverlapCluster],
    corpus: Corpus,
    groups: Sequence[ReviewGroup] = (),
) -> str:
    """A printable report (A4 landscape print CSS): clusters, pairs by class and, when given,
    the review's decisions and open items by cluster. Every value goes through html.escape."""
    counts = {c: sum(1 for p in pairs if p.cls is c) for c in OverlapClass}
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Overlaps in the Global Coalition initiatives catalogue</title>",
        f"<style>{_PRINT_CSS}</style></head><body>",
        "<h1>Overlaps in the Global Coalition initiatives catalogue</h1>",
        f"<p class='muted'>{escape(', '.join(f'{n} {c.value}' for c, n in counts.items()))}"
        " pairs.</p>",
        "<h2>Clusters</h2>",
        _table(
            ["cluster", "class", "initiatives"],
            [
                [c.label, c.cls.value, "; ".join(f"{i} {_title(corpus, i, 70)}" for i in c.ids)]
                for c in clusters
            ],
        ),
    ]
    for cls in OverlapClass:
        chosen = [p for p in pairs if p.cls is cls]
        if chosen:
            parts.append(f"<h2>{escape(cls.value.capitalize())}</h2>")
            parts.append(
                _table(
                    ["A", "B", "score", "why", "what differs"],
                    [
                        [
                            f"{p.a}: {_title(corpus, p.a, 50)}",
                            f"{p.b}: {_title(corpus, p.b, 50)}",
                            f"{p.score:.2f}",
                            p.reason,
                            p.differs,
                        ]
                        for p in chosen
                    ],
                )
            )
    if groups:
        parts.append("<h2>Review: decisions and open items by cluster</h2>")
        for g in groups:
            if not (g.decided or g.open):
                continue
            ids = f" ({g.cls}: {', '.join(g.ids)})" if g.cls else ""
            parts.append(f"<section><h3>{escape(g.label + ids)}</h3>")
            if g.decided:
                parts.append(
                    _table(
                        ["pair", "decision", "note", "decided"],
                        [
                            [f"{r.a} ~ {r.b}", r.decision.value, r.note, r.decided_at]
                            for r in g.decided
                        ],
                    )
                )
            if g.open:
                parts.append(
                    _table(
                        ["open pair", "class", "look", "status", "why"],
                        [list(_open_row(q).values()) for q in g.open],
                    )
                )
            parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
