"""Shared fixtures: a deterministic fake encoder and a six-initiative mini corpus."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from matcher.corpus import Corpus, load_corpus
from matcher.encoders import Kind, normalize
from matcher.settings import DEFAULT_PAGE

DATA = Path(__file__).parent / "data"
EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"


class HashingEncoder:
    """Deterministic stand-in for a sentence encoder: each word hashed into one of `dim` buckets.

    Texts sharing words get positive cosine, texts sharing none get zero, so expected rankings
    can be worked out by hand.
    """

    def __init__(self, name: str = "hashing", dim: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.calls = 0

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim
                out[row, bucket] += 1.0
        return normalize(out)

    def fingerprint(self) -> str:
        return f"{self.name}-{self.dim}"


@pytest.fixture
def mini_corpus() -> Corpus:
    return load_corpus(DATA / "mini.jsonl")


@pytest.fixture(scope="session")
def real_corpus() -> Corpus:
    return load_corpus(DEFAULT_PAGE)


@pytest.fixture
def fake_encoders() -> dict[str, HashingEncoder]:
    return {"minilm": HashingEncoder("fake-a", 64), "use": HashingEncoder("fake-b", 32)}
