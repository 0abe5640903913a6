"""The judge: the probability that an initiative serves a need, read from the need and the
initiative's best passage by a cross-encoder fine-tuned from all-MiniLM-L6-v2
(`scripts/train_judge.py`), run with onnxruntime on the few candidates retrieval found.

Retrieval scores rank well but do not say whether the best result serves the need or only sits
on a neighbouring theme ("fuel smuggling" next to drug trafficking); the judge reads both texts
together. The shipped model is a folder of plain files under `data/judge/`: the int8 ONNX
weights, the tokenizer and a manifest (training script, seed, data and weight hashes, the
out-of-fold figures, the threshold chosen by cross-validation). The manifest is checked on
load, so a changed or missing file is a one-line error, never a silent different answer.
No torch here: onnxruntime and the `tokenizers` library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from matcher.errors import ModelError

JUDGE_FOLDER = "data/judge"
MANIFEST = "manifest.json"
MODEL = "model_int8.onnx"
TOKENIZER = "tokenizer.json"


class JudgeError(ModelError):
    """The judge's folder is incomplete or does not match its manifest."""


class Judge(Protocol):
    """Scores (need, passage) pairs; a deterministic fake stands in for it in tests."""

    threshold: float
    """A candidate with a probability at or above this serves the need."""
    candidates: int
    """How many of a need's best retrieved initiatives are read."""
    field_floor: float
    """A statement whose needs are all gaps and whose likeness to the catalogue (MiniLM cosine
    to the catalogue's mean passage) is below this lies outside the catalogue's field."""

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """p(the passage's initiative serves the need) for each (need, passage) pair."""
        ...


@dataclass(frozen=True)
class JudgeManifest:
    """What the shipped judge was trained on and how it decides."""

    threshold: float
    max_length: int
    candidates: int
    field_floor: float
    weights_sha256: dict[str, str]
    raw: dict[str, Any]

    @classmethod
    def read(cls, folder: Path) -> JudgeManifest:
        where = folder / MANIFEST
        try:
            data = json.loads(where.read_text(encoding="utf-8"))
            return cls(
                float(data["threshold"]),
                int(data["max_length"]),
                int(data["eval_candidates"]),
                float(data.get("field_floor", float("-inf"))),
                {str(k): str(v) for k, v in data["weights_sha256"].items()},
                data,
            )
        except FileNotFoundError:
            raise JudgeError(
                f"the judge has no manifest at {where}; reinstall the package or run "
                "`python scripts/train_judge.py`"
            ) from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise JudgeError(
                f"the judge's manifest {where} cannot be read ({exc.__class__.__name__}); "
                "reinstall the package or run `python scripts/train_judge.py`"
            ) from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_folder(folder: Path, manifest: JudgeManifest) -> None:
    """Raise JudgeError naming the first file that is missing or differs from the manifest."""
    for name in (MODEL, TOKENIZER):
        if name not in manifest.weights_sha256:
            raise JudgeError(f"the judge's manifest in {folder} lists no sha256 for {name}")
    for name, expected in manifest.weights_sha256.items():
        path = folder / name
        try:
            found = file_sha256(path)
        except OSError:
            raise JudgeError(
                f"the judge's {name} is missing from {folder}; reinstall the package or run "
                "`python scripts/train_judge.py`"
            ) from None
        if found != expected:
            raise JudgeError(
                f"the judge's {name} in {folder} hashes to {found[:12]}..., its manifest says "
                f"{expected[:12]}...; reinstall the package or run `python scripts/train_judge.py`"
            )


def _threads() -> int:
    raw = os.environ.get("OMP_NUM_THREADS", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else max(1, min(2, os.cpu_count() or 1))


class OnnxJudge:
    """The cross-encoder in a judge folder, run with onnxruntime (thread-safe)."""

    def __init__(self, folder: Path, manifest: JudgeManifest) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = folder
        self.manifest = manifest
        self.threshold = manifest.threshold
        self.candidates = manifest.candidates
        self.field_floor = manifest.field_floor
        options = ort.SessionOptions()
        options.intra_op_num_threads = _threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(
                str(folder / MODEL), options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        except Exception as exc:  # onnxruntime and tokenizers raise their own types
            raise JudgeError(
                f"the judge in {folder} cannot be loaded ({exc.__class__.__name__}); "
                "reinstall the package or run `python scripts/train_judge.py`"
            ) from None
        tokenizer.enable_truncation(max_length=manifest.max_length)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()  # the tokenizer's padding state is shared

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        with self._lock:
            encoded = self._tokenizer.encode_batch(list(pairs))
        feeds = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        logits = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
        return 1.0 / (1.0 + np.exp(-np.asarray(logits[0], dtype=np.float64).reshape(-1)))


def load_judge(folder: str | Path | None = None) -> OnnxJudge:
    """The judge in `folder` (default: the one shipped in the package), its files checked
    against the manifest; JudgeError, one line, when one is missing or changed."""
    where = Path(folder).resolve() if folder is not None else None
    path = where or Path(str(resources.files("matcher").joinpath(JUDGE_FOLDER)))
    return _load(str(path), _stamp(path))


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Size and modification time of every file in the folder: a changed file means a new load
    (and a new check against the manifest)."""
    try:
        return tuple(
            (p.name, p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir())
            if p.is_file()
        )
    except OSError:
        return ()


@lru_cache(maxsize=4)
def _load(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> OnnxJudge:
    # one session per folder, version and process: the app and the server open many Matchers
    path = Path(folder)
    manifest = JudgeManifest.read(path)
    check_folder(path, manifest)
    return OnnxJudge(path, manifest)
