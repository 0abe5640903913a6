"""Scoring a text over the whole catalogue: the dense models, BM25, pseudo-relevance feedback,
fusion, region factors and the confidence a gap decision reads.

A `Scorer` holds what scoring needs (the catalogue, its index and the encoders) and the caches
that make a repeated text cheap; `Scored` is everything computed for one text, in catalogue
order. Nothing here decides a status or a label: `coverage` and `matches` read a `Scored`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from matcher.catalogue.model import Corpus
from matcher.errors import MatcherIndexError
from matcher.reading.glossary import expand_abbreviations
from matcher.reading.lexicon import translate_terms
from matcher.search.calibration import gap_features
from matcher.search.encoders import Encoder, english_lexicon
from matcher.search.index import VOCABULARY_SIGNAL, LoadedIndex
from matcher.search.lexical import LexicalIndex, stopword_stems
from matcher.search.retrieval import (
    blend_weights,
    calibrate,
    english_share,
    english_weight,
    fuse,
    passage_rows,
    region_factors,
    rocchio,
    spread,
    top_rows,
)
from matcher.search.word_cover import (
    WORD_FEATURES,
    content_words,
    coverage_features,
    word_rows,
)
from matcher.settings import Settings

DENSE_SIGNALS = ("minilm", "use", "e5")
QUERY_CACHE_SIZE = 2048


def _floor(values: np.ndarray) -> float:
    return float(values.min()) if len(values) else 0.0


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector




@dataclass(frozen=True)
class Scored:
    """Everything computed for one query over the whole catalogue (arrays in catalogue order)."""

    query: str
    signals: dict[str, np.ndarray]
    passage_scores: dict[str, np.ndarray]
    weights: dict[str, float]
    fused: np.ndarray
    confidence: np.ndarray
    factors: np.ndarray
    query_regions: tuple[str, ...]
    english: float = 1.0
    """How English the text is (0..1), as judged before any translation."""
    query_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    """The query's embedding per dense model."""
    evidence: dict[str, np.ndarray] = field(default_factory=dict)
    """Per signal, each initiative's similarity to the query itself (before pseudo-relevance
    feedback): what confidence and the gap model read."""
    candidates: np.ndarray | None = None
    """The initiative rows some signal retrieved and every signal scored exactly (None: all);
    the others hold each signal's lowest retrieved score."""

    @property
    def final(self) -> np.ndarray:
        """The ranking score: fused relevance, lowered for initiatives outside the user's region."""
        return self.fused * self.factors




