"""The scale benchmark's small run: every figure is produced (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from matcher.catalogue.parse import load_corpus
from matcher.search.vector_store import AnnConfig

ROOT = Path(__file__).resolve().parents[1]


def bench_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "scripts/bench_scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vectors_benchmark_reports_every_figure(mini_corpus) -> None:
    pytest.importorskip("milvus_lite")
    bench = bench_module()
    rng = np.random.default_rng(0)
    base = rng.normal(size=(40, 32)).astype(np.float32)
    texts = [ini.text for ini in mini_corpus]
    config = AnnConfig(exact_below=1000, nlist_per_sqrt=1.0, pq_dims_per_byte=4, nprobe=8)
    out = bench.bench_vectors(
        3000,
        ["faiss", "milvus-lite"],
        True,
        True,
        queries=10,
        material=(texts, base),
        config=config,
    )
    faiss = out["faiss"]
    assert faiss["kind"] == "ivfpq" and faiss["factory"].startswith("IVF54,PQ8")
    grid = [(r["nprobe"], r["rerank"]) for r in faiss["by_nprobe"]]
    assert grid == [(p, r) for r in bench.RERANKS for p in bench.NPROBES]
    for row in [*faiss["by_nprobe"], out["milvus-lite"]]:
        assert 0.0 <= row["recall@10"] <= 1.0 and row["query_ms_p95"] >= row["query_ms_p50"]
    assert out["milvus-lite"]["recall@10"] == 1.0  # Milvus Lite searches exactly
    assert out["bm25"]["build_s"] >= 0 and out["peak_mb"] > 0
    json.dumps(out)  # printable as JSON


def test_mixtures_are_unit_vectors_near_the_real_ones() -> None:
    bench = bench_module()
    base = np.eye(4, dtype=np.float32)
    rows = bench.mixture_vectors(base, 50, seed=1, noise=0.0)
    assert np.linalg.norm(rows, axis=1) == pytest.approx(np.ones(50), abs=1e-5)
    assert (rows @ base.T).max(axis=1).min() >= 0.7  # each is mostly its two real parents


def test_synthetic_catalogue_is_made_of_real_sentences(tmp_path: Path) -> None:
    bench = bench_module()
    path = tmp_path / "c.jsonl"
    bench.synthetic_catalogue(30, path)
    corpus = load_corpus(path)
    assert len(corpus) == 30 and corpus.initiatives[0].id == "0000"
    from matcher.settings import DEFAULT_CORPUS

    real = " ".join(ini.text for ini in load_corpus(DEFAULT_CORPUS))
    first = corpus.initiatives[0].text.split(". ")[0]
    assert first.rstrip(".") in real
