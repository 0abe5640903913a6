"""The judge: the probability that an initiative serves a need, for the few candidates
retrieval found, trained by `scripts/train_judge.py` on labelled needs.

Retrieval scores rank well but do not say whether the best result serves the need or only sits
on a neighbouring theme; the judge reads, per (need, candidate), retrieval's evidence and the
products of the need's vectors with the candidate's (`judge_features`), with a logistic model
whose weights, scaler and threshold were chosen by grouped cross-validation. It needs no model
pass of its own: a need is judged in a fraction of a millisecond.

The shipped judge is a folder of plain files under `data/judge/`: `judge.npz` (arrays, no
pickle) and a manifest (training script, seed, data and weight hashes, the out-of-fold
figures, the threshold, the out-of-scope floor). The manifest is checked on load, so a changed
or missing file is a one-line error, never a silent different answer.
"""

from __future__ import annotations

import hashlib
import json
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
WEIGHTS = "judge.npz"


class JudgeError(ModelError):
    """The judge's folder is incomplete or does not match its manifest."""


@dataclass(frozen=True)
class JudgeInput:
    """One need and its candidates as the judge reads them."""

    need: str
    """The need as searched (abbreviations spelt out, English field terms added)."""
    passages: tuple[str, ...]
    """Each candidate's "title. best passage", in candidate order."""
    features: np.ndarray
    """(candidates x features) rows of `judge_features.pair_features`."""


class Judge(Protocol):
    """Scores each need's candidates; a deterministic fake stands in for it in tests."""

    threshold: float
    """A candidate with a probability at or above this serves the need."""
    candidates: int
    """How many of a need's best retrieved initiatives are read."""
    veto: float
    """A need the gap model (data/calibration.json) gives at least this probability that nothing
    anywhere serves is a gap, whatever the judge accepts (chosen with the threshold)."""
    field_floor: float
    """A statement whose needs are all gaps and whose likeness to the catalogue (MiniLM cosine
    to the catalogue's mean passage) is below this lies outside the catalogue's field."""

    def probabilities(self, needs: Sequence[JudgeInput]) -> list[np.ndarray]:
        """Per need, p(each candidate serves it), in candidate order."""
        ...


@dataclass(frozen=True)
class JudgeManifest:
    """What the shipped judge was trained on and how it decides."""

    threshold: float
    candidates: int
    veto: float
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
                int(data["eval_candidates"]),
                float(data.get("gap_model_veto", 1.01)),
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
    for name in (WEIGHTS,):
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


class LinearJudge:
    """The logistic model in a judge folder: standardised features, one weight each."""

    def __init__(self, folder: Path, manifest: JudgeManifest) -> None:
        self.folder = folder
        self.manifest = manifest
        self.threshold = manifest.threshold
        self.candidates = manifest.candidates
        self.veto = manifest.veto
        self.field_floor = manifest.field_floor
        try:
            with np.load(folder / WEIGHTS, allow_pickle=False) as weights:
                self._mean = np.asarray(weights["mean"], dtype=np.float64)
                self._scale = np.asarray(weights["scale"], dtype=np.float64)
                self._coef = np.asarray(weights["coef"], dtype=np.float64)
                self._intercept = float(np.asarray(weights["intercept"]).reshape(-1)[0])
        except (OSError, ValueError, KeyError) as exc:
            raise JudgeError(
                f"the judge's {WEIGHTS} in {folder} cannot be read ({exc.__class__.__name__}); "
                "reinstall the package or run `python scripts/train_judge.py`"
            ) from None
        if not self._mean.shape == self._scale.shape == self._coef.shape:
            raise JudgeError(
                f"the judge's {WEIGHTS} in {folder} holds arrays of different sizes; "
                "run `python scripts/train_judge.py`"
            )

    @property
    def width(self) -> int:
        """How many features a candidate's row holds."""
        return int(self._coef.shape[0])

    def probabilities(self, needs: Sequence[JudgeInput]) -> list[np.ndarray]:
        out = []
        for item in needs:
            x = np.asarray(item.features, dtype=np.float64).reshape(-1, self.width)
            z = ((x - self._mean) / self._scale) @ self._coef + self._intercept
            out.append(1.0 / (1.0 + np.exp(-z)))
        return out


def load_judge(folder: str | Path | None = None) -> LinearJudge:
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
def _load(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> LinearJudge:
    # read once per folder and version: the app and the server open many Matchers
    path = Path(folder)
    manifest = JudgeManifest.read(path)
    check_folder(path, manifest)
    return LinearJudge(path, manifest)
