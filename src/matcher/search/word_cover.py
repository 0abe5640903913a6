"""How well a need's own words are covered by a candidate's words and by the catalogue's.

A programme on a neighbouring theme shares a need's topic but not its object: "flood early
warning sirens" shares "early warning" with the drug early-warning programmes, and "flood" and
"sirens" with nothing in the catalogue. Sentence vectors blur that; word-level coverage keeps it:
each content word of the need is matched to its nearest word (by the multilingual USE's vector of
the word alone, so "jeringas" finds "syringes") in a candidate's text and in the whole
catalogue, and the judge reads the worst-covered words.

The catalogue's vocabulary and its word vectors are built with the index (`vocabulary.json`,
`vocabulary_use.npy`); this module holds the pure parts: which words count, and the features.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
"""A word: three or more letters (any script); digits and punctuation split words."""
STOPWORD_LISTS = (
    "STOPWORDS_EN_PLUS",
    "STOPWORDS_SPANISH",
    "STOPWORDS_FRENCH",
    "STOPWORDS_PORTUGUESE",
    "STOPWORDS_RUSSIAN",
)
"""bm25s's stopword lists for the catalogue's and the statements' languages (it has none for
Arabic, whose function words then count as content: the catalogue lacks them all alike)."""
WORD_FEATURES = (
    "word_worst",
    "word_worst2",
    "word_mean",
    "catalogue_word_worst",
    "catalogue_word_worst2",
    "catalogue_word_mean",
)
"""Per (need, candidate): the need's worst-covered word, the mean of its two worst and the mean
coverage, by the candidate's words, then the same by the whole catalogue's vocabulary. A need
with no content word gets 1.0 throughout (nothing uncovered)."""


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    import bm25s.stopwords as lists

    words: set[str] = set()
    for name in STOPWORD_LISTS:
        words.update(w.lower() for w in getattr(lists, name, ()))
    return frozenset(words)


def content_words(text: str) -> list[str]:
    """The text's distinct content words, lower-cased, in order of first use."""
    stop = stopwords()
    return [w for w in dict.fromkeys(WORD.findall(text.lower())) if w not in stop]


def vocabulary(texts: Iterable[str]) -> list[str]:
    """The sorted content words of the catalogue's texts."""
    words: set[str] = set()
    for text in texts:
        words.update(content_words(text))
    return sorted(words)


def word_rows(texts: Sequence[str], words: Sequence[str]) -> list[np.ndarray]:
    """Per text, the rows in `words` of its content words (words missing from it are skipped)."""
    where = {w: i for i, w in enumerate(words)}
    return [
        np.array([where[w] for w in content_words(t) if w in where], dtype=np.int64)
        for t in texts
    ]


def _summary(best: np.ndarray) -> np.ndarray:
    """Per column of (words x n) coverage: the worst word, the mean of the two worst, the mean."""
    ordered = np.sort(best, axis=0)
    return np.vstack([ordered[0], ordered[:2].mean(axis=0), best.mean(axis=0)])


def coverage_features(
    need: np.ndarray, vocabulary_vectors: np.ndarray, candidate_rows: Sequence[np.ndarray]
) -> np.ndarray:
    """The WORD_FEATURES rows of one need over its candidates.

    Args:
        need: (words x dim) unit vectors of the need's content words (0 rows: none).
        vocabulary_vectors: (vocabulary x dim) unit vectors of the catalogue's words.
        candidate_rows: per candidate, the rows of its words in the vocabulary.
    """
    n = len(candidate_rows)
    if need.shape[0] == 0 or vocabulary_vectors.shape[0] == 0:
        return np.ones((n, len(WORD_FEATURES)))
    sims = np.asarray(need, dtype=np.float32) @ np.asarray(vocabulary_vectors, np.float32).T
    anywhere = _summary(sims.max(axis=1, keepdims=True))[:, 0]
    held = np.zeros((sims.shape[0], n), dtype=np.float32)  # a wordless candidate covers nothing
    filled = [j for j, rows in enumerate(candidate_rows) if len(rows)]
    if filled:
        flat = np.concatenate([candidate_rows[j] for j in filled])
        starts = np.cumsum([0] + [len(candidate_rows[j]) for j in filled[:-1]])
        held[:, filled] = np.maximum.reduceat(sims[:, flat], starts, axis=1)
    out = np.hstack([_summary(held).T, np.tile(anywhere, (n, 1))])
    return np.asarray(out, dtype=np.float64).reshape(n, len(WORD_FEATURES))
