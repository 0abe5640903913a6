"""Build the index folder: embed the passages (resuming a killed build's chunks, reusing the
vectors of unchanged passages), write each signal's store, and swap the new folder into place.

A build writes a sibling temporary folder and swaps it into place with renames, so a crash at any
point leaves the previous index loadable; leftover temporary folders are removed by the next build.
A build holds an exclusive lock beside the folder (`.index.lock`), so two builds at once run one
after the other instead of tripping over each other's renames. A folder that is a mount point (a
container volume) cannot be renamed: there the build is written inside it and its files are
swapped in one by one, the manifest last. A refusal by the operating system (read-only, no
permission, disk full) is a StorageError saying what to do.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from matcher.catalogue.locking import exclusive_lock
from matcher.catalogue.model import Corpus
from matcher.catalogue.passages import split_corpus
from matcher.errors import MatcherIndexError, StorageError
from matcher.search.embed_stream import (
    CHUNK_SIZE,
    chunk_folder,
    embed_in_chunks,
    progress_bar,
    remove_chunks,
)
from matcher.search.encoders import Encoder
from matcher.search.index import (
    MANIFEST,
    OLD_PREFIX,
    PASSAGES,
    SCHEMA_VERSION,
    TMP_PREFIX,
    VOCABULARY,
    VOCABULARY_SIGNAL,
    VOCABULARY_VECTORS,
    expected_models,
    package_version,
    read_manifest,
    read_passages,
    remove_stray_folders,
    sha256_file,
    text_key,
)
from matcher.search.milvus_store import MilvusStore, client_for, is_milvus_uri
from matcher.search.vector_store import (
    AnnConfig,
    FaissStore,
    make_faiss_index,
)
from matcher.search.word_cover import vocabulary
from matcher.settings import Settings

BUILD_LOCK_TIMEOUT = 600.0


def _previous_vectors(
    index_dir: Path, models: Mapping[str, Mapping[str, object]]
) -> dict[str, tuple[np.ndarray, dict[str, int]]]:
    """Vectors of an existing index (memory-mapped) and their row by passage text, for signals
    whose model is unchanged."""
    try:
        manifest = read_manifest(index_dir)
        passages = read_passages(index_dir / PASSAGES)
    except MatcherIndexError:
        return {}
    reuse: dict[str, tuple[np.ndarray, dict[str, int]]] = {}
    for signal, want in models.items():
        if manifest.get("models", {}).get(signal) != dict(want):
            continue
        path = index_dir / f"vectors_{signal}.npy"
        # only vectors that are exactly what the manifest recorded: a damaged file is re-embedded
        if not path.exists() or manifest.get("files", {}).get(path.name) != sha256_file(path):
            continue
        try:
            array = np.load(path, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError):
            continue
        if array.shape != (len(passages), want["dim"]):
            continue
        reuse[signal] = (array, {text_key(p.embed_text): i for i, p in enumerate(passages)})
    return reuse


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    index_dir: str
    initiatives: int
    passages: int
    embedded: dict[str, int]
    reused: dict[str, int]
    seconds: float
    resumed: dict[str, int] = field(default_factory=dict)
    """Per signal, passages whose vectors came from chunks a killed build had finished."""
    per_second: dict[str, float] = field(default_factory=dict)
    """Per signal, passages embedded per second."""


def build_index(
    index_dir: Path,
    corpus: Corpus,
    encoders: Mapping[str, Encoder],
    settings: Settings,
    *,
    progress: bool | None = None,
    batch: int = 32,
    chunk: int = CHUNK_SIZE,
    lock_timeout: float = BUILD_LOCK_TIMEOUT,
) -> BuildReport:
    """Embed the corpus and write a fresh index folder atomically.

    Passages whose text is unchanged since the previous index (same model) reuse their vectors;
    the rest are embedded `chunk` passages at a time, and a build killed at any point resumes
    from the chunks it finished (embed_stream.py).
    Another build of the same folder is waited for (up to `lock_timeout` seconds, then
    BusyError naming its pid); the second build then reuses the first one's vectors.
    """
    start = time.perf_counter()
    index_dir = Path(index_dir)
    if progress is None:
        progress = sys.stderr.isatty()

    def tell(pid: str) -> None:
        if progress:
            print(f"waiting for the build running in pid {pid} to end ...", file=sys.stderr)

    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(index_dir, what="build", timeout=lock_timeout, on_wait=tell):
            return _build_locked(
                index_dir, corpus, encoders, settings, progress, (batch, chunk), start
            )
    except OSError as exc:
        # the system refused a write (full disk, read-only): the chunks kept for resuming take
        # the space the user must free, so they go too
        remove_chunks(index_dir)
        raise StorageError.from_os_error(
            exc,
            f"cannot write the index in {index_dir}",
            "another index folder (--index or MATCHER_INDEX_DIR)",
        ) from exc


def _build_locked(
    index_dir: Path,
    corpus: Corpus,
    encoders: Mapping[str, Encoder],
    settings: Settings,
    progress: bool,
    sizes: tuple[int, int],
    start: float,
) -> BuildReport:
    # a mount point cannot be renamed: build inside it, and swap its contents
    inside = index_dir.is_dir() and os.path.ismount(index_dir)
    remove_stray_folders(index_dir.parent)
    if inside:
        remove_stray_folders(index_dir)
    passages = split_corpus(corpus, words=settings.passage_words, overlap=settings.passage_overlap)
    models = expected_models(encoders)
    previous = _previous_vectors(index_dir, models) if index_dir.exists() else {}
    tmp_parent = index_dir if inside else index_dir.parent
    tmp = tmp_parent / f"{TMP_PREFIX}{os.getpid()}-{index_dir.name}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    embedded: dict[str, int] = {}
    reused: dict[str, int] = {}
    resumed: dict[str, int] = {}
    rates: dict[str, float] = {}
    files: dict[str, str] = {}
    stores: dict[str, dict[str, Any]] = {}
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        texts = [p.embed_text for p in passages]
        keys = [text_key(t) for t in texts]
        for signal, encoder in encoders.items():
            npy = tmp / f"vectors_{signal}.npy"
            vectors = np.lib.format.open_memmap(
                npy, mode="w+", dtype=np.float32, shape=(len(texts), encoder.dim)
            )
            _reserve(npy)
            todo = _copy_reusable(vectors, keys, previous.get(signal))
            tick = progress_bar(len(todo), progress, f"embedding ({signal})")
            report = embed_in_chunks(
                vectors,
                todo,
                texts,
                keys,
                encoder,
                chunk_folder(index_dir),
                batch=sizes[0],
                chunk=sizes[1],
                tick=tick,
            )
            vectors.flush()
            embedded[signal], reused[signal] = len(todo), len(texts) - len(todo)
            resumed[signal], rates[signal] = report.resumed, report.per_second
            files[npy.name] = sha256_file(npy)
            stores[signal] = _write_signal(
                tmp, index_dir, signal, vectors, settings, files, created_at
            )
            del vectors
        passage_path = tmp / PASSAGES
        with passage_path.open("w", encoding="utf-8") as fh:
            for p in passages:
                row = {"initiative_id": p.initiative_id, "number": p.number, "text": p.text}
                fh.write(json.dumps({**row, "title": p.title}, ensure_ascii=False) + "\n")
        files[PASSAGES] = sha256_file(passage_path)
        words = _write_vocabulary(tmp, corpus, encoders, files)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "package_version": package_version(),
            "created_at": created_at,
            "corpus_hash": corpus.content_hash,
            "corpus_source": corpus.source,
            "settings": settings.index_key(),
            "models": models,
            "counts": {"initiatives": len(corpus), "passages": len(passages), "words": words},
            "initiative_hashes": {i.id: i.content_hash for i in corpus},
            "stores": stores,
            "files": files,
            "sizes": {name: (tmp / name).stat().st_size for name in files},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if inside:
            _swap_contents(tmp, index_dir, [*files, MANIFEST])
        else:
            _swap_into_place(tmp, index_dir, [*files, MANIFEST])
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    remove_chunks(index_dir)
    _drop_unused_collections(index_dir, stores)
    return BuildReport(
        str(index_dir),
        len(corpus),
        len(passages),
        embedded,
        reused,
        round(time.perf_counter() - start, 2),
        resumed,
        rates,
    )


def _write_vocabulary(
    tmp: Path, corpus: Corpus, encoders: Mapping[str, Encoder], files: dict[str, str]
) -> int:
    """The catalogue's content words and their multilingual vectors (word_cover.py), when the
    index has the multilingual signal; how many words were written."""
    encoder = encoders.get(VOCABULARY_SIGNAL)
    if encoder is None:
        return 0
    words = vocabulary(ini.full_text for ini in corpus)
    vectors = encoder.encode(words, kind="query") if words else np.zeros((0, encoder.dim))
    (tmp / VOCABULARY).write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    np.save(tmp / VOCABULARY_VECTORS, np.asarray(vectors, dtype=np.float32), allow_pickle=False)
    for name in (VOCABULARY, VOCABULARY_VECTORS):
        files[name] = sha256_file(tmp / name)
    return len(words)


def _reserve(path: Path) -> None:
    """Allocate a memory-mapped file's blocks now: on a full disk writing into a sparse mapping
    kills the process with SIGBUS, while allocating says ENOSPC (an OSError, exit 7)."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.posix_fallocate(fd, 0, os.fstat(fd).st_size)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):  # a file system without it
            raise
    finally:
        os.close(fd)


