"""Where passage vectors live and how a query's best k are found: the `VectorStore` protocol and
its FAISS implementation (the default, kept in the index folder). Milvus is in milvus_store.py.

The only module that imports faiss. Vectors are L2-normalised, so inner product is cosine.
Below `AnnConfig.exact_below` rows the index is an exact flat index (exact and fastest there);
above it an IVF-PQ index proposes candidates and the stored float32 vectors re-score them
exactly, so the PQ codes cost little memory and the scores a caller sees are exact cosines.
A filter (a boolean mask over rows) is applied inside the FAISS search (an ID selector); when the
approximate search finds fewer allowed rows than asked, the allowed rows are searched exactly.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

FAISS_URI = "faiss:"
"""The store URI of the default: FAISS files inside the index folder."""


@dataclass(frozen=True)
class AnnConfig:
    """How the FAISS index is chosen and searched (data/ann.json, chosen by measured recall in
    scripts/bench_scale.py; the defaults stand when that file is absent)."""

    exact_below: int = 50_000
    """Rows below which the index is exact (flat inner product)."""
    nlist_per_sqrt: float = 2.0
    """Inverted lists: this many times the square root of the row count."""
    pq_dims_per_byte: int = 8
    """Product quantiser: one byte of code per this many dimensions."""
    nprobe: int = 16
    """Lists visited per query."""
    rerank: int = 500
    """Approximate candidates re-scored exactly per query (at least k)."""
    train_per_list: int = 40
    """Training rows per inverted list (capped by the row count)."""
    provenance: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def load(cls) -> AnnConfig:
        try:
            raw = resources.files("matcher").joinpath("data/ann.json").read_text(encoding="utf-8")
            data = json.loads(raw)
            return cls(**data["settings"], provenance=data.get("provenance", {}))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def factory(self, rows: int, dim: int) -> str:
        """The FAISS factory string for `rows` vectors of `dim` dimensions."""
        if rows < self.exact_below:
            return "Flat"
        nlist = max(1, int(self.nlist_per_sqrt * math.sqrt(rows)))
        m = dim // self.pq_dims_per_byte
        while dim % m:  # PQ needs a divisor of the dimension
            m -= 1
        # 256 centroids per sub-quantiser need a few thousand training rows; fewer bits below
        bits = min(8, max(4, int(math.log2(rows)) - 3))
        # "np": no polysemous training (minutes of annealing for codes only Hamming search uses)
        return f"IVF{nlist},PQ{m}" + (f"x{bits}" if bits < 8 else "") + "np"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("provenance")
        return out


@runtime_checkable
class VectorStore(Protocol):
    """Unit vectors with integer ids (0..n-1, the passage rows) and their best-k search."""

    uri: str

    @property
    def count(self) -> int:
        """How many vectors the store holds."""
        ...

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors; they get the next ids."""
        ...

    def top(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best `k` rows per query as (ids, scores), best first, padded with -1 / -inf;
        `allowed` (a boolean mask over rows) restricts the search."""
        ...

    def describe(self) -> dict[str, Any]:
        """What the manifest records of this store (its URI, kind and parameters)."""
        ...


def _select(candidates: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The best k of a candidate set, best first, ties by id; padded to k with -1 / -inf."""
    ids = np.full(k, -1, dtype=np.int64)
    out = np.full(k, -np.inf, dtype=np.float32)
    if len(candidates) > k:
        keep = np.argpartition(-scores, k - 1)[:k]
        candidates, scores = candidates[keep], scores[keep]
    order = np.lexsort((candidates, -scores))[:k]
    ids[: len(order)] = candidates[order]
    out[: len(order)] = scores[order]
    return ids, out


def exact_top(
    vectors: np.ndarray, query: np.ndarray, k: int, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact best k of `vectors` (or of its `rows`) for one query, with numpy."""
    query = np.asarray(query, dtype=np.float32)
    if rows is None:  # no copy of a large matrix
        return _select(np.arange(len(vectors), dtype=np.int64), vectors @ query, k)
    return _select(rows, np.asarray(vectors[rows], dtype=np.float32) @ query, k)


class FaissStore:
    """Vectors in memory (or memory-mapped from the index folder) with a FAISS index over them."""

    uri = FAISS_URI

    def __init__(
        self, vectors: np.ndarray, index: Any = None, *, config: AnnConfig | None = None
    ) -> None:
        self.config = config or AnnConfig.load()
        self.vectors = vectors
        self.index = index if index is not None else make_faiss_index(vectors, self.config)

    @property
    def count(self) -> int:
        return int(self.index.ntotal)

    @property
    def exact(self) -> bool:
        """Whether the FAISS index is exact (flat)."""
        return _is_flat(self.index)

    def add(self, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.vectors = np.vstack([self.vectors, vectors]) if len(self.vectors) else vectors
        if not self.index.is_trained:
            self.index = make_faiss_index(self.vectors, self.config)
        else:
            self.index.add(vectors)

    def describe(self) -> dict[str, Any]:
        kind = "flat" if self.exact else "ivfpq"
        return {"uri": self.uri, "kind": kind, "ann": self.config.as_dict()}

    def top(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        import faiss

        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        n = self.count
        if k < 1:
            raise ValueError("k must be at least 1")
        allowed_rows = None if allowed is None else np.flatnonzero(allowed)
        reachable = n if allowed_rows is None else len(allowed_rows)
        fetch = min(n, k if self.exact else max(k, self.config.rerank))
        if reachable == 0 or fetch == 0:
            return (
                np.full((len(queries), k), -1, dtype=np.int64),
                np.full((len(queries), k), -np.inf, dtype=np.float32),
            )
        if self.exact:
            params: Any = faiss.SearchParameters()
        else:
            params = faiss.SearchParametersIVF()
            params.nprobe = self.config.nprobe
        if allowed_rows is not None:
            selector = faiss.IDSelectorBatch(allowed_rows)
            params.sel = selector
        with _omp_threads(1 if len(queries) <= QUERY_BATCH else None):
            scores, ids = self.index.search(queries, fetch, params=params)
        out_ids = np.empty((len(queries), k), dtype=np.int64)
        out_scores = np.empty((len(queries), k), dtype=np.float32)
        for row, query in enumerate(queries):
            found = ids[row][ids[row] >= 0]
            if len(found) < min(k, reachable):
                # the approximate search missed allowed rows: search those exactly
                out_ids[row], out_scores[row] = exact_top(self.vectors, query, k, allowed_rows)
            elif self.exact:
                out_ids[row], out_scores[row] = _pad(found, scores[row][: len(found)], k)
            else:
                # PQ scores only propose: the stored vectors give exact cosines
                out_ids[row], out_scores[row] = exact_top(self.vectors, query, k, found)
        return out_ids, out_scores

    def save(self, path: Path) -> None:
        """Write the FAISS file through Python's file API: a full disk is an OSError saying so
        (faiss.write_index raises a RuntimeError without the reason)."""
        import faiss

        data = faiss.serialize_index(self.index)
        with path.open("wb") as fh:
            fh.write(data.tobytes())
            fh.flush()
            os.fsync(fh.fileno())

    @classmethod
    def read(cls, vectors: np.ndarray, path: Path, config: AnnConfig | None = None) -> FaissStore:
        import faiss

        return cls(vectors, faiss.read_index(str(path)), config=config)


BUILD_THREADS = max(1, (os.cpu_count() or 1) - 1)
"""OpenMP threads for training and filling an index: one core is left to the machine."""
QUERY_BATCH = 16
"""Up to this many queries are searched on one OpenMP thread: FAISS's idle workers spin, and on
a busy 2-core machine they slowed the query encoder that runs next."""


@contextmanager
def _omp_threads(threads: int | None) -> Iterator[None]:
    import faiss

    if threads is None:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def _pad(ids: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    out_ids = np.full(k, -1, dtype=np.int64)
    out_scores = np.full(k, -np.inf, dtype=np.float32)
    out_ids[: len(ids)] = ids[:k]
    out_scores[: len(ids)] = scores[:k]
    return out_ids, out_scores


def _is_flat(index: Any) -> bool:
    import faiss

    return isinstance(index, faiss.IndexFlat)


def make_faiss_index(vectors: np.ndarray, config: AnnConfig) -> Any:
    """An inner-product FAISS index over `vectors`: flat below `config.exact_below` rows,
    IVF-PQ (trained on an evenly spaced sample) above."""
    with _omp_threads(BUILD_THREADS):
        return _make_faiss_index(vectors, config)


def _make_faiss_index(vectors: np.ndarray, config: AnnConfig) -> Any:
    import faiss

    rows, dim = vectors.shape
    factory = config.factory(rows, dim)
    index: Any
    if factory == "Flat":
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.index_factory(dim, factory, faiss.METRIC_INNER_PRODUCT)
        nlist = faiss.extract_index_ivf(index).nlist
        sample = min(rows, max(nlist * config.train_per_list, 256 * 40))
        step = max(1, rows // sample)
        index.train(np.ascontiguousarray(vectors[::step][:sample], dtype=np.float32))
    for lo in range(0, rows, 65_536):  # bounded memory when `vectors` is memory-mapped
        index.add(np.ascontiguousarray(vectors[lo : lo + 65_536], dtype=np.float32))
    return index
