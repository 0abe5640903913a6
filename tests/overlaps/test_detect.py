from __future__ import annotations

import numpy as np
import pytest

from matcher.catalogue.diff import diff_summary, diff_words
from matcher.catalogue.model import Corpus, Initiative
from matcher.overlaps.detect import OverlapClass, OverlapPair, cluster_overlaps, find_overlaps
from tests.conftest import HashingEncoder

BASE = (
    "Customs officers are trained to profile risky consignments of precursor chemicals at "
    "seaports and airports, using risk indicators and shared intelligence from partner agencies."
)


def ini(id_: str, title: str, text: str, orgs=(), regions=()) -> Initiative:
    return Initiative(id_, title, "1.2", "Trafficking", 1, text, tuple(orgs), tuple(regions))


@pytest.fixture
def planted() -> list[Initiative]:
    return [
        ini("1001", "Precursor profiling for customs", BASE, ["WCO"]),
        ini("1002", "Customs precursor targeting", BASE, ["WCO"]),  # verbatim copy
        ini(
            "1003",
            "Precursor profiling for customs in Africa",  # twin: region differs
            BASE.replace("officers are", "officers in Africa are").replace(
                "at seaports and airports", "at African seaports"
            ),
            ["WCO"],
            ["Africa"],
        ),
        ini(
            "1004",
            "Detection Project Alpha - Mail component",
            "Postal units learn to x-ray parcels and letters for synthetic opioids.",
            ["WCO"],
        ),
        ini(
            "1005",
            "Detection Project Alpha - Canine component",
            "Dog handlers learn to search cargo halls for fentanyl with trained dogs.",
            ["WCO"],
        ),
        ini(
            "1006",
            "School prevention curriculum",
            "Teachers deliver an evidence-based drug prevention curriculum to adolescents.",
            ["UNODC"],
        ),
    ]


def vectors_for(items: list[Initiative]) -> np.ndarray:
    return HashingEncoder("h", 256).encode([i.full_text for i in items])


def test_planted_classes_are_exact(planted) -> None:
    pairs = find_overlaps(planted, vectors_for(planted))
    got = {(p.a, p.b): p.cls for p in pairs}
    assert got[("1001", "1002")] is OverlapClass.VERBATIM
    assert got[("1001", "1003")] is OverlapClass.NEAR_DUPLICATE
    assert got[("1002", "1003")] is OverlapClass.NEAR_DUPLICATE
    assert got[("1004", "1005")] is OverlapClass.FAMILY
    assert not any("1006" in (p.a, p.b) for p in pairs)
    verbatim = next(p for p in pairs if p.cls is OverlapClass.VERBATIM)
    assert "100%" in verbatim.reason and verbatim.score == 1.0
    twin = next(p for p in pairs if (p.a, p.b) == ("1001", "1003"))
    assert "regions global vs Africa" in twin.differs


def test_clusters_group_copies_and_families(planted) -> None:
    pairs = find_overlaps(planted, vectors_for(planted))
    clusters = cluster_overlaps(pairs, planted)
    assert [(c.cls, c.ids) for c in clusters] == [
        (OverlapClass.VERBATIM, ("1001", "1002", "1003")),
        (OverlapClass.FAMILY, ("1004", "1005")),
    ]
    assert clusters[1].label == "Detection Project Alpha"


def test_word_diff_shows_shared_and_own_text() -> None:
    segments = diff_words("the cat sat on the mat", "the cat lay on the mat today")
    assert [(s.side, s.text) for s in segments] == [
        ("both", "the cat"),
        ("a", "sat"),
        ("b", "lay"),
        ("both", "on the mat"),
        ("b", "today"),
    ]
    assert diff_summary(segments) == {"both": 5, "a": 1, "b": 2}


def test_real_catalogue_copies_twins_and_families(real_corpus: Corpus) -> None:
    items = list(real_corpus.initiatives)
    pairs = find_overlaps(items, HashingEncoder("h", 512).encode([i.full_text for i in items]))
    got = {(p.a, p.b): p.cls for p in pairs}
    for copy in [("1101", "1201"), ("3200", "3218"), ("3303", "3304")]:  # UTC and RNR included
        assert got[copy] is OverlapClass.VERBATIM
    assert got[("2206A", "2206")] is OverlapClass.NEAR_DUPLICATE
    clusters = {c.ids: c for c in cluster_overlaps(pairs, items)}
    assert clusters[("1202", "1204", "1207", "1209")].label == "Synthetic Drugs Detection Project"
    # the suite (2200) lists SNOOP (2203) among its tools: one family, not two
    assert clusters[("2200", "2203", "2204", "2205")].cls is OverlapClass.FAMILY


def test_a_chain_of_links_is_cut_at_the_cluster_cap() -> None:
    items = [ini(str(2000 + n), f"Entry {n}", f"Text {n}.") for n in range(12)]
    # a chain 0-1-2-...-11, each link weaker than the one before
    chain = [
        OverlapPair(items[n].id, items[n + 1].id, OverlapClass.FAMILY, 0.9 - n / 100, "", 0, 0, "")
        for n in range(11)
    ]
    clusters = cluster_overlaps(chain, items, max_cluster=5)
    assert max(len(c.ids) for c in clusters) == 5
    # the strongest links are kept: the first five entries are one cluster
    assert clusters[0].ids == tuple(i.id for i in items[:5])
    assert len(cluster_overlaps(chain, items, max_cluster=50)) == 1
