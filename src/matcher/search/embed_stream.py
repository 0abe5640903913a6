"""Embedding a catalogue's passages in chunks that survive a crash.

A build embeds the passages it cannot reuse in fixed-size chunks; each finished chunk is written
to a cache folder beside the index (`.matcher-chunks-<index>/<signal>-<model fingerprint>/`),
named by a hash of its texts and written whole or not at all (a temporary file renamed into
place). A build killed at any point finds the chunks it finished and embeds only the rest; the
same texts in the same order give the same chunks, so the result equals an uninterrupted build.
The finished build removes the cache. Vectors go straight into a memory-mapped `.npy`, so memory
stays bounded by one chunk whatever the catalogue's size.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matcher.search.encoders import Encoder

CHUNK_PREFIX = ".matcher-chunks-"
CHUNK_SIZE = 1024
"""Passages per chunk: at most this much work is lost when a build is killed."""


def chunk_folder(index_dir: Path) -> Path:
    """Where the chunks of builds of `index_dir` are kept until one finishes."""
    return index_dir.parent / f"{CHUNK_PREFIX}{index_dir.name}"


@dataclass(frozen=True)
class EmbedReport:
    """What embedding one signal did."""

    embedded: int
    """Passages embedded by this build."""
    resumed: int
    """Passages whose vectors came from chunks an interrupted build had finished."""
    seconds: float

    @property
    def per_second(self) -> float:
        return round(self.embedded / self.seconds, 1) if self.seconds > 0 else 0.0


def _chunk_name(keys: Sequence[str]) -> str:
    digest = hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:24]
    return f"{digest}.npy"


def _save_whole(path: Path, array: np.ndarray) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        np.save(fh, array, allow_pickle=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _load_chunk(path: Path, rows: int, dim: int) -> np.ndarray | None:
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return array if array.shape == (rows, dim) else None


def embed_in_chunks(
    out: np.ndarray,
    rows: Sequence[int],
    texts: Sequence[str],
    keys: Sequence[str],
    encoder: Encoder,
    cache: Path,
    *,
    batch: int = 32,
    chunk: int = CHUNK_SIZE,
    tick: Callable[[int], None] = lambda n: None,
) -> EmbedReport:
    """Embed `texts[i]` into `out[i]` for every i in `rows`, a chunk at a time, reusing chunks
    a killed build left in `cache`."""
    start = time.perf_counter()
    folder = cache / f"{_safe(encoder.name)}-{_safe(encoder.fingerprint())}"
    folder.mkdir(parents=True, exist_ok=True)
    embedded = resumed = 0
    for lo in range(0, len(rows), chunk):
        part = list(rows[lo : lo + chunk])
        path = folder / _chunk_name([keys[i] for i in part])
        vectors = _load_chunk(path, len(part), encoder.dim) if path.exists() else None
        if vectors is None:
            vectors = np.zeros((len(part), encoder.dim), dtype=np.float32)
            # batches of similar length: a batch is padded to its longest text, so a catalogue
            # order batch of one long and 31 short passages costs 32 long ones
            order = sorted(range(len(part)), key=lambda j: len(texts[part[j]]))
            for b in range(0, len(order), batch):
                slots = order[b : b + batch]
                vectors[slots] = encoder.encode([texts[part[j]] for j in slots], kind="passage")
                tick(len(slots))
            _save_whole(path, vectors)
            embedded += len(part)
        else:
            tick(len(part))
            resumed += len(part)
        out[part] = vectors
    return EmbedReport(embedded, resumed, round(time.perf_counter() - start, 3))


def remove_chunks(index_dir: Path) -> None:
    """Forget the chunks of builds of `index_dir` (after one has finished)."""
    shutil.rmtree(chunk_folder(index_dir), ignore_errors=True)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:60]


def progress_bar(total: int, enabled: bool, desc: str) -> Callable[[int], None]:
    """A tqdm bar on stderr counting passages and showing passages per second."""
    if not enabled or not total:
        return lambda n: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit=" passages", leave=False, file=sys.stderr)

    def update(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return update
