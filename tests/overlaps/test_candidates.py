from __future__ import annotations

import numpy as np

from matcher.overlaps.candidates import (
    candidate_pairs,
    containment,
    local_density,
    nearest_neighbours,
    shingles,
)
from matcher.reading.metadata import title_stem


def test_shingle_containment() -> None:
    a = shingles("one two three four five six", 5)
    b = shingles("zero one two three four five six seven", 5)
    assert containment(a, b) == 1.0
    assert containment(a, set()) == 0.0
    assert title_stem("Synthetic Drugs Detection Project - Canine Forces Component") == [
        "synthetic",
        "drugs",
        "detection",
        "project",
    ]
    assert title_stem("No separator here") == []


def _unit(rows: list[list[float]]) -> np.ndarray:
    v = np.asarray(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# two tight pairs far apart: (0, 1) and (2, 3); 4 alone
VECTORS = _unit([[1, 0.1, 0], [1, 0.2, 0], [0, 1, 0.1], [0, 1, 0.2], [0, 0, 1]])


def test_nearest_neighbours_and_density() -> None:
    nn = nearest_neighbours(VECTORS, 1)
    assert nn[:, 0].tolist() == [1, 0, 3, 2, 3]
    density = local_density(VECTORS, nn)
    assert density[0] > 0.99 and density[4] < 0.3  # a pair is dense, the loner is not
    assert nearest_neighbours(VECTORS[:1], 3).shape == (1, 0)


def test_candidates_are_neighbours_and_copies_not_all_pairs() -> None:
    texts = [
        "customs officers profile risky consignments at seaports every week of the year",
        "a different text about canine units searching cargo halls for synthetic drugs",
        "teachers deliver a school curriculum on drug prevention to young adolescents",
        "parents learn family skills that protect children from early drug use at home",
        # a copy of the first text, far from it in the vectors below
        "customs officers profile risky consignments at seaports every week of the year",
    ]
    pairs = candidate_pairs(texts, VECTORS, k=1)
    assert (0, 4) in pairs  # found by its shared phrasing, not by the vectors
    assert (0, 1) in pairs and (2, 3) in pairs  # nearest neighbours
    assert len(pairs) < 10  # not the 10 pairs of five texts
