"""Read a statement as a person would: which clauses are needs, which are context, which neither.

A clause is classified by a multinomial logistic regression over its sentence embedding (the
multilingual encoder, so the six languages share one model) and a few structural cues (request
and negation words, a self-introduction, a header's colon, its position). The model is fitted by
`scripts/calibrate.py`, cross-validated by statement, and stored as plain JSON in
`data/calibration.json` with the fingerprint of the encoder it was fitted on.

Context never becomes a need: it is read into where the writer is (places), who is asking
(actors) and what the country already has (existing), and steers the ranking from there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from matcher.reading.clauses import Clause, split_clauses
from matcher.reading.cues import CueTable, load_actors, load_cues
from matcher.reading.metadata import Place, read_places
from matcher.reading.model import ContextRead
from matcher.reading.needs import as_need, split_needs


class ClauseKind(StrEnum):
    """What a clause is to the reader."""

    NEED = "need"
    CONTEXT = "context"
    OTHER = "other"


_LIST_MARKER = re.compile(r"\s*(?:[-•*–]|\(?\w{1,2}[).-]|[\u0660-\u0669]{1,2}\s*[-).])?\s*")
"""What may stand between a line break and a list item's text: nothing, or a list marker."""

TERSE_PART_WORDS = 5
"""A need clause whose parts all have at most this many words is a list of needs, one each."""

CUE_FEATURES = (
    "request",
    "deficit",
    "self",
    "existing",
    "greeting",
    "first",
    "last",
    "position",
    "only",
    "header",
    "question",
    "log_words",
    "starts_join",
    "list_item",
)


@dataclass(frozen=True)
class ReadClause:
    """A clause with what it was read as and how sure the reader is."""

    text: str
    start: int
    end: int
    kind: ClauseKind
    probability: float


@dataclass(frozen=True)
class Reading:
    """A statement read: its clauses, the needs among them, and the context."""

    statement: str
    clauses: tuple[ReadClause, ...]
    needs: tuple[str, ...]
    context: ContextRead = field(default_factory=ContextRead)
    regions: tuple[str, ...] = ()
    need_clauses: tuple[int, ...] = ()
    """For each need, the index of the clause it was read from."""
    aspects: tuple[Aspect, ...] = ()
    """Every clause's searchable parts with how likely each is a need: the ranking gives each
    a say in proportion (a context clause almost none), while only needs are reported."""


@dataclass(frozen=True)
class Aspect:
    """A searchable part of a clause and the probability that its clause states a need."""

    text: str
    p_need: float
    clause: int
    is_need: bool


