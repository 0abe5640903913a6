"""The VectorStore in Milvus, through pymilvus's `MilvusClient`: Milvus Lite (a local file,
nothing to start) for `milvus-lite:///path/to/file.db`, a Milvus server or cluster for
`milvus://host:19530` (`milvus+https://host:443` with TLS; a token from MILVUS_TOKEN).

The only module that imports pymilvus. One collection per signal and build; ids are the passage
rows. Milvus Lite searches exactly (a FLAT index); a server gets AUTOINDEX, its own approximate
index. A filter becomes an `id in [...]` expression, sent in slices for a large allowed set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from matcher.errors import MatcherIndexError

LITE = "milvus-lite://"
SERVER = ("milvus://", "milvus+https://")
MAX_LIMIT = 16_384
"""Milvus's largest top-k per search."""
FILTER_SLICE = 20_000
"""Ids per `id in [...]` expression."""
INSERT_BATCH = 5_000


def is_milvus_uri(uri: str) -> bool:
    return uri.startswith((LITE, *SERVER))


def client_for(uri: str) -> Any:
    """A MilvusClient for a store URI (ImportError names the package to install)."""
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise MatcherIndexError(
            f"the vector store {uri} needs pymilvus (and milvus-lite for a local file); "
            "run `pip install pymilvus milvus-lite`"
        ) from None
    if uri.startswith(LITE):
        path = Path(uri[len(LITE) :])
        path.parent.mkdir(parents=True, exist_ok=True)
        return MilvusClient(uri=str(path))
    scheme = "https" if uri.startswith("milvus+https://") else "http"
    address = uri.split("://", 1)[1]
    return MilvusClient(uri=f"{scheme}://{address}", token=os.environ.get("MILVUS_TOKEN", ""))


class MilvusStore:
    """Passage vectors in one Milvus collection."""

    def __init__(self, uri: str, collection: str, dim: int, *, client: Any = None) -> None:
        self.uri = uri
        self.collection = collection
        self.dim = dim
        self.client = client if client is not None else client_for(uri)
        self._count: int | None = None

    @classmethod
    def create(cls, uri: str, collection: str, dim: int, *, client: Any = None) -> MilvusStore:
        """A new, empty collection (an older one of the same name is dropped)."""
        store = cls(uri, collection, dim, client=client)
        c = store.client
        if c.has_collection(collection):
            c.drop_collection(collection)
        schema = c.create_schema(auto_id=False, enable_dynamic_field=False)
        from pymilvus import DataType

        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        index = c.prepare_index_params()
        kind = "FLAT" if uri.startswith(LITE) else "AUTOINDEX"
        index.add_index(field_name="vector", index_type=kind, metric_type="IP")
        c.create_collection(collection, schema=schema, index_params=index)
        store._count = 0
        return store

    @classmethod
    def open(cls, uri: str, collection: str, dim: int) -> MilvusStore:
        try:
            store = cls(uri, collection, dim)
            present = store.client.has_collection(collection)
            if present:
                store.client.load_collection(collection)
        except MatcherIndexError:
            raise
        except Exception as exc:  # pymilvus raises its own types for a store it cannot reach
            raise MatcherIndexError(
                f"cannot open the vector store {uri} ({str(exc)[:80]}); start it, or set "
                "MATCHER_VECTOR_STORE to another store and run `matcher index build`"
            ) from None
        if not present:
            raise MatcherIndexError(
                f"the vector store {uri} has no collection {collection}; run `matcher index build`"
            )
        return store

    @property
    def count(self) -> int:
        if self._count is None:
            rows = self.client.query(self.collection, filter="", output_fields=["count(*)"])
            self._count = int(rows[0]["count(*)"])
        return self._count

    def add(self, vectors: np.ndarray) -> None:
        start = self.count
        vectors = np.asarray(vectors, dtype=np.float32)
        for lo in range(0, len(vectors), INSERT_BATCH):
            chunk = vectors[lo : lo + INSERT_BATCH]
            rows = [{"id": start + lo + i, "vector": v.tolist()} for i, v in enumerate(chunk)]
            self.client.insert(self.collection, rows)
        # sealed and indexed: a growing segment is searched 20-40x slower (Milvus Lite, 20k rows)
        self.client.flush(self.collection)
        self._count = start + len(vectors)

    def describe(self) -> dict[str, Any]:
        kind = "milvus-lite" if self.uri.startswith(LITE) else "milvus"
        return {"uri": self.uri, "kind": kind, "collection": self.collection}

    def drop(self) -> None:
        if self.client.has_collection(self.collection):
            self.client.drop_collection(self.collection)

    def top(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        if k < 1:
            raise ValueError("k must be at least 1")
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        limit = min(k, MAX_LIMIT, self.count)
        if allowed is None:
            filters = [""]
        else:
            rows = np.flatnonzero(allowed)
            filters = [
                f"id in {rows[lo : lo + FILTER_SLICE].tolist()}"
                for lo in range(0, len(rows), FILTER_SLICE)
            ]
        if limit < 1 or not filters:
            return ids, scores
        found: list[list[tuple[float, int]]] = [[] for _ in queries]
        for expr in filters:
            # an empty filter is not free in Milvus Lite (10x slower than none): sent only when
            # there is one
            extra = {"filter": expr} if expr else {}
            hits = self.client.search(
                self.collection,
                data=queries.tolist(),
                limit=limit,
                search_params={"metric_type": "IP"},
                **extra,
            )
            for row, row_hits in enumerate(hits):
                found[row].extend((float(h["distance"]), int(h["id"])) for h in row_hits)
        for row, pairs in enumerate(found):
            pairs.sort(key=lambda p: (-p[0], p[1]))
            best = pairs[:k]
            ids[row, : len(best)] = [p[1] for p in best]
            scores[row, : len(best)] = [p[0] for p in best]
        return ids, scores
