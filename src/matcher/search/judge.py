"""The judge: the probability that an initiative serves a need, for the few candidates
retrieval found, and whether anything in the catalogue serves the need at all, trained by
`scripts/train_judge.py` on labelled needs.

Retrieval scores rank well but do not say whether the best result serves the need or only sits
on a neighbouring theme. The judge has two logistic models, their weights, scalers and
thresholds chosen by grouped cross-validation (`judge_features`):
* the pair model reads, per (need, candidate), retrieval's evidence, the coverage of the need's
  words by the candidate's (word_cover.py) and the products of the need's vectors with the
  candidate's: p(candidate serves the need);
* the need model reads the need's own row (its best candidates' evidence, the gap model's
  probability, its likeness to the catalogue): p(something serves it).
A need is served by something when `mix` x logit(best pair p) + (1 - mix) x logit(need p) reaches
`need_threshold`; then the candidates at `threshold` (at least the likeliest) are the ones that
serve it. It needs no model pass of its own: a need is judged in a fraction of a millisecond.

The shipped judge is a folder of plain files under `data/judge/`: `judge.npz` (arrays, no
pickle) and a manifest (training script, seed, data and weight hashes, the out-of-fold
figures, the threshold, the out-of-scope floor). The manifest is checked on load, so a changed
or missing file is a one-line error, never a silent different answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    need_features: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """The need's `judge_features.need_row`."""


class Judge(Protocol):
    """Scores each need's candidates; a deterministic fake stands in for it in tests."""

    threshold: float
    """A candidate with a probability at or above this serves the need."""
    candidates: int
    """How many of a need's best retrieved initiatives are read."""
    field_floor: float
    """A statement whose needs are all gaps and whose likeness to the catalogue (MiniLM cosine
    to the catalogue's mean passage) is below this lies outside the catalogue's field."""

    def probabilities(self, needs: Sequence[JudgeInput]) -> list[np.ndarray]:
        """Per need, p(each candidate serves it), in candidate order."""
        ...

    def content_served(
        self, needs: Sequence[JudgeInput], probabilities: Sequence[np.ndarray]
    ) -> list[bool]:
        """Per need, whether something in the catalogue serves it (for some region)."""
        ...


@dataclass(frozen=True)
class JudgeManifest:
    """What the shipped judge was trained on and how it decides."""

    threshold: float
    candidates: int
    need_threshold: float
    mix: float
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
                float(data["need_threshold"]),
                float(data["mix"]),
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


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def mixed_score(probabilities: np.ndarray, need_probability: float, mix: float) -> float:
    """How sure the two models together are that something serves a need: `mix` x logit(the
    best pair probability) + (1 - mix) x logit(the need model's). Training chooses `mix` and the
    threshold on this same score (scripts/train_judge.py)."""
    best = float(np.max(probabilities)) if len(probabilities) else 0.0
    return float(mix * _logit(best) + (1 - mix) * _logit(need_probability))


class _Logistic:
    """Standardised features, one weight each, and an intercept (arrays `<prefix>mean`,
    `<prefix>scale`, `<prefix>coef`, `<prefix>intercept` of judge.npz)."""

    def __init__(self, weights: Any, prefix: str, folder: Path) -> None:
        self.mean = np.asarray(weights[f"{prefix}mean"], dtype=np.float64)
        self.scale = np.asarray(weights[f"{prefix}scale"], dtype=np.float64)
        self.coef = np.asarray(weights[f"{prefix}coef"], dtype=np.float64)
        self.intercept = float(np.asarray(weights[f"{prefix}intercept"]).reshape(-1)[0])
        if not self.mean.shape == self.scale.shape == self.coef.shape:
            raise JudgeError(
                f"the judge's {WEIGHTS} in {folder} holds {prefix or 'pair '}arrays of "
                "different sizes; run `python scripts/train_judge.py`"
            )

    @property
    def width(self) -> int:
        return int(self.coef.shape[0])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        rows = np.asarray(x, dtype=np.float64).reshape(-1, self.width)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


class LinearJudge:
    """The two logistic models of a judge folder (module docstring)."""

    def __init__(self, folder: Path, manifest: JudgeManifest) -> None:
        self.folder = folder
        self.manifest = manifest
        self.threshold = manifest.threshold
        self.candidates = manifest.candidates
        self.need_threshold = manifest.need_threshold
        self.mix = manifest.mix
        self.field_floor = manifest.field_floor
        try:
            with np.load(folder / WEIGHTS, allow_pickle=False) as weights:
                self._pair = _Logistic(weights, "", folder)
                self._need = _Logistic(weights, "need_", folder)
        except (OSError, ValueError, KeyError) as exc:
            raise JudgeError(
                f"the judge's {WEIGHTS} in {folder} cannot be read ({exc.__class__.__name__}); "
                "reinstall the package or run `python scripts/train_judge.py`"
            ) from None

    @property
    def width(self) -> int:
        """How many features a candidate's row holds."""
        return self._pair.width

    def probabilities(self, needs: Sequence[JudgeInput]) -> list[np.ndarray]:
        return [self._pair(item.features) for item in needs]

    def served_score(self, need: JudgeInput, probabilities: np.ndarray) -> float:
        """The mixed logit a need is served by something at `need_threshold` or above."""
        return mixed_score(probabilities, float(self._need(need.need_features)[0]), self.mix)

    def content_served(
        self, needs: Sequence[JudgeInput], probabilities: Sequence[np.ndarray]
    ) -> list[bool]:
        return [
            self.served_score(n, p) >= self.need_threshold
            for n, p in zip(needs, probabilities, strict=True)
        ]


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
