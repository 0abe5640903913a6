"""The lexical signal: BM25 (bm25s) over whole initiatives, with Snowball stemming.

BM25 catches acronyms and names (PICS, SNOOP, UTC, RNR, captagon, K9) that small embedders blur.
The index is rebuilt in memory on load: at catalogue size this takes milliseconds, so it needs no
files of its own and can never go stale.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w*\b")


def _bm25s() -> object:
    """bm25s, imported with its numpy backend.

    When numba is installed (another package pulls it in) bm25s imports it and JIT-compiles its
    scorer on the first query: about 0.7 s of import and more of compiling per new process, for
    nothing at a catalogue's size. numba is hidden while bm25s is imported (unless something
    imported it already), then visible again to anyone else.
    """
    if "bm25s" in sys.modules or "numba" in sys.modules:
        import bm25s

        return bm25s
    sys.modules["numba"] = None  # type: ignore[assignment]  # `import numba` raises ImportError
    try:
        import bm25s
    finally:
        del sys.modules["numba"]
    return bm25s


@lru_cache(maxsize=1)
def _stemmer() -> object | None:
    try:
        import Stemmer
    except ImportError:  # stemming is an improvement, not a requirement
        return None
    return Stemmer.Stemmer("english")


def analyze(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens, as BM25 and the highlighter see them."""
    words = [w.lower() for w in _TOKEN.findall(text)]
    stemmer = _stemmer()
    return list(stemmer.stemWords(words)) if stemmer is not None else words  # type: ignore[attr-defined]


class LexicalIndex:
    """BM25 over documents; `scores(query)` gives one score per document in input order."""

    def __init__(self, documents: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        bm25s = _bm25s()
        self._stopwords = stopword_stems()
        corpus_tokens = [[t for t in analyze(d) if t not in self._stopwords] for d in documents]
        self.vocabulary = frozenset(w.lower() for d in documents for w in _TOKEN.findall(d))
        self._retriever = bm25s.BM25(k1=k1, b=b, backend="numpy")  # type: ignore[attr-defined]
        self._retriever.index(corpus_tokens, show_progress=False)
        self._vocab = self._retriever.vocab_dict
        self._n = len(documents)
        df: dict[str, int] = {}
        for tokens in corpus_tokens:
            for t in set(tokens):
                df[t] = df.get(t, 0) + 1
        self._idf = {t: float(np.log((self._n + 1) / (c + 0.5))) for t, c in df.items()}
        self._unseen_idf = float(np.log((self._n + 1) / 0.5))
        self._doc_terms = [frozenset(tokens) for tokens in corpus_tokens]
        self._lock = threading.Lock()

    def coverage(self, text: str) -> float:
        """Share of a text's content words (stems of 3+ letters, not stopwords) that occur
        anywhere in the indexed documents; 1.0 for a text with none."""
        terms = [t for t in analyze(text) if len(t) > 2 and t not in self._stopwords]
        if not terms:
            return 1.0
        return sum(1 for t in terms if t in self._vocab) / len(terms)

    def novelty(self, text: str) -> float:
        """IDF-weighted share of a text's content words that no document uses: a word the
        catalogue never uses weighs most, a common one ("help", "training") least; 0.0 for a
        text with no content words."""
        terms = [t for t in analyze(text) if len(t) > 2 and t not in self._stopwords]
        if not terms:
            return 0.0
        weights = [self._idf.get(t, self._unseen_idf) for t in terms]
        unseen = sum(w for t, w in zip(terms, weights, strict=True) if t not in self._idf)
        return unseen / sum(weights)

    def term_overlap(self, text: str, rows: Sequence[int]) -> np.ndarray:
        """Per document row: the IDF-weighted share of the text's content words the document
        holds, and the IDF of the rarest one it lacks relative to a word no document uses
        ("fuel smuggling" against a drug-smuggling programme lacks "fuel"). (len(rows) x 2)."""
        terms = list(dict.fromkeys(t for t in analyze(text) if len(t) > 2 and t not in self._stopwords))
        out = np.zeros((len(rows), 2))
        if not terms:
            return out
        weights = np.array([self._idf.get(t, self._unseen_idf) for t in terms])
        for i, row in enumerate(rows):
            held = np.array([t in self._doc_terms[row] for t in terms])
            out[i, 0] = float(weights[held].sum() / weights.sum())
            out[i, 1] = float(weights[~held].max() / self._unseen_idf) if (~held).any() else 0.0
        return out

    def scores(self, query: str) -> np.ndarray:
        terms = [t for t in analyze(query) if t in self._vocab and t not in self._stopwords]
        if not terms:
            return np.zeros(self._n, dtype=np.float64)
        with self._lock:
            raw = self._retriever.get_scores(terms)
        return np.asarray(raw, dtype=np.float64)


@lru_cache(maxsize=1)
def stopword_stems() -> frozenset[str]:
    _bm25s()
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(analyze(" ".join(STOPWORDS_EN))) if _stemmer() else frozenset(STOPWORDS_EN)
