"""The index folder: its layout and manifest, loading and checking it, its status, and putting
back an index an interrupted swap left aside (index_build.py builds it; vector_store.py holds
the vector search).

The folder holds plain files: `manifest.json`, `passages.jsonl`, one `vectors_<signal>.npy` and
one `faiss_<signal>.index` per dense signal, and the catalogue's content words with their
multilingual vectors (`vocabulary.json`, `vocabulary_use.npy`: what the judge's word coverage
reads, word_cover.py). The manifest records what the index was built from
(corpus hash, each model's name, weights fingerprint and dimension, the settings) and a sha256 of
every data file, so a stale or damaged index is detected on load, never used silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from matcher.catalogue.locking import lock_if_free, pid_alive
from matcher.catalogue.model import Corpus
from matcher.catalogue.passages import Passage
from matcher.errors import MatcherIndexError
from matcher.search.encoders import Encoder
from matcher.search.milvus_store import MilvusStore, is_milvus_uri
from matcher.search.vector_store import (
    FAISS_URI,
    AnnConfig,
    FaissStore,
    VectorStore,
)
from matcher.settings import Settings

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
VOCABULARY = "vocabulary.json"
VOCABULARY_VECTORS = "vocabulary_use.npy"
VOCABULARY_SIGNAL = "use"
"""The dense model whose word vectors the vocabulary holds (the multilingual one)."""
TMP_PREFIX = ".matcher-build-"
OLD_PREFIX = ".matcher-old-"
MMAP_ABOVE = 256 * 1024 * 1024
"""Vector files up to this size are read into memory; larger ones are memory-mapped. A mapped
file truncated under a running server kills it with SIGBUS on the next read of a lost page; a
file read into memory cannot (a short file is a ValueError while reading). The shipped catalogue's
vectors are about 2 MB; a 500,000-passage index's are over 1 GB and stay mapped."""


def package_version() -> str:
    from matcher.version import __version__

    return __version__