def _copy_reusable(
    vectors: np.ndarray, keys: list[str], previous: tuple[np.ndarray, dict[str, int]] | None
) -> list[int]:
    """Copy the previous index's vectors of unchanged passages into `vectors`; the rows that
    still need embedding."""
    if previous is None:
        return list(range(len(keys)))
    old, old_rows = previous
    found = [(i, old_rows[k]) for i, k in enumerate(keys) if k in old_rows]
    for lo in range(0, len(found), 65_536):  # bounded memory: a slice at a time
        part = np.array(found[lo : lo + 65_536], dtype=np.int64)
        vectors[part[:, 0]] = old[part[:, 1]]
    have = {i for i, _ in found}
    return [i for i in range(len(keys)) if i not in have]


def _collection_prefix(index_dir: Path) -> str:
    digest = hashlib.sha256(str(index_dir.resolve()).encode()).hexdigest()[:10]
    return f"matcher_{digest}_"


def _write_signal(
    folder: Path,
    index_dir: Path,
    signal: str,
    vectors: np.ndarray,
    settings: Settings,
    files: dict[str, str],
    created_at: str,
) -> dict[str, Any]:
    """Put one signal's vectors in the configured store; what the manifest records of it."""
    uri = settings.vector_store
    if is_milvus_uri(uri):
        tag = hashlib.sha256(f"{created_at}{os.getpid()}".encode()).hexdigest()[:8]
        name = f"{_collection_prefix(index_dir)}{signal}_{tag}"
        store = MilvusStore.create(uri, name, vectors.shape[1])
        for lo in range(0, len(vectors), 65_536):
            store.add(np.asarray(vectors[lo : lo + 65_536]))
        return store.describe()
    fidx = folder / f"faiss_{signal}.index"
    faiss_store = FaissStore(vectors, make_faiss_index(vectors, AnnConfig.load()))
    faiss_store.save(fidx)
    files[fidx.name] = sha256_file(fidx)
    return faiss_store.describe()


