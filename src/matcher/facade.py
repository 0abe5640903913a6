"""The Matcher facade: what the CLI, the app, the API and users' scripts call.

    matcher = Matcher.open()                      # loads (or builds on first use) the index
    result = matcher.search("postal fentanyl trafficking, no forensic lab")
    for m in result.results: print(m.id, m.title, m.match)

It opens the parts (catalogue, index, encoders, fitted models) and wires them; every decision
is a function of its own module: reading in `reading.statement`, scoring in `search.scoring`,
need statuses in `search.coverage`, ordering in `search.ordering`, cards in `search.matches`,
overlaps in `overlaps.desk`, the brief in `brief.compose`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from matcher.brief.compose import make_brief
from matcher.brief.model import Brief
from matcher.catalogue.diff import DiffSegment, diff_words
from matcher.catalogue.model import Corpus, Initiative
from matcher.catalogue.parse import load_corpus
from matcher.errors import MatcherIndexError
from matcher.interest.letters import Letter, check_ids, make_letters
from matcher.overlaps.desk import OverlapDesk
from matcher.overlaps.detect import OverlapCluster, OverlapPair, OverlapSettings, ScoredPair
from matcher.overlaps.projection import Projection, fit_projection
from matcher.reading.statement import Reading
from matcher.search import pipeline
from matcher.search.calibration import Calibration, calibration_key, load_calibration
from matcher.search.encoders import Encoder, default_encoders
from matcher.search.index import LoadedIndex, load_index, recover_interrupted_swap
from matcher.search.index_build import build_index
from matcher.search.request import Filters, allowed_mask, check_k, clean_query
from matcher.search.results import CatalogueVersion, Match, SearchResult
from matcher.search.retrieval import nearest_rows
from matcher.search.scoring import Scored, Scorer
from matcher.settings import DEFAULT_CORPUS, DEFAULT_INDEX_DIR, MAX_K, Settings

__all__ = ["Filters", "Matcher"]


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
        self.scorer = Scorer(corpus, index, self.encoders, settings, index_dir)
        self.desk = OverlapDesk(corpus, self.scorer.initiative_vectors)
        self._lock = threading.Lock()
        self._projection: Projection | None = None

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

    # ------------------------------------------------------------------ scoring
    def score(self, query: str) -> Scored:
        """Score every initiative for a query (no filtering, no cut-off)."""
        text, _ = clean_query(query)
        return self.scorer.score_many([text], regions=self.read(text).regions)[0]

    def score_many(
        self, texts: list[str], *, regions: Sequence[str] = (), allowed: np.ndarray | None = None
    ) -> list[Scored]:
        """Score several texts at once (Scorer.score_many)."""
        return self.scorer.score_many(texts, regions=regions, allowed=allowed)

    def need_features(
        self, scored: Scored, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The gap model's features of one scored need (Scorer.need_features)."""
        return self.scorer.need_features(scored, allowed)

    def encode_queries(self, signal: str, texts: Sequence[str]) -> np.ndarray:
        """Query vectors of one model, from the scorer's cache."""
        return self.scorer.encode_queries(signal, texts)

    def prepare(self, texts: list[str]) -> tuple[list[str], list[float]]:
        """Texts as searched, and how English each is (0..1) (Scorer.prepare)."""
        return self.scorer.prepare(texts)

    def clear_query_cache(self) -> None:
        """Forget cached query embeddings (benchmarks time the uncached path with it)."""
        self.scorer.clear_query_cache()

    # ------------------------------------------------------------------ search
    def read(self, statement: str) -> Reading:
        """The statement read: clauses as need / context / other, needs, places and actors."""
        return pipeline.read(self.scorer, self.calibration, statement)

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        filters: Filters | None = None,
        min_score: float = 0.0,
        needs: Sequence[str] | None = None,
        country: str | None = None,
    ) -> SearchResult:
        """The initiatives that serve a statement, best first, with why each matched
        (search.pipeline.search); `needs` replaces the needs read from the statement and
        `country` names the writer's country."""
        return pipeline.search(
            self.scorer,
            self.calibration,
            query,
            k=k,
            filters=filters,
            min_score=min_score,
            needs=needs,
            country=country,
        )

    def check_filters(self, filters: Filters) -> None:
        """Raise InputError, naming the choices, for a filter value no initiative has."""
        allowed_mask(self.corpus, filters)

    def match_for(self, initiative_id: str, scored: Scored, needs: tuple[str, ...] = ()) -> Match:
        """The Match record of one initiative under an already scored query."""
        row = self.scorer.rows[self.corpus.get(initiative_id).id]
        return pipeline.match_for(self.scorer, self.calibration, row, scored, needs)

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

    def interest_letters(
        self, statement: str, ids: Sequence[str], *, country: str = ""
    ) -> list[Letter]:
        """Expression-of-interest letters, one per implementing organisation, for the chosen
        programmes, each with the needs of the statement it serves (interest.letters)."""
        check_ids(ids, self.corpus)  # a bad choice fails before the search
        result = self.search(statement, k=min(MAX_K, len(self.corpus)))
        return make_letters(result, ids, self.corpus, country=country)

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
        return self.desk.overlaps(cls=cls, min_score=min_score, settings=settings)

    def review_candidates(self) -> list[ScoredPair]:
        """Every candidate pair, classed or not, most worth a reviewer's look first."""
        return self.desk.review_candidates()

    def diff(self, a: str, b: str) -> list[DiffSegment]:
        """Word-level differences between two initiatives' descriptions."""
        return diff_words(self.corpus.get(a).text, self.corpus.get(b).text)

    # ------------------------------------------------------------------ catalogue
    def get(self, initiative_id: str) -> Initiative:
        """One initiative by id (CorpusError naming near ids when unknown)."""
        return self.corpus.get(initiative_id)

    def initiative_vectors(self, signal: str = "minilm") -> np.ndarray:
        """One unit vector per initiative: the mean of its passage vectors, renormalised."""
        return self.scorer.initiative_vectors(signal)

    def similar(self, initiative_id: str, *, k: int = 5) -> list[tuple[Initiative, float]]:
        """The initiatives closest in meaning to one initiative, with their cosine similarity."""
        k = check_k(k)
        row = self.scorer.rows[self.corpus.get(initiative_id).id]
        near = nearest_rows(self.initiative_vectors(), row, k)
        return [(self.corpus.initiatives[i], sim) for i, sim in near]

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