@dataclass
class LoadedIndex:
    """An index in memory: passages, their vectors per signal, and a vector store per signal."""

    manifest: dict[str, Any]
    passages: list[Passage]
    vectors: dict[str, np.ndarray]
    faiss_indexes: dict[str, Any] = field(default_factory=dict)
    stores: dict[str, VectorStore] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    """The catalogue's content words (word_cover.vocabulary), sorted."""
    vocabulary_vectors: np.ndarray | None = None
    """Their VOCABULARY_SIGNAL vectors (None: the index has no such signal)."""

    def __post_init__(self) -> None:
        for signal, vectors in self.vectors.items():
            if signal not in self.stores:
                self.stores[signal] = FaissStore(vectors, self.faiss_indexes.get(signal))

    def search(self, signal: str, query: np.ndarray) -> np.ndarray:
        """Inner product of one query vector with every passage, in passage order (exact).

        For checks and benchmarks: search ranks with `top`, which never scores every passage.
        """
        vectors = self.vectors[signal]
        return np.asarray(vectors @ np.asarray(query, dtype=np.float32), dtype=np.float32)

    def top(
        self, signal: str, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best `k` passages per query row as (passage rows, cosines), best first, padded
        with -1 / -inf; `allowed` (a boolean mask over passages) restricts the search."""
        return self.stores[signal].top(queries, min(k, len(self.passages)) or 1, allowed)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def expected_models(encoders: Mapping[str, Encoder]) -> dict[str, dict[str, object]]:
    """What the manifest must say of each model for the index to be current."""
    return {
        signal: {"name": enc.name, "fingerprint": enc.fingerprint(), "dim": enc.dim}
        for signal, enc in encoders.items()
    }


def read_manifest(index_dir: Path) -> dict[str, Any]:
    path = index_dir / MANIFEST
    if not path.exists():
        raise MatcherIndexError(f"no index in {index_dir}; run `matcher index build`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise MatcherIndexError(
            f"{path} is damaged (not valid JSON); run `matcher index build`"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("schema_version") != SCHEMA_VERSION:
        raise MatcherIndexError(
            f"{path} has an unknown schema; run `matcher index build` to rebuild it"
        )
    return manifest


def stale_reason(
    manifest: Mapping[str, Any],
    corpus: Corpus,
    models: Mapping[str, Mapping[str, object]],
    settings: Settings,
) -> str | None:
    """Why an index no longer matches the corpus, models or settings (None when current)."""
    if manifest.get("corpus_hash") != corpus.content_hash:
        return (
            f"the index was built from a corpus with hash {manifest.get('corpus_hash')}, "
            f"the corpus now hashes to {corpus.content_hash}"
        )
    if manifest.get("settings") != json.loads(json.dumps(settings.index_key())):
        return "the index was built with other passage or model settings"
    stored = {d.get("uri") for d in manifest.get("stores", {}).values()} or {FAISS_URI}
    if stored != {settings.vector_store}:
        return (
            f"its vectors are in {', '.join(sorted(map(str, stored)))}, the settings ask for "
            f"{settings.vector_store} (MATCHER_VECTOR_STORE)"
        )
    built = manifest.get("models", {})
    for signal, want in models.items():
        have = built.get(signal)
        if have != dict(want):
            return f"the {signal} model differs from the one the index was built with"
    return None


def check_index(
    index_dir: Path,
    corpus: Corpus,
    encoders: Mapping[str, Encoder],
    settings: Settings,
) -> dict[str, Any]:
    """The manifest of a current, intact index; raises MatcherIndexError saying what is wrong."""
    manifest = read_manifest(index_dir)
    reason = stale_reason(manifest, corpus, expected_models(encoders), settings)
    if reason:
        raise MatcherIndexError(
            f"index in {index_dir} is stale: {reason}; run `matcher index build`"
        )
    sizes = manifest.get("sizes", {})
    for name, digest in manifest.get("files", {}).items():
        path = index_dir / name
        try:
            size = path.stat().st_size
        except OSError:
            raise MatcherIndexError(f"{path} is missing; run `matcher index build`") from None
        if name in sizes and sizes[name] != size:  # before hashing: a short file is never read
            raise MatcherIndexError(
                f"{path} is damaged ({size:,} bytes, the manifest says {sizes[name]:,}); "
                "run `matcher index build`"
            )
        if sha256_file(path) != digest:
            raise MatcherIndexError(
                f"{path} is damaged (checksum differs); run `matcher index build`"
            )
    return manifest


def load_index(
    index_dir: Path,
    corpus: Corpus,
    encoders: Mapping[str, Encoder],
    settings: Settings,
) -> LoadedIndex:
    """Load a current index, verifying manifest, checksums, shapes and FAISS files."""
    manifest = check_index(index_dir, corpus, encoders, settings)
    passages = read_passages(index_dir / PASSAGES)
    vectors: dict[str, np.ndarray] = {}
    stores: dict[str, VectorStore] = {}
    config = AnnConfig.load()
    for signal, info in manifest["models"].items():
        where = manifest.get("stores", {}).get(signal, {"uri": FAISS_URI})
        try:
            array = read_vectors(index_dir / f"vectors_{signal}.npy")
            store: VectorStore
            if is_milvus_uri(where["uri"]):
                store = MilvusStore.open(where["uri"], where["collection"], info["dim"])
            else:
                store = FaissStore.read(array, index_dir / f"faiss_{signal}.index", config)
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise MatcherIndexError(
                f"index file for {signal} in {index_dir} is unreadable ({str(exc)[:80]}); "
                "run `matcher index build`"
            ) from None
        if array.shape != (len(passages), info["dim"]) or store.count != len(passages):
            raise MatcherIndexError(
                f"{signal} vectors in {index_dir} have shape {array.shape}, expected "
                f"({len(passages)}, {info['dim']}); run `matcher index build`"
            )
        vectors[signal] = array
        stores[signal] = store
    check_counts(index_dir, manifest, corpus, passages)
    words, word_vectors = read_vocabulary(index_dir, manifest)
    return LoadedIndex(
        manifest, passages, vectors, stores=stores, vocabulary=words,
        vocabulary_vectors=word_vectors,
    )


def read_vocabulary(
    index_dir: Path, manifest: Mapping[str, Any]
) -> tuple[list[str], np.ndarray | None]:
    """The vocabulary and its vectors, when the index has the signal they are made with."""
    models = manifest.get("models", {})
    if VOCABULARY_SIGNAL not in models:
        return [], None
    if VOCABULARY not in manifest.get("files", {}):
        raise MatcherIndexError(
            f"the index in {index_dir} was built without its vocabulary (an older version); "
            "run `matcher index build`"
        )
    try:
        words = json.loads((index_dir / VOCABULARY).read_text(encoding="utf-8"))
        vectors = np.load(index_dir / VOCABULARY_VECTORS, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise MatcherIndexError(
            f"the vocabulary in {index_dir} is unreadable ({str(exc)[:80]}); "
            "run `matcher index build`"
        ) from None
    dim = int(models[VOCABULARY_SIGNAL].get("dim", 0))
    if not isinstance(words, list) or vectors.shape != (len(words), dim):
        raise MatcherIndexError(
            f"the vocabulary in {index_dir} does not match its vectors; run `matcher index build`"
        )
    return [str(w) for w in words], np.asarray(vectors, dtype=np.float32)


def read_vectors(path: Path, mmap_above: int = MMAP_ABOVE) -> np.ndarray:
    """A vector file read into memory, or memory-mapped when it is over `mmap_above` bytes (a
    large catalogue's vectors are then read as search touches them). A short file raises
    ValueError, never SIGBUS later."""
    if path.stat().st_size > mmap_above:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    return np.load(path, allow_pickle=False)


def check_counts(
    index_dir: Path, manifest: Mapping[str, Any], corpus: Corpus, passages: list[Passage]
) -> None:
    """The manifest's counts must be what the index holds: an edited manifest is refused."""
    counts = manifest.get("counts")
    want = {"initiatives": len(corpus), "passages": len(passages)}
    if not isinstance(counts, dict) or {k: counts.get(k) for k in want} != want:
        raise MatcherIndexError(
            f"{index_dir / MANIFEST} says counts {counts!r}, the index holds {want}; "
            "run `matcher index build`"
        )


def data_files(manifest: Mapping[str, Any]) -> list[str]:
    """The data files a manifest vouches for (vectors, FAISS files, passages)."""
    files = manifest.get("files", {})
    return sorted(files) if isinstance(files, dict) else []


def read_passages(path: Path) -> list[Passage]:
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return [Passage(r["initiative_id"], r["number"], r["text"], r["title"]) for r in rows]
    except (OSError, ValueError, KeyError, TypeError):
        raise MatcherIndexError(f"{path} is damaged; run `matcher index build`") from None


def remove_stray_folders(parent: Path) -> None:
    """Delete temporary folders left by builds that died (their process is gone)."""
    for item in parent.iterdir() if parent.exists() else []:
        if not item.is_dir() or not item.name.startswith((TMP_PREFIX, OLD_PREFIX)):
            continue
        pid_text = item.name.split("-")[2] if item.name.count("-") >= 2 else ""
        if pid_text.isdigit() and int(pid_text) != os.getpid() and pid_alive(int(pid_text)):
            continue
        shutil.rmtree(item, ignore_errors=True)


def previous_index(index_dir: Path) -> Path | None:
    """The previous index a build set aside (`.matcher-old-<pid>-<name>`) before its second
    rename, when the folder itself is absent: a build died between its two renames."""
    if index_dir.exists() or not index_dir.parent.is_dir():
        return None
    for item in sorted(index_dir.parent.iterdir()):
        ours = item.name.startswith(OLD_PREFIX) and item.name.endswith(f"-{index_dir.name}")
        if ours and (item / MANIFEST).exists():
            return item
    return None


def recover_interrupted_swap(index_dir: Path) -> None:
    """If a build died between its two renames, put the previous index back; then remove the
    temporary folders of builds whose process is gone. A folder that cannot be written is
    left as it is (index_status then says where the previous index is)."""
    if not index_dir.parent.exists():
        return
    with lock_if_free(index_dir) as free:
        if not free:  # a running build is between its renames (or the folder is read-only)
            return
        if index_dir.exists():
            remove_stray_folders(index_dir.parent)
            return
        old = previous_index(index_dir)
        if old is not None:
            try:
                old.rename(index_dir)
            except OSError:
                return


def index_status(
    index_dir: Path, corpus: Corpus, encoders: Mapping[str, Encoder], settings: Settings
) -> dict[str, Any]:
    """A JSON-ready description of the index folder: present, current, counts, or what is wrong."""
    status: dict[str, Any] = {"index_dir": str(index_dir)}
    recover_interrupted_swap(index_dir)  # a build that died between its renames: put it back
    try:
        manifest = check_index(index_dir, corpus, encoders, settings)
    except MatcherIndexError as exc:
        problem = str(exc)
        old = previous_index(index_dir)
        if old is not None:  # it could not be put back (a read-only folder, a running build)
            problem = (
                f"a build stopped between its renames; the previous index is intact in {old}: "
                f"rename it to {index_dir} (`mv {old} {index_dir}`), or run `matcher index build`"
            )
        status.update(
            state="missing" if not (index_dir / MANIFEST).exists() else "stale", problem=problem
        )
        return status
    status.update(
        state="current",
        created_at=manifest["created_at"],
        counts=manifest["counts"],
        models={k: v["name"] for k, v in manifest["models"].items()},
        corpus_hash=manifest["corpus_hash"],
    )
    return status
