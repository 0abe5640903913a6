"""Which pairs of initiatives to compare: near copies by MinHash LSH over word phrases, and
nearest neighbours by cosine from a FAISS top-k search, so the work grows with the number of
initiatives times the neighbours kept, never with all pairs."""

from __future__ import annotations

import zlib
from collections.abc import Hashable, Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from matcher.reading.metadata import words


def shingles(text: str, n: int) -> set[tuple[str, ...]]:
    """Word n-grams of a text (the whole text as one shingle when shorter than n)."""
    w = words(text)
    if len(w) < n:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def containment(a: AbstractSet[Hashable], b: AbstractSet[Hashable]) -> float:
    """The larger share of either set found in the other (1.0 when one contains the other)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return max(shared / len(a), shared / len(b))


def nearest_neighbours(vectors: np.ndarray, k: int) -> np.ndarray:
    """Each row's k nearest other rows by cosine (n x k indices), from the FAISS store over the
    vectors (exact while small, approximate above its size threshold): top-k search, no n x n
    matrix kept."""
    from matcher.search.vector_store import FaissStore

    n = len(vectors)
    k = min(k, n - 1)
    if k <= 0:
        return np.zeros((n, 0), dtype=np.int64)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    found, _ = FaissStore(vectors).top(vectors, k + 1)
    out = np.zeros((n, k), dtype=np.int64)
    for i, row in enumerate(found):
        others = [int(j) for j in row if j != i and j >= 0][:k]
        out[i, : len(others)] = others
        out[i, len(others) :] = others[-1] if others else (i + 1) % n
    return out


def local_density(vectors: np.ndarray, neighbours: np.ndarray) -> np.ndarray:
    """Each row's mean cosine to its nearest neighbours: high for an initiative close to many
    (a generic one, a hub), low for a specific one."""
    if neighbours.shape[1] == 0:
        return np.zeros(len(vectors), dtype=np.float32)
    total = np.zeros(len(vectors), dtype=np.float64)
    for m in range(neighbours.shape[1]):  # one neighbour column at a time: no n x k x d copy
        total += np.einsum("nd,nd->n", vectors, vectors[neighbours[:, m]])
    return (total / neighbours.shape[1]).astype(np.float32)


_PERMUTATIONS = 64  # enough for a 0.3 Jaccard threshold; half the hashing of 128


def shingle_hashes(text: str, n: int) -> frozenset[int]:
    """A text's word n-grams as 32-bit CRC hashes: deterministic from run to run, several
    times faster to intersect than tuples of words, and what MinHash permutes. Two distinct
    phrases of two texts collide with odds of about 1 in 400,000 per pair of texts."""
    return frozenset(zlib.crc32(" ".join(sh).encode("utf-8")) for sh in shingles(text, n))


def _as_is(value: int) -> int:
    """MinHash's hash function for values that are hashes already."""
    return value


def candidate_pairs(
    texts: Sequence[str],
    vectors: np.ndarray,
    *,
    k: int = 10,
    lsh_threshold: float = 0.3,
    shingle: int = 5,
    neighbours: np.ndarray | None = None,
    hashed: Sequence[AbstractSet[int]] | None = None,
) -> set[tuple[int, int]]:
    """Pairs worth comparing: MinHash LSH hits over `shingle`-word phrases (at most k per text,
    the closest by estimated Jaccard) and each vector's k nearest by cosine."""
    from datasketch import MinHash, MinHashLSH

    pairs: set[tuple[int, int]] = set()
    lsh = MinHashLSH(threshold=lsh_threshold, num_perm=_PERMUTATIONS)
    if hashed is None:
        hashed = [shingle_hashes(t, shingle) for t in texts]
    hashes = MinHash.bulk(
        [list(h) for h in hashed],
        num_perm=_PERMUTATIONS,
        seed=1,
        hashfunc=_as_is,
    )
    signatures = np.stack([mh.hashvalues for mh in hashes]) if hashes else np.zeros((0, 1))
    with lsh.insertion_session() as session:
        for i, mh in enumerate(hashes):
            session.insert(i, mh, check_duplication=False)
    cap = max(1, k)
    for i, mh in enumerate(hashes):
        hits = np.array([j for j in lsh.query(mh) if j != i], dtype=np.int64)
        if len(hits) > cap:  # the closest by estimated Jaccard: a text copied into 500
            jaccard = (signatures[hits] == signatures[i]).mean(axis=1)  # others stays linear
            hits = hits[np.argsort(-jaccard, kind="stable")[:cap]]
        for j in hits.tolist():
            pairs.add((min(i, j), max(i, j)))
    if neighbours is None:
        neighbours = nearest_neighbours(vectors, k)
    for i, row in enumerate(neighbours):
        for j in row:
            pairs.add((min(i, int(j)), max(i, int(j))))
    return pairs