def cue_features(
    clauses: Sequence[Clause], statement: str, cues: CueTable | None = None
) -> np.ndarray:
    """(clauses x CUE_FEATURES) structural features of each clause."""
    cues = cues or load_cues()
    n = len(clauses)
    rows = []
    for i, clause in enumerate(clauses):
        text = clause.text
        words = max(1, len(text.split()))
        line_start = statement.rfind("\n", 0, clause.start)
        before = statement[line_start + 1 : clause.start] if line_start >= 0 else "x"
        rows.append(
            [
                float(cues.found("request", text)),
                float(cues.found("deficit", text)),
                float(cues.found("self", text)),
                float(cues.found("existing", text)),
                float(cues.found("greeting", text)),
                float(i == 0),
                float(i == n - 1),
                i / max(1, n - 1),
                float(n == 1),
                float(text.rstrip().endswith(":")),
                float("?" in text or "؟" in text),
                math.log(words),
                float(cues.found("clause_joins", " ".join(text.split()[:1]))),
                float(_LIST_MARKER.fullmatch(before) is not None),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(n, len(CUE_FEATURES))


@dataclass(frozen=True)
class ClauseModel:
    """A fitted multinomial logistic regression over [embedding, scaled cue features]."""

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    cue_mean: np.ndarray
    cue_scale: np.ndarray
    encoder: str
    fingerprint: str

    def probabilities(self, vectors: np.ndarray, cues: np.ndarray) -> np.ndarray:
        """(clauses x classes) class probabilities."""
        x = np.hstack([vectors, (cues - self.cue_mean) / self.cue_scale])
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "coef": np.round(self.coef, 6).tolist(),
            "intercept": np.round(self.intercept, 6).tolist(),
            "cue_features": list(CUE_FEATURES),
            "cue_mean": np.round(self.cue_mean, 6).tolist(),
            "cue_scale": np.round(self.cue_scale, 6).tolist(),
            "encoder": self.encoder,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClauseModel:
        if list(data["cue_features"]) != list(CUE_FEATURES):
            raise ValueError("the clause model was fitted on other cue features")
        return cls(
            classes=tuple(data["classes"]),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            cue_mean=np.asarray(data["cue_mean"], dtype=np.float64),
            cue_scale=np.asarray(data["cue_scale"], dtype=np.float64),
            encoder=str(data["encoder"]),
            fingerprint=str(data["fingerprint"]),
        )


def fit_clause_model(
    vectors: np.ndarray,
    cues: np.ndarray,
    labels: Sequence[str],
    *,
    c: float,
    encoder: str,
    fingerprint: str,
) -> ClauseModel:
    """Fit the clause classifier (balanced classes, L2 penalty of strength 1/c)."""
    from sklearn.linear_model import LogisticRegression

    mean = cues.mean(axis=0)
    scale = cues.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    x = np.hstack([vectors, (cues - mean) / scale])
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(x, list(labels))
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    classes = tuple(str(k) for k in model.classes_)
    if len(classes) == 2:  # sklearn keeps one row for two classes; store both for one code path
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return ClauseModel(classes, coef, intercept, mean, scale, encoder, fingerprint)


def decide_kinds(probabilities: np.ndarray, classes: Sequence[str]) -> list[ClauseKind]:
    """Each clause's most probable kind. A statement of one clause read as context ("detector
    dogs") is a need: a bare phrase typed into a search box is what the user wants. A longer
    statement with no need in it reports none (the engine says so), rather than promote a
    self-introduction to a need and then to a gap."""
    kinds = [ClauseKind(classes[int(i)]) for i in np.argmax(probabilities, axis=1)]
    if kinds == [ClauseKind.CONTEXT] and ClauseKind.NEED.value in classes:
        kinds = [ClauseKind.NEED]
    return kinds


def read_context(
    statement: str, clauses: Sequence[ReadClause], places: Sequence[Place] | None = None
) -> ContextRead:
    """Places named anywhere in the statement (`places`, when already read); actors and what
    exists from its context."""
    context_text = [c.text for c in clauses if c.kind is not ClauseKind.NEED]
    actors_table = load_actors()
    cues = load_cues()
    existing = tuple(t for t in context_text if cues.found("existing", t))
    # who is writing: the self-introduction or the header ("I head the ... unit", "Ministry of
    # Health:"), else the first context clause; never what the country already has
    introductions = [
        t for t in context_text if cues.found("self", t) or t.rstrip().endswith(":")
    ] or [t for t in context_text if t not in existing][:1]
    actors = [
        actor
        for actor in actors_table.entries
        if any(actors_table.found(actor, t) for t in introductions)
    ]
    if places is None:
        places = read_places(statement)
    return ContextRead(
        places=tuple(p.name for p in places),
        actors=tuple(actors),
        existing=existing,
    )


def writer_regions(places: Sequence[Place]) -> tuple[str, ...]:
    """The region the writer is in: that of the first place the statement names (a writer
    introduces their own country first; "yaba from Myanmar" later is where drugs come from)."""
    return (places[0].region,) if places and places[0].region else ()


def read_statement(
    statement: str,
    model: ClauseModel,
    vectors_for: Any,
) -> Reading:
    """Read a statement with a fitted clause model.

    Args:
        statement: the user's text.
        model: the fitted clause classifier.
        vectors_for: callable mapping a list of clause texts to their (n x d) embeddings, from
            the encoder the model was fitted on.
    """
    clauses = split_clauses(statement)
    if not clauses:
        return Reading(statement, (), ())
    cues = cue_features(clauses, statement)
    parts = [[n.text for n in split_needs(c.text)] for c in clauses]
    # the parts are embedded in the same call: they are searched next, and the engine caches
    texts = [c.text for c in clauses]
    vectors = np.asarray(vectors_for(texts + [p for ps in parts for p in ps]))[: len(texts)]
    probabilities = model.probabilities(vectors, cues)
    kinds = decide_kinds(probabilities, model.classes)
    if len(kinds) == 1 and not load_cues().found("greeting", clauses[0].text):
        kinds = [ClauseKind.NEED]  # a bare phrase in a search box is what the user wants
    read = tuple(
        ReadClause(
            c.text,
            c.start,
            c.end,
            kind,
            round(float(probabilities[i, model.classes.index(kind.value)]), 4),
        )
        for i, (c, kind) in enumerate(zip(clauses, kinds, strict=True))
    )
    needs: list[str] = []
    sources: list[int] = []
    aspects: list[Aspect] = []
    seen: set[str] = set()
    need_col = model.classes.index(ClauseKind.NEED.value)
    for index, clause in enumerate(read):
        is_need = clause.kind is ClauseKind.NEED
        if is_need:
            # a need is reported as its clause reads ("no forensic lab" -> "forensic lab"); a
            # terse list ("postal fentanyl trafficking, no forensic lab") is several needs,
            # while the parts of a sentence ("seized chemicals, which sit in a shed") are not
            terse = len(parts[index]) > 1 and all(
                len(p.split()) <= TERSE_PART_WORDS for p in parts[index]
            )
            for text in parts[index] if terse else [as_need(clause.text)]:
                if text and text.lower() not in {n.lower() for n in needs}:
                    needs.append(text)
                    sources.append(index)
        # the ranking also searches the parts of a clause that names several things ("an early
        # warning system and training for our laboratories"), as needs.py splits them
        for part in parts[index]:
            if not part or part.lower() in seen:
                continue
            seen.add(part.lower())
            aspects.append(Aspect(part, float(probabilities[index, need_col]), index, is_need))
    places = read_places(statement)
    context = read_context(statement, read, places)
    return Reading(
        statement,
        read,
        tuple(needs),
        context,
        writer_regions(places),
        tuple(sources),
        tuple(aspects),
    )
