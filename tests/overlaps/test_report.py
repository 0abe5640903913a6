from __future__ import annotations

import csv
import io
from pathlib import Path

from matcher.catalogue.model import Corpus, Initiative
from matcher.overlaps.detect import OverlapClass, OverlapCluster, OverlapPair, ScoredPair
from matcher.overlaps.report import review_csv, review_groups, review_markdown, to_html
from matcher.overlaps.reviews import ReviewStore, review_queue

EVIL = '<script>alert(1)</script> =HYPERLINK("x") | **bold**'


def ini(id_: str, title: str = "A programme") -> Initiative:
    return Initiative(id_, title, "1.1", "Group", 1, f"Text of {id_}.", (), ())


def pair(a: str, b: str, cls: OverlapClass | None, look: float) -> ScoredPair:
    p = OverlapPair(a, b, cls or OverlapClass.THEMATIC, look, f"why {a} {b}", 0.0, look, "")
    return ScoredPair(p, cls, look, "")


def setup(tmp_path: Path) -> tuple[Corpus, list[OverlapCluster], list, dict]:
    corpus = Corpus([ini("1", EVIL), ini("2"), ini("3"), ini("4"), ini("5")])
    clusters = [OverlapCluster("Suite", ("1", "2", "3"), OverlapClass.FAMILY)]
    scored = [
        pair("1", "2", OverlapClass.FAMILY, 0.9),
        pair("2", "3", OverlapClass.FAMILY, 0.8),
        pair("4", "5", None, 0.4),
        pair("3", "4", None, 0.3),
    ]
    store = ReviewStore(tmp_path)
    store.decide(corpus.get("1"), corpus.get("2"), "family", EVIL)
    store.decide(corpus.get("4"), corpus.get("5"), "not-related")
    decisions = store.decisions()
    queue = review_queue(scored, decisions, corpus)
    return corpus, clusters, queue, decisions


def test_groups_put_each_pair_under_the_cluster_holding_both(tmp_path: Path) -> None:
    _corpus, clusters, queue, decisions = setup(tmp_path)
    groups = review_groups(clusters, decisions, queue)
    suite, outside = groups
    assert [(r.a, r.b) for r in suite.decided] == [("1", "2")]
    assert [(q.scored.a, q.scored.b) for q in suite.open] == [("2", "3")]
    assert [(r.a, r.b) for r in outside.decided] == [("4", "5")]
    assert [(q.scored.a, q.scored.b) for q in outside.open] == [("3", "4")]  # 3 in, 4 out


def test_every_format_keeps_catalogue_and_notes_as_text(tmp_path: Path) -> None:
    corpus, clusters, queue, decisions = setup(tmp_path)
    groups = review_groups(clusters, decisions, queue)
    html = to_html([], clusters, corpus, groups)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "@media print" in html
    md = review_markdown(groups, corpus)
    assert "<script>" not in md and "\\*\\*bold\\*\\*" in md and "\\|" in md
    rows = list(csv.DictReader(io.StringIO(review_csv(groups, corpus))))
    assert [r["status"] for r in rows] == ["decided", "open", "decided", "open"]
    assert rows[0]["note"].startswith("<script>")  # CSV is data: text kept, formulas not run
    assert all(not v.startswith("=") for r in rows for v in r.values())