class Scorer:
    """Scores texts over one catalogue and its index (thread-safe: caches are locked)."""

    def __init__(
        self,
        corpus: Corpus,
        index: LoadedIndex,
        encoders: Mapping[str, Encoder],
        settings: Settings,
        index_dir: Path,
    ) -> None:
        self.corpus = corpus
        self.index = index
        self.encoders = dict(encoders)
        self.settings = settings
        self.ids = corpus.ids  # built once: Corpus.ids makes a new list on every call
        self.rows = {ini.id: row for row, ini in enumerate(corpus)}
        self.owners = np.array([self.rows[p.initiative_id] for p in index.passages], dtype=np.int64)
        # passages are stored grouped by initiative in catalogue order: item i's passages are
        # _starts[i]:_starts[i + 1]
        if np.any(np.diff(self.owners) < 0):
            raise MatcherIndexError(
                f"passages in {index_dir} are not in catalogue order; run `matcher index build`"
            )
        self._counts = np.bincount(self.owners, minlength=len(corpus)).astype(np.int64)
        self._starts = np.concatenate(([0], np.cumsum(self._counts))).astype(np.int64)
        self.lexical = LexicalIndex([ini.full_text for ini in corpus])
        self.english_words = self.lexical.vocabulary | english_lexicon()
        self.stopwords = stopword_stems()
        self._initiative_vectors: dict[str, np.ndarray] = {}
        self._query_cache: dict[tuple[str, str], np.ndarray] = {}
        self._prepared: dict[str, tuple[str, float]] = {}
        self._cache_lock = threading.Lock()
        self._factors: dict[tuple[str, ...], np.ndarray] = {}
        # the settings' weights as dicts once: dataclasses.asdict is slow, and is asked per text
        self._english_weights = settings.english_weights.as_dict()
        self._foreign_weights = settings.foreign_weights.as_dict()
        self._word_rows: list[np.ndarray] | None = None
        self._vocabulary_rows: dict[str, int] | None = None
        self._field_vectors = {
            name: _unit(np.asarray(vectors, dtype=np.float64).mean(axis=0))
            for name, vectors in index.vectors.items()
        }

    def score_many(
        self,
        texts: list[str],
        *,
        regions: Sequence[str] = (),
        allowed: np.ndarray | None = None,
        judged: Sequence[bool] | None = None,
        words: Sequence[str] = (),
    ) -> list[Scored]:
        """Score several texts at once (one encoder call and one index search per model); the
        region adjustment comes from `regions`, read from the whole statement, so a need
        inherits the country it was written for.

        `judged` says which texts' gap features will be read (default: all): those run every
        model in `always_encode`; the others only the models their language weights (an
        English statement as a whole needs no multilingual vector: its weight there is 0).
        `words`: single words the judge will want vectors of (word_vectors), embedded in the
        same call as the texts.

        Each signal retrieves its own best candidates (dense: top-k passages on the vector
        index; BM25: its best initiatives), and every candidate is then scored exactly by every
        signal; an initiative no signal retrieved gets, per signal, the lowest score retrieved
        (it scores at most that). `allowed` (the user's filters) adds each signal's best among
        the allowed initiatives, so a filter never empties the results of an approximate search.
        """
        texts, english = self.prepare(texts)
        weights = [self._blend(e) for e in english]
        bm25 = [self.lexical.scores(t) for t in texts]
        found: list[list[np.ndarray]] = [
            [top_rows(b, self.settings.lexical_candidates)] for b in bm25
        ]
        if allowed is not None:
            inside = np.flatnonzero(allowed)
            for i, b in enumerate(bm25):
                found[i].append(inside[top_rows(b[inside], self.settings.lexical_candidates)])
        query_vectors: list[dict[str, np.ndarray]] = [{} for _ in texts]
        expanded: list[dict[str, np.ndarray]] = [{} for _ in texts]
        for signal in DENSE_SIGNALS:
            if signal not in self.encoders or signal not in self.index.vectors:
                continue
            # a model no text gives weight to is not run, except where confidence needs it
            needed = [
                i
                for i, w in enumerate(weights)
                if w.get(signal, 0.0) > 0
                or (signal in self.settings.always_encode and (judged is None or judged[i]))
            ]
            if not needed:
                continue
            extra = self._unknown_words(words) if signal == VOCABULARY_SIGNAL else []
            vectors = self.encode_queries(signal, [texts[i] for i in needed] + extra)
            vectors = vectors[: len(needed)]
            hits = self._retrieve(signal, vectors, allowed)
            for row, i in enumerate(needed):
                query_vectors[i][signal] = vectors[row]
                found[i].append(self.owners[hits[0][row]])
            if self.settings.prf_weight > 0:
                moved = np.vstack(
                    [
                        rocchio(
                            vectors[row],
                            self.index.vectors[signal][hits[0][row]],
                            hits[1][row],
                            depth=self.settings.prf_depth,
                            weight=self.settings.prf_weight,
                        )
                        for row in range(len(needed))
                    ]
                )
                more = self._retrieve(signal, moved, allowed)
                for row, i in enumerate(needed):
                    expanded[i][signal] = moved[row]
                    found[i].append(self.owners[more[0][row]])
        query_regions = tuple(regions)
        factors = self._region_factors(query_regions)
        out = []
        for text, e, w, b, fd, qv, ex in zip(
            texts, english, weights, bm25, found, query_vectors, expanded, strict=True
        ):
            candidates = np.unique(np.concatenate(fd))
            candidates = candidates[self._counts[candidates] > 0]
            sig: dict[str, np.ndarray] = {"bm25": b}
            ev: dict[str, np.ndarray] = {"bm25": b}
            ps: dict[str, np.ndarray] = {}
            rows, groups = passage_rows(self._starts, candidates)
            for signal, vector in qv.items():
                # the query's own similarities are the evidence a need is served; feedback
                # only reorders (it would lend any text some likeness to the catalogue)
                matrix = np.asarray(self.index.vectors[signal][rows], dtype=np.float32)
                own = matrix @ vector
                moved = matrix @ ex[signal] if signal in ex else own
                ev[signal] = self._spread_items(own, groups, candidates)
                ps[signal] = spread(moved, rows, len(self.owners), _floor(moved))
                sig[signal] = self._spread_items(moved, groups, candidates)
            w = {s: v for s, v in w.items() if s in sig}
            fused = fuse(sig, w, norm=self.settings.normalization)
            conf = self._confidence(ev, w)
            out.append(
                Scored(
                    text, sig, ps, w, fused, conf, factors, query_regions, e, qv, ev, candidates
                )
            )
        return out

    def _region_factors(self, query_regions: tuple[str, ...]) -> np.ndarray:
        """region_factors for the catalogue, kept per region set (a Python pass over every
        initiative is milliseconds at 10,000 of them, and statements name few regions)."""
        with self._cache_lock:
            found = self._factors.get(query_regions)
        if found is None:
            found = region_factors(
                [ini.regions for ini in self.corpus], query_regions, self.settings.region_penalty
            )
            found.setflags(write=False)
            with self._cache_lock:
                if len(self._factors) > 256:
                    self._factors.clear()
                self._factors[query_regions] = found
        return found

    def _retrieve(
        self, signal: str, vectors: np.ndarray, allowed: np.ndarray | None
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Each query's best passages of one dense model (and the best among the allowed
        initiatives' passages when a filter is given): passage rows and cosines, best first."""
        k = self.settings.dense_candidates
        ids, scores = self.index.top(signal, vectors, k)
        if allowed is not None:
            more_ids, more_scores = self.index.top(signal, vectors, k, allowed[self.owners])
            ids, scores = np.hstack([ids, more_ids]), np.hstack([scores, more_scores])
        rows, values = [], []
        for r in range(len(vectors)):
            keep = ids[r] >= 0
            rows.append(ids[r][keep])
            values.append(scores[r][keep])
        return rows, values

    def _spread_items(
        self, passage_scores: np.ndarray, groups: np.ndarray, candidates: np.ndarray
    ) -> np.ndarray:
        """Each candidate initiative's best passage score, in a catalogue-length array."""
        n = len(self.corpus)
        if not len(candidates):
            return np.zeros(n)
        best = np.maximum.reduceat(passage_scores.astype(np.float64), groups)
        # an initiative without passages scores 0, as max_by_owner gives it
        floor = _floor(best) if len(candidates) < int((self._counts > 0).sum()) else 0.0
        return spread(best, candidates, n, floor)

    def weighs(self, signal: str, english: float) -> bool:
        """Whether a text this English (0..1) gives the signal any weight in its fusion."""
        return self._blend(english).get(signal, 0.0) > 0

    def _blend(self, english: float) -> dict[str, float]:
        """The fusion weights of a text this English (blend_weights of the two settings)."""
        return blend_weights(self._english_weights, self._foreign_weights, english)

    def encode_queries(self, signal: str, texts: Sequence[str]) -> np.ndarray:
        """Query vectors of one model, from a small cache: a statement's clauses are embedded
        to read them and again as needs, and an app rerun repeats the same texts."""
        found: dict[str, np.ndarray] = {}
        with self._cache_lock:  # read what is cached into a local dict: others may evict it
            for text in dict.fromkeys(texts):
                vector = self._query_cache.get((signal, text))
                if vector is not None:
                    found[text] = vector
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors = self.encoders[signal].encode(missing, kind="query")
            found.update(zip(missing, vectors, strict=True))
            with self._cache_lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._query_cache[(signal, text)] = vector
                while len(self._query_cache) > QUERY_CACHE_SIZE:
                    self._query_cache.pop(next(iter(self._query_cache)))
        return np.vstack([found[t] for t in texts])

    def clear_query_cache(self) -> None:
        """Forget cached query embeddings and prepared texts (benchmarks time the uncached
        path with it)."""
        with self._cache_lock:
            self._query_cache.clear()
            self._prepared.clear()

    def prepare(self, texts: list[str]) -> tuple[list[str], list[float]]:
        """Texts as searched, and how English each is (0..1).

        Shorthand is spelled out; a text that is not wholly English also gains the English terms
        of the field it uses (lexicon.py). Englishness is judged before the translation, so a
        Spanish statement keeps the multilingual weighting.
        """
        out, english = [], []
        for raw in texts:
            with self._cache_lock:
                found = self._prepared.get(raw)
            if found is None:
                text = expand_abbreviations(raw) if self.settings.expand_abbreviations else raw
                weight = english_weight(english_share(text, self.english_words))
                if weight < 1.0 and self.settings.translate_terms:
                    text = translate_terms(text)
                found = (text, weight)
                with self._cache_lock:  # a statement is prepared to read it and to score it
                    if len(self._prepared) >= QUERY_CACHE_SIZE:
                        self._prepared.clear()
                    self._prepared[raw] = found
            out.append(found[0])
            english.append(found[1])
        return out, english

    def _confidence(
        self, signals: Mapping[str, np.ndarray], weights: Mapping[str, float]
    ) -> np.ndarray:
        """Absolute, query-independent evidence in [0, 1]: calibrated dense similarities,
        weighted as the query weighs the dense models."""
        anchors = self.settings.confidence_anchors
        dense = {s: weights.get(s, 0.0) for s in anchors if s in signals}
        total = sum(dense.values())
        if total <= 0:
            dense = {s: 1.0 for s in dense}
            total = float(len(dense)) or 1.0
        conf = np.zeros(len(self.corpus))
        for s, w in dense.items():
            lo, hi = anchors[s]
            conf += (w / total) * calibrate(signals[s], lo, hi)
        return conf

    def need_features(
        self, scored: Scored, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The gap model's features of one scored need: over the programmes open to the
        writer's region (and inside the user's filters, when `allowed` is given), and over the
        whole catalogue regardless of region."""
        coverage = self.lexical.coverage(scored.query)
        novelty = self.lexical.novelty(scored.query)
        field = {
            name: float(vector @ self._field_vectors[name])
            for name, vector in scored.query_vectors.items()
            if name in self._field_vectors
        }
        words = len(scored.query.split())
        open_to_writer = scored.factors >= 1.0
        if allowed is not None:
            open_to_writer = open_to_writer & allowed
        masked = {k: np.where(open_to_writer, v, 0.0) for k, v in scored.evidence.items()}
        writer = gap_features(
            np.where(open_to_writer, scored.confidence, 0.0),
            masked,
            coverage=coverage,
            english=scored.english,
            words=words,
            novelty=novelty,
            field=field,
        )
        anywhere = gap_features(
            scored.confidence,
            scored.evidence,
            coverage=coverage,
            english=scored.english,
            words=words,
            novelty=novelty,
            field=field,
        )
        return writer, anywhere

    def best_passage_row(self, row: int, scored: Scored) -> int:
        """The passage of initiative `row` that best matches a scored text (its index row)."""
        rows = np.arange(self._starts[row], self._starts[row + 1])
        if len(rows) == 1 or not scored.passage_scores:
            return int(rows[0])
        combined = np.zeros(len(rows))
        for signal, scores in scored.passage_scores.items():
            combined += scored.weights.get(signal, 0.0) * scores[rows]
        return int(rows[int(np.argmax(combined))])

    def best_passage(self, row: int, scored: Scored) -> str:
        """The text of the passage of initiative `row` that best matches a scored text."""
        return self.index.passages[self.best_passage_row(row, scored)].text

    def columns(self, scored: Sequence[Scored], allowed: np.ndarray | None) -> np.ndarray:
        """The initiatives xQuAD orders: those any part retrieved (and the filters allow)."""
        if any(s.candidates is None for s in scored):
            rows = np.arange(len(self.corpus))
        else:
            rows = np.unique(np.concatenate([s.candidates for s in scored]))
        return rows[allowed[rows]] if allowed is not None else rows

    def initiative_vectors(self, signal: str = "minilm") -> np.ndarray:
        """One unit vector per initiative: the mean of its passage vectors, renormalised."""
        if signal not in self._initiative_vectors:
            self._initiative_vectors[signal] = self._mean_passage_vectors(signal)
        return self._initiative_vectors[signal]

    def _mean_passage_vectors(self, signal: str) -> np.ndarray:
        vectors = self.index.vectors[signal]
        out = np.zeros((len(self.corpus), vectors.shape[1]), dtype=np.float64)
        np.add.at(out, self.owners, vectors)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms > 0, norms, 1)).astype(np.float32)

    def word_coverage(self, scored: Scored, rows: np.ndarray | Sequence[int]) -> np.ndarray:
        """word_cover.coverage_features of a scored need over the initiatives at `rows` (1.0
        throughout when the index holds no vocabulary)."""
        vocabulary = self.index.vocabulary_vectors
        if vocabulary is None:
            return np.ones((len(rows), len(WORD_FEATURES)))
        if self._word_rows is None:
            self._word_rows = word_rows([i.full_text for i in self.corpus], self.index.vocabulary)
        need = self.word_vectors(content_words(scored.query))
        return coverage_features(need, vocabulary, [self._word_rows[int(r)] for r in rows])

    def word_vectors(self, words: Sequence[str]) -> np.ndarray:
        """Unit vectors of single words: the vocabulary's own for a catalogue word, else
        encoded (all of them in one call, and cached like query texts)."""
        vocabulary = self.index.vocabulary_vectors
        if vocabulary is None or not words:
            return np.zeros((0, 0 if vocabulary is None else vocabulary.shape[1]), np.float32)
        where = self._vocabulary_index()
        out = np.zeros((len(words), vocabulary.shape[1]), dtype=np.float32)
        missing = self._unknown_words(words)
        encoded: dict[str, np.ndarray] = {}
        if missing:
            vectors = self.encode_queries(VOCABULARY_SIGNAL, missing)
            encoded = dict(zip(missing, vectors, strict=True))
        for i, word in enumerate(words):
            out[i] = vocabulary[where[word]] if word in where else encoded[word]
        return out

    def _vocabulary_index(self) -> dict[str, int]:
        if self._vocabulary_rows is None:
            self._vocabulary_rows = {w: i for i, w in enumerate(self.index.vocabulary)}
        return self._vocabulary_rows

    def _unknown_words(self, words: Sequence[str]) -> list[str]:
        """The distinct words the catalogue's vocabulary lacks (none without a vocabulary)."""
        if self.index.vocabulary_vectors is None:
            return []
        where = self._vocabulary_index()
        return [w for w in dict.fromkeys(words) if w not in where]

    def field_similarity(self, scored: Scored, signal: str = "minilm") -> float:
        """How like the catalogue a scored text is: its cosine to the catalogue's mean passage
        vector of one dense model (-1 when that model did not encode it)."""
        vector = scored.query_vectors.get(signal)
        if vector is None or signal not in self._field_vectors:
            return -1.0
        return float(vector @ self._field_vectors[signal])