def _drop_unused_collections(index_dir: Path, stores: Mapping[str, Mapping[str, Any]]) -> None:
    """Drop this index folder's Milvus collections the new manifest does not use (the previous
    build's, and those of builds that were killed)."""
    keep = {d.get("collection") for d in stores.values()}
    for uri in {d["uri"] for d in stores.values() if is_milvus_uri(d["uri"])}:
        client = client_for(uri)
        prefix = _collection_prefix(index_dir)
        for name in client.list_collections():
            if name.startswith(prefix) and name not in keep:
                client.drop_collection(name)


def _swap_into_place(tmp: Path, index_dir: Path, names: list[str]) -> None:
    """Rename the finished build over the old folder; files of ours are replaced, others kept."""
    if index_dir.exists():
        for item in index_dir.iterdir():
            target = tmp / item.name
            if not target.exists() and item.is_file():
                shutil.copy2(item, target)  # e.g. a README kept in the folder
        old = index_dir.parent / f"{OLD_PREFIX}{os.getpid()}-{index_dir.name}"
        try:
            index_dir.rename(old)
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                raise
            # a mount point that os.path.ismount did not see (a bind mount of a subfolder)
            _swap_contents(tmp, index_dir, names)
            return
        tmp.rename(index_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(index_dir)


def _swap_contents(tmp: Path, index_dir: Path, names: list[str]) -> None:
    """Move a finished build's files into a folder that cannot itself be renamed.

    Not atomic as a whole: the old manifest goes first and the new one comes last, so a reader
    in between, or after a crash in between, finds no index (and rebuilds it, under the lock):
    never a mix of two builds taken for an index.
    """
    (index_dir / MANIFEST).unlink(missing_ok=True)
    for name in [n for n in names if n != MANIFEST] + [MANIFEST]:
        source, target = tmp / name, index_dir / name
        try:
            os.replace(source, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            staged = index_dir / f".{name}.{os.getpid()}.tmp"  # same file system as the target
            shutil.copy2(source, staged)
            os.replace(staged, target)
    shutil.rmtree(tmp, ignore_errors=True)
