"""Contract tests every VectorStore passes: exact stores equal numpy brute force (allowing ties),
filters return only allowed rows and the best of them, k beyond the allowed rows pads with -1,
and an approximate store keeps its recall on clustered vectors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from matcher.search.vector_store import AnnConfig, FaissStore, VectorStore, exact_top

DIM = 16


def unit_rows(n: int, seed: int = 0, centres: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if centres:
        base = rng.normal(size=(centres, DIM))
        rows = base[rng.integers(0, centres, n)] + 0.3 * rng.normal(size=(n, DIM))
    else:
        rows = rng.normal(size=(n, DIM))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


StoreFactory = Callable[[np.ndarray, Path], VectorStore]


def faiss_flat(vectors: np.ndarray, tmp: Path) -> VectorStore:
    return FaissStore(vectors, config=AnnConfig())


def faiss_ivfpq(vectors: np.ndarray, tmp: Path) -> VectorStore:
    config = AnnConfig(exact_below=100, nlist_per_sqrt=0.5, pq_dims_per_byte=2, nprobe=4)
    return FaissStore(vectors, config=config)


def milvus_lite(vectors: np.ndarray, tmp: Path) -> VectorStore:
    pytest.importorskip("milvus_lite")
    from matcher.search.milvus_store import MilvusStore

    store = MilvusStore.create(f"milvus-lite://{tmp / 'vectors.db'}", "contract", DIM)
    store.add(vectors)
    return store


EXACT: list[StoreFactory] = [faiss_flat, milvus_lite]
ALL: list[StoreFactory] = [faiss_flat, faiss_ivfpq, milvus_lite]


def brute(vectors: np.ndarray, query: np.ndarray, allowed: np.ndarray | None = None) -> np.ndarray:
    scores = vectors @ query
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return scores


@pytest.mark.parametrize("make", EXACT)
def test_exact_store_equals_brute_force(make: StoreFactory, tmp_path: Path) -> None:
    vectors = unit_rows(300)
    store = make(vectors, tmp_path)
    queries = unit_rows(5, seed=1)
    ids, scores = store.top(queries, 10)
    for row, query in enumerate(queries):
        expected = brute(vectors, query)
        assert scores[row] == pytest.approx(expected[ids[row]], abs=1e-5)
        tenth = np.sort(expected)[-10]
        assert (expected[ids[row]] >= tenth - 1e-6).all()  # ties allowed
        assert list(scores[row]) == sorted(scores[row], reverse=True)


@pytest.mark.parametrize("make", ALL)
def test_filter_returns_the_best_allowed_rows(make: StoreFactory, tmp_path: Path) -> None:
    vectors = unit_rows(400, centres=8)
    store = make(vectors, tmp_path)
    allowed = np.zeros(400, dtype=bool)
    allowed[::7] = True
    query = unit_rows(1, seed=2)[0]
    ids, _ = store.top(query[None, :], 5, allowed)
    assert allowed[ids[0]].all()
    expected = np.flatnonzero(allowed)[np.argsort(-(vectors[allowed] @ query))[:5]]
    assert list(ids[0]) == list(expected)  # exact re-scoring: even the approximate store


@pytest.mark.parametrize("make", ALL)
def test_k_beyond_the_allowed_rows_pads(make: StoreFactory, tmp_path: Path) -> None:
    vectors = unit_rows(200)
    store = make(vectors, tmp_path)
    allowed = np.zeros(200, dtype=bool)
    allowed[[3, 50, 199]] = True
    ids, scores = store.top(unit_rows(1, seed=3), 5, allowed)
    assert sorted(ids[0][:3]) == [3, 50, 199]
    assert list(ids[0][3:]) == [-1, -1] and np.isneginf(scores[0][3:]).all()
    none, _ = store.top(unit_rows(1, seed=3), 2, np.zeros(200, dtype=bool))
    assert list(none[0]) == [-1, -1]


@pytest.mark.parametrize("make", ALL)
def test_added_vectors_are_found(make: StoreFactory, tmp_path: Path) -> None:
    vectors = unit_rows(200, centres=4)
    store = make(vectors, tmp_path)
    extra = unit_rows(3, seed=9)
    store.add(extra)
    assert store.count == 203
    ids, scores = store.top(extra, 1)
    assert list(ids[:, 0]) == [200, 201, 202]
    assert scores[:, 0] == pytest.approx([1.0, 1.0, 1.0], abs=1e-5)


@pytest.mark.parametrize("make", ALL)
def test_store_describes_itself_for_the_manifest(make: StoreFactory, tmp_path: Path) -> None:
    described = make(unit_rows(200), tmp_path).describe()
    assert described["uri"] and described["kind"]


def test_approximate_store_recall_on_clustered_vectors(tmp_path: Path) -> None:
    vectors = unit_rows(2000, centres=20)
    store = faiss_ivfpq(vectors, tmp_path)
    assert store.describe()["kind"] == "ivfpq"
    queries = unit_rows(20, seed=5, centres=20)
    ids, _ = store.top(queries, 10)
    hits = 0
    for row, query in enumerate(queries):
        truth, _ = exact_top(vectors, query, 10)
        hits += len(set(truth) & set(ids[row]))
    assert hits / 200 >= 0.9


def test_ann_config_chooses_flat_below_the_threshold() -> None:
    config = AnnConfig(exact_below=1000, nlist_per_sqrt=2.0, pq_dims_per_byte=8)
    assert config.factory(999, 384) == "Flat"
    assert config.factory(1_000_000, 384) == "IVF2000,PQ48np"
    assert config.factory(40_000, 500) == "IVF400,PQ50np"
