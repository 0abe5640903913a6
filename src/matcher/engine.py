"""The Matcher facade: what the CLI, the app and users' scripts call.

matcher = Matcher.open()                      # loads (or builds on first use) the index
result = matcher.search("postal fentanyl trafficking, no forensic lab")
for m in result.results: print(m.id, m.title, m.match)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from matcher.brief.compose import make_brief
from matcher.brief.model import Brief
from matcher.catalogue.diff import DiffSegment, diff_words
from matcher.catalogue.model import Corpus, Initiative
from matcher.catalogue.parse import load_corpus
from matcher.errors import InputError, MatcherIndexError
from matcher.overlaps.detect import (
    OverlapClass,
    OverlapCluster,
    OverlapPair,
    OverlapSettings,
    ScoredPair,
    classified_pairs,
    cluster_overlaps,
    score_pairs,
)
from matcher.overlaps.projection import Projection, fit_projection
from matcher.reading.glossary import expand_abbreviations
from matcher.reading.lexicon import translate_terms
from matcher.reading.model import ClauseRead
from matcher.reading.needs import Need
from matcher.reading.statement import Aspect, Reading, read_statement
from matcher.search.calibration import (
    Calibration,
    NeedStatus,
    decide_status,
    gap_features,
    label_features,
    load_calibration,
)
from matcher.search.encoders import Encoder, default_encoders, english_lexicon
from matcher.search.explain import MatchLabel, highlight_terms
from matcher.search.index import LoadedIndex, build_index, load_index, recover_interrupted_swap
from matcher.search.lexical import LexicalIndex, stopword_stems
from matcher.search.ordering import xquad_order
from matcher.search.request import Filters, allowed_mask, check_k, clean_query
from matcher.search.results import CatalogueVersion, Match, NeedCoverage, SearchResult
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
    top_k,
    top_rows,
)
from matcher.settings import DEFAULT_CORPUS, DEFAULT_INDEX_DIR, MAX_K, Settings

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




def calibration_key(encoders: Mapping[str, Encoder], settings: Settings) -> dict[str, str]:
    """What a calibration must have been fitted for: each encoder's weights and the scoring
    settings its features depend on."""
    key = {f"model:{name}": enc.fingerprint() for name, enc in sorted(encoders.items())}
    key["settings"] = settings.scoring_hash()
    return key




class Matcher:
    """Search, needs, overlaps and briefs over one catalogue and its index."""

    def __init__(
        self,
        corpus: Corpus,
        index: LoadedIndex,
        encoders: Mapping[str, Encoder],
        settings: Settings,
        index_dir: Path,
        calibration: Calibration,
    ) -> None:
        self.corpus = corpus
        self.calibration = calibration
        self.index = index
        self.encoders = dict(encoders)
        self.settings = settings
        self.index_dir = index_dir
        self._ids = corpus.ids  # built once: Corpus.ids makes a new list on every call
        self._rows = {ini.id: row for row, ini in enumerate(corpus)}
        self._owners = np.array(
            [self._rows[p.initiative_id] for p in index.passages], dtype=np.int64
        )
        # passages are stored grouped by initiative in catalogue order: item i's passages are
        # _starts[i]:_starts[i + 1]
        if np.any(np.diff(self._owners) < 0):
            raise MatcherIndexError(
                f"passages in {index_dir} are not in catalogue order; run `matcher index build`"
            )
        self._counts = np.bincount(self._owners, minlength=len(corpus)).astype(np.int64)
        self._starts = np.concatenate(([0], np.cumsum(self._counts))).astype(np.int64)
        self.lexical = LexicalIndex([ini.full_text for ini in corpus])
        self.english_words = self.lexical.vocabulary | english_lexicon()
        self._stopwords = stopword_stems()
        self._lock = threading.Lock()
        self._overlaps: tuple[list[OverlapPair], list[OverlapCluster]] | None = None
        self._candidates: list[ScoredPair] | None = None
        self._projection: Projection | None = None
        self._initiative_vectors: dict[str, np.ndarray] = {}
        self._query_cache: dict[tuple[str, str], np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self._factors: dict[tuple[str, ...], np.ndarray] = {}
        self._field_vectors = {
            name: _unit(np.asarray(vectors, dtype=np.float64).mean(axis=0))
            for name, vectors in index.vectors.items()
        }

    # ------------------------------------------------------------------ construction
    @classmethod
    def open(
        cls,
        index_dir: str | Path | None = None,
        *,
        corpus: Corpus | str | Path | None = None,
        settings: Settings | None = None,
        encoders: Mapping[str, Encoder] | None = None,
        build: bool = True,
        progress: bool | None = None,
        on_build: Callable[[str], None] | None = None,
        calibration: Calibration | None = None,
    ) -> Matcher:
        """Load the catalogue and its index; build the index first when missing or stale.

        Args:
            index_dir: The index folder (default: `index/` in the project).
            corpus: A Corpus, or a path to a catalogue (.jsonl, .csv or the page .txt).
            settings: Ranking and index settings.
            encoders: Encoders by signal name (default: the offline models).
            build: Build a missing or stale index (otherwise raise MatcherIndexError).
            progress: Show a progress bar while building (default: when attached to a terminal).
            on_build: Called with the reason before a (re)build starts, e.g. to tell the user.
            calibration: The fitted clause and gap models (default: the shipped
                `data/calibration.json`); checked against the encoders and settings.
        """
        settings = settings or Settings()
        index_path = Path(index_dir) if index_dir else DEFAULT_INDEX_DIR
        if not isinstance(corpus, Corpus):
            corpus = load_corpus(corpus or DEFAULT_CORPUS)
        encoders = dict(encoders or default_encoders(settings.dense_models))
        recover_interrupted_swap(index_path)
        try:
            index = load_index(index_path, corpus, encoders, settings)
        except MatcherIndexError as exc:
            if not build:
                raise
            if on_build is not None:
                on_build(str(exc))
            build_index(index_path, corpus, encoders, settings, progress=progress)
            index = load_index(index_path, corpus, encoders, settings)
        calibration = calibration or load_calibration()
        calibration.check(calibration_key(encoders, settings))
        return cls(corpus, index, encoders, settings, index_path, calibration)

    # ------------------------------------------------------------------ scoring
    def score(self, query: str) -> Scored:
        """Score every initiative for a query (no filtering, no cut-off)."""
        text, _ = clean_query(query)
        return self.score_many([text], regions=self.read(text).regions)[0]

    def score_many(
        self,
        texts: list[str],
        *,
        regions: Sequence[str] = (),
        allowed: np.ndarray | None = None,
    ) -> list[Scored]:
        """Score several texts at once (one encoder call and one index search per model); the
        region adjustment comes from `regions`, read from the whole statement, so a need
        inherits the country it was written for.

        Each signal retrieves its own best candidates (dense: top-k passages on the vector
        index; BM25: its best initiatives), and every candidate is then scored exactly by every
        signal; an initiative no signal retrieved gets, per signal, the lowest score retrieved
        (it scores at most that). `allowed` (the user's filters) adds each signal's best among
        the allowed initiatives, so a filter never empties the results of an approximate search.
        """
        texts, english = self.prepare(texts)
        weights = [
            blend_weights(
                self.settings.english_weights.as_dict(),
                self.settings.foreign_weights.as_dict(),
                e,
            )
            for e in english
        ]
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
                if w.get(signal, 0.0) > 0 or signal in self.settings.always_encode
            ]
            if not needed:
                continue
            vectors = self.encode_queries(signal, [texts[i] for i in needed])
            hits = self._retrieve(signal, vectors, allowed)
            for row, i in enumerate(needed):
                query_vectors[i][signal] = vectors[row]
                found[i].append(self._owners[hits[0][row]])
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
                    found[i].append(self._owners[more[0][row]])
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
                ps[signal] = spread(moved, rows, len(self._owners), _floor(moved))
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
            more_ids, more_scores = self.index.top(signal, vectors, k, allowed[self._owners])
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
        """Forget cached query embeddings (benchmarks time the uncached path with it)."""
        with self._cache_lock:
            self._query_cache.clear()

    def prepare(self, texts: list[str]) -> tuple[list[str], list[float]]:
        """Texts as searched, and how English each is (0..1).

        Shorthand is spelled out; a text that is not wholly English also gains the English terms
        of the field it uses (lexicon.py). Englishness is judged before the translation, so a
        Spanish statement keeps the multilingual weighting.
        """
        out, english = [], []
        for text in texts:
            if self.settings.expand_abbreviations:
                text = expand_abbreviations(text)
            weight = english_weight(english_share(text, self.english_words))
            if weight < 1.0 and self.settings.translate_terms:
                text = translate_terms(text)
            out.append(text)
            english.append(weight)
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

    # ------------------------------------------------------------------ search
    def read(self, statement: str) -> Reading:
        """The statement read: clauses as need / context / other, needs, places and actors."""
        model = self.calibration.clause_model
        # the statement as searched is embedded in the reader's call: search scores it next
        whole = self.prepare([statement])[0]

        def vectors_for(texts: list[str]) -> np.ndarray:
            return self.encode_queries(model.encoder, [*texts, *whole])[: len(texts)]

        return read_statement(statement, model, vectors_for)

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        filters: Filters | None = None,
        min_score: float = 0.0,
        needs: Sequence[str] | None = None,
    ) -> SearchResult:
        """The initiatives that serve a statement, best first, with why each matched.

        The statement is read first (reading.py): its need clauses are scored one by one and its
        context only steers (the region read from it). xQuAD then orders the results so that
        each need the catalogue serves gets its best programmes early, while a one-need
        statement ranks exactly as the engine scores that need.

        Args:
            needs: the needs to search for instead of those read from the statement (the app's
                "drop a need / add a need"); the statement still gives the context.
        """
        k = check_k(k)
        text, notices = clean_query(query)
        reading = self.read(text)
        aspects = list(reading.aspects)
        if needs is not None:
            blank = [n for n in needs if not isinstance(n, str) or not n.strip()]
            chosen = list(dict.fromkeys(clean_query(n)[0] for n in needs if n not in blank))
            if not chosen:
                raise InputError("give at least one need to search for (the needs were blank)")
            reading = replace(reading, needs=tuple(chosen))
            aspects = [Aspect(n, 1.0, -1, True) for n in chosen]
        if not aspects:
            aspects = [Aspect(text, 1.0, -1, True)]
        allowed = self._allowed(filters or Filters())
        regions = reading.regions
        need_texts = list(reading.needs)
        if not need_texts:
            notices = (
                *notices,
                "We read no request in the statement, only context; results are for the "
                "statement as a whole. Say what you need (e.g. 'we need ...').",
            )
        texts = list(dict.fromkeys([a.text for a in aspects] + need_texts))
        if len(texts) == 1:
            whole = self.score_many(texts, regions=regions, allowed=allowed)[0]
            by_text = {texts[0]: whole}
        else:
            joined = self.settings.whole_query_joiner.join(need_texts)
            whole_text = joined if self.settings.whole_from_needs and joined else text
            scored = self.score_many([whole_text, *texts], regions=regions, allowed=allowed)
            whole, by_text = scored[0], dict(zip(texts, scored[1:], strict=True))
        per_aspect = [by_text[a.text] for a in aspects]
        relevance = np.vstack([s.final for s in per_aspect])
        # the gap model's features, once per text (a need is usually also a part)
        features = {t: self.need_features(by_text[t]) for t in texts}
        coverage = (
            self._coverage(
                [Need(t, t) for t in need_texts],
                [by_text[t] for t in need_texts],
                np.vstack([by_text[t].final for t in need_texts]),
                allowed,
                [features[t] for t in need_texts],
            )
            if need_texts
            else []
        )
        need_weight = np.array([a.p_need for a in aspects])
        if len(aspects) == 1:
            rows = top_k(whole.final, k, allowed)
            score_of = whole.final
        else:
            columns = self._columns(per_aspect, allowed)
            # each part of the statement has a say in proportion to how likely it states a
            # need, and a part nothing serves (a gap) gets little say
            model = self.calibration.gap_model
            votes = np.array(
                [
                    a.p_need * max(1.0 - model.probability(features[a.text][0]), 0.05)
                    for a in aspects
                ]
            )
            sharp = relevance[:, columns] ** self.settings.need_sharpness
            picked = xquad_order(
                whole.final[columns], sharp, votes, k, lam=self.settings.xquad_lambda
            )
            rows = [int(columns[i]) for i in picked]
            # what a result is shown for: its best part, each part counted as far as it is a
            # need (a self-introduction naming "canine units" does not make 1209 a top match)
            score_of = (relevance * need_weight[:, None]).max(axis=0)
        rows = [r for r in rows if score_of[r] >= min_score]
        served = {
            r: tuple(
                c.text
                for c in coverage
                if c.status == NeedStatus.SERVED and self._ids[r] in c.results
            )
            for r in rows
        }
        matches = []
        for r in rows:
            best = int(np.argmax(relevance[:, r] * need_weight))
            basis = per_aspect[best] if len(aspects) > 1 else whole
            matches.append(self._match(r, basis, served[r], score=float(score_of[r])))
        return SearchResult(
            text,
            tuple(matches),
            tuple(coverage),
            whole.query_regions,
            notices,
            reading.context,
            tuple(ClauseRead(c.text, c.kind.value, c.probability) for c in reading.clauses),
        )

    def _columns(self, scored: Sequence[Scored], allowed: np.ndarray | None) -> np.ndarray:
        """The initiatives xQuAD orders: those any part retrieved (and the filters allow)."""
        if any(s.candidates is None for s in scored):
            rows = np.arange(len(self.corpus))
        else:
            rows = np.unique(np.concatenate([s.candidates for s in scored]))
        return rows[allowed[rows]] if allowed is not None else rows

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

    def _coverage(
        self,
        needs: list[Need],
        per_need: list[Scored],
        relevance: np.ndarray,
        allowed: np.ndarray | None,
        features: list[tuple[np.ndarray, np.ndarray]],
    ) -> list[NeedCoverage]:
        """Each need's status (served, gap, other-region-only) from the calibrated gap model
        over its `features` (need_features), and its best programmes."""
        model = self.calibration.gap_model
        out = []
        for i, (need, s, (writer, anywhere)) in enumerate(
            zip(needs, per_need, features, strict=True)
        ):
            # whether the catalogue serves a need does not depend on the user's filters; the
            # programmes listed for it do
            p_gap = model.probability(writer)
            status = decide_status(p_gap, model.probability(anywhere), model.threshold)
            conf = s.confidence * s.factors
            if status is NeedStatus.OTHER_REGION_ONLY:
                # the programmes that would serve it, elsewhere
                elsewhere = np.where(s.factors < 1.0, s.fused, -np.inf)
                serving = tuple(
                    self._ids[r] for r in top_k(elsewhere, self.settings.need_top, allowed)
                )
            elif status is NeedStatus.SERVED:
                best = top_k(relevance[i], self.settings.need_top, allowed)
                top = float(relevance[i, best[0]]) if best else 0.0
                serving = tuple(
                    self._ids[r]
                    for r in best
                    if relevance[i, r] >= self.settings.need_relative * top
                )
            else:
                serving = ()
            out.append(
                NeedCoverage(
                    need.text,
                    status is NeedStatus.SERVED,
                    serving,
                    round(float(np.max(conf)) if conf.size else 0.0, 4),
                    status.value,
                    round(p_gap, 4),
                )
            )
        return out

    def check_filters(self, filters: Filters) -> None:
        """Raise InputError, naming the choices, for a filter value no initiative has."""
        self._allowed(filters)

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        return allowed_mask(self.corpus, filters)

    def _best_passage(self, row: int, scored: Scored) -> str:
        rows = np.flatnonzero(self._owners == row)
        if len(rows) == 1 or not scored.passage_scores:
            return self.index.passages[int(rows[0])].text
        combined = np.zeros(len(rows))
        for signal, scores in scored.passage_scores.items():
            combined += scored.weights.get(signal, 0.0) * scores[rows]
        return self.index.passages[int(rows[int(np.argmax(combined))])].text

    def _match(
        self, row: int, scored: Scored, needs: tuple[str, ...] = (), *, score: float | None = None
    ) -> Match:
        ini = self.corpus.initiatives[row]
        passage = self._best_passage(row, scored)
        note = ""
        if scored.factors[row] < 1.0:
            note = f"Limited to {', '.join(ini.regions)}"
        elif ini.regions:
            note = f"Regional: {', '.join(ini.regions)}"
        conf = float(scored.confidence[row] * scored.factors[row])
        labels = self.calibration.label_model
        shown = round(float(scored.final[row] if score is None else score), 4)
        features = label_features(round(conf, 4), shown, bool(scored.factors[row] < 1.0))
        return Match(
            id=ini.id,
            title=ini.title,
            score=shown,
            match=labels.label(features) if labels is not None else MatchLabel.WEAK.value,
            sub_working_group=ini.sub_working_group,
            sub_working_group_title=ini.sub_working_group_title,
            organizations=ini.organizations,
            regions=ini.regions,
            passage=passage,
            highlights=highlight_terms(scored.query, passage, self._stopwords),
            confidence=round(conf, 4),
            region_note=note,
            needs=needs,
        )

    def match_for(self, initiative_id: str, scored: Scored, needs: tuple[str, ...] = ()) -> Match:
        """The Match record of one initiative under an already scored query."""
        return self._match(self._rows[self.corpus.get(initiative_id).id], scored, needs)

    def brief(
        self,
        statement: str,
        *,
        shortlist: Sequence[str] | None = None,
        k: int = 10,
        result: SearchResult | None = None,
        needs: Sequence[str] | None = None,
    ) -> Brief:
        """A country brief: the top `k` programmes, or exactly the shortlisted ones.

        `result`, the search already run for this statement, is reused when it holds every
        shortlisted programme (the app passes the result it is showing); otherwise the
        statement is searched again, for `needs` when given (the user's edits of the needs).
        """
        ids = [self.corpus.get(i).id for i in shortlist or ()]  # unknown ids: InputError
        reusable = (
            result is not None
            and result.query == clean_query(statement)[0]
            and set(ids) <= {m.id for m in result.results}
        )
        if result is None or not reusable:
            result = self.search(
                statement, k=min(MAX_K, len(self.corpus)) if ids else k, needs=needs
            )
        listed = ids or [m.id for m in result.results]
        descriptions = {i: self.corpus.get(i).text for i in listed if i in self.corpus}
        return make_brief(
            result, ids or None, descriptions=descriptions, catalogue=self.catalogue_version()
        )

    def catalogue_version(self) -> CatalogueVersion:
        """The catalogue this Matcher answers from: its hash, size and index build time."""
        manifest = self.index.manifest
        return CatalogueVersion(
            corpus_hash=self.corpus.content_hash,
            initiatives=len(self.corpus),
            index_created=str(manifest.get("created_at", "")),
            package_version=str(manifest.get("package_version", "")),
        )

    # ------------------------------------------------------------------ overlaps
    def overlaps(
        self,
        *,
        cls: str | None = None,
        min_score: float = 0.0,
        settings: OverlapSettings | None = None,
    ) -> tuple[list[OverlapPair], list[OverlapCluster]]:
        """Overlapping pairs (optionally one class, above a score) and their clusters."""
        if cls is not None and cls not in {c.value for c in OverlapClass}:
            raise InputError(
                f"unknown overlap class {cls!r}; choose from "
                f"{', '.join(c.value for c in OverlapClass)}"
            )
        if not 0.0 <= min_score <= 1.0:
            raise InputError(f"min-score must be between 0 and 1 (got {min_score})")
        with self._lock:
            if settings is not None or self._overlaps is None:
                scored = score_pairs(self.corpus.initiatives, self.initiative_vectors(), settings)
                pairs = classified_pairs(scored)
                clusters = cluster_overlaps(pairs, self.corpus.initiatives)
                if settings is not None:
                    return self._filter_overlaps(pairs, clusters, cls, min_score)
                self._overlaps = (pairs, clusters)
                self._candidates = scored
            pairs, clusters = self._overlaps
        return self._filter_overlaps(pairs, clusters, cls, min_score)

    @staticmethod
    def _filter_overlaps(
        pairs: list[OverlapPair], clusters: list[OverlapCluster], cls: str | None, min_score: float
    ) -> tuple[list[OverlapPair], list[OverlapCluster]]:
        keep = [p for p in pairs if (cls is None or p.cls == cls) and p.score >= min_score]
        kept_clusters = [c for c in clusters if cls is None or c.cls == cls]
        return keep, kept_clusters

    def review_candidates(self) -> list[ScoredPair]:
        """Every candidate pair the overlap detectors produce, classed or not, most worth a
        reviewer's look first (the review queue before decisions are taken out)."""
        if self._candidates is None:
            self.overlaps()  # computes both at once
        return self._candidates if self._candidates is not None else []

    def diff(self, a: str, b: str) -> list[DiffSegment]:
        """Word-level differences between two initiatives' descriptions."""
        return diff_words(self.corpus.get(a).text, self.corpus.get(b).text)

    # ------------------------------------------------------------------ catalogue
    def get(self, initiative_id: str) -> Initiative:
        """One initiative by id (CorpusError naming near ids when unknown)."""
        return self.corpus.get(initiative_id)

    def initiative_vectors(self, signal: str = "minilm") -> np.ndarray:
        """One unit vector per initiative: the mean of its passage vectors, renormalised."""
        if signal not in self._initiative_vectors:
            self._initiative_vectors[signal] = self._mean_passage_vectors(signal)
        return self._initiative_vectors[signal]

    def _mean_passage_vectors(self, signal: str) -> np.ndarray:
        vectors = self.index.vectors[signal]
        out = np.zeros((len(self.corpus), vectors.shape[1]), dtype=np.float64)
        np.add.at(out, self._owners, vectors)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms > 0, norms, 1)).astype(np.float32)

    def similar(self, initiative_id: str, *, k: int = 5) -> list[tuple[Initiative, float]]:
        """The initiatives closest in meaning to one initiative, with their cosine similarity."""
        k = check_k(k)
        row = self._rows[self.corpus.get(initiative_id).id]
        vectors = self.initiative_vectors()
        sims = vectors @ vectors[row]
        others = np.ones(len(sims), dtype=bool)
        others[row] = False  # never itself, even when k reaches the catalogue's size
        order = top_k(sims, k, others)
        return [(self.corpus.initiatives[i], round(float(sims[i]), 4)) for i in order]

    def map_points(self, query: str | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """2-D coordinates of every initiative (PCA of their vectors), and of the query if given."""
        with self._lock:
            if self._projection is None:
                self._projection = fit_projection(self.initiative_vectors())
            projection = self._projection
        points = projection.transform(self.initiative_vectors())
        if not query:
            return points, None
        text, _ = clean_query(query)
        vector = self.encoders["minilm"].encode(self.prepare([text])[0], kind="query")
        return points, projection.transform(vector)[0]

    def with_calibration(self, calibration: Calibration) -> Matcher:
        """A Matcher sharing this one's index and models, deciding with other fitted models."""
        calibration.check(calibration_key(self.encoders, self.settings))
        return Matcher(
            self.corpus, self.index, self.encoders, self.settings, self.index_dir, calibration
        )

    def with_settings(self, **changes: object) -> Matcher:
        """A Matcher sharing this one's index and models, with some ranking settings changed."""
        settings = replace(self.settings, **changes)  # type: ignore[arg-type]
        return Matcher(
            self.corpus, self.index, self.encoders, settings, self.index_dir, self.calibration
        )
