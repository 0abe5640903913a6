"""Where the catalogue repeats itself: verbatim copies, near-duplicates, programme families and
thematic overlaps, with clusters, word-level diffs and a review ranking of every candidate pair.

Evidence for a pair:
* containment: the share of one description's 5-word phrases found in the other (the larger of
  the two directions), so a text copied inside a longer one still scores 1.0;
* cosine: similarity of the two initiatives' MiniLM vectors (mean of their passages);
* title stem: the named programme both titles start with ("Synthetic Drugs Detection Project -
  ...", "Next Generation Targeting Tools ... :"), compared word by word;
* names (relations.py): a programme, tool or acronym the catalogue defines that both titles
  carry, or that one description names and the other's title carries;
* title share: the distinctive title words two titles share (places, audiences and words in
  more than 4% of titles left out), and what differs: region, audience (who it is for).

Class rules (evidence, not per-pair tuning; thresholds in `OverlapSettings`):
* verbatim: containment >= 0.9: the same description (or one inside the other) under two ids;
* near-duplicate: the same programme described twice or offered again for another region or
  audience ("differs in: region"): both titles carry the same name and region or audience
  differ; or containment >= 0.5; or cosine >= 0.85 with a shared title phrase or containment
  >= 0.3; or region/audience differ, titles share >= 60% of their distinctive words and
  cosine >= 0.7;
* different-scope: the same programme for a narrower subject or population, written from one
  template (overlaps.scope);
* family: distinct components of one named programme: a shared title stem of 3+ words, or a
  name one carries and the other names (a suite listing its tools) with cosine >= 0.6;
* thematic-overlap: different programmes with cosine >= 0.75 (on this catalogue the top 0.3% of
  the 6,903 pairs), or both descriptions naming the same rare name with cosine >= 0.6.

Candidate pairs come from MinHash LSH (datasketch) over 5-word shingles (at most `neighbours`
hits per initiative, the closest by estimated Jaccard), each initiative's `neighbours` nearest
by cosine (a FAISS top-k search) and the pairs a name relates, so the work grows with the
number of initiatives times the neighbours kept, not with all pairs. Every candidate is scored
for review (`score_pairs`), classed or not; clusters are capped at `max_cluster` members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from matcher.catalogue.model import Initiative
from matcher.catalogue.relations import Relation, RelationKind, find_relations
from matcher.overlaps.candidates import (
    candidate_pairs,
    containment,
    local_density,
    nearest_neighbours,
    shingle_hashes,
)
from matcher.overlaps.evidence import (
    describe_difference,
    differences,
    distinctive_title_words,
    shared_title_phrase,
    stem_similarity,
    title_share,
    title_stem_of,
)
from matcher.overlaps.ranking import (
    QueueModel,
    lexical_similarity,
    look_score,
    queue_features,
    shipped_queue_model,
    with_twin_evidence,
    word_weights,
)
from matcher.overlaps.scope import ScopeEvidence, exclusive_phrases, scope_evidence
from matcher.reading.metadata import TITLE_SPLIT, TITLE_STOP, words


class OverlapClass(StrEnum):
    """Kinds of overlap, strongest first."""

    VERBATIM = "verbatim"
    NEAR_DUPLICATE = "near-duplicate"
    SCOPE = "different-scope"  # same programme, different scope (overlaps.scope)
    FAMILY = "family"
    THEMATIC = "thematic-overlap"


_STRENGTH = {c: n for n, c in enumerate(OverlapClass)}


@dataclass(frozen=True)
class OverlapSettings:
    """Thresholds of the class rules (see the module docstring for where they come from)."""

    shingle: int = 5
    verbatim_containment: float = 0.9
    near_containment: float = 0.5
    twin_cosine: float = 0.85
    twin_containment: float = 0.3
    family_stem_words: int = 3
    family_stem_similarity: float = 0.8
    thematic_cosine: float = 0.75
    neighbours: int = 10
    lsh_threshold: float = 0.3
    twin_title_share: float = 0.6
    twin_title_cosine: float = 0.7
    related_cosine: float = 0.6
    scope_phrases: int = 4
    max_cluster: int = 50


@dataclass(frozen=True)
class OverlapPair:
    """Two initiatives that overlap, how, and why a person should believe it."""

    a: str
    b: str
    cls: OverlapClass
    score: float
    reason: str
    containment: float
    cosine: float
    differs: str

    def to_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "class": self.cls.value,
            "score": self.score,
            "reason": self.reason,
            "containment": self.containment,
            "cosine": self.cosine,
            "differs": self.differs,
        }


@dataclass(frozen=True)
class OverlapCluster:
    """A group of initiatives joined by overlaps, with a readable label."""

    label: str
    ids: tuple[str, ...]
    cls: OverlapClass

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "ids": list(self.ids), "class": self.cls.value}


def classify_pair(
    a: Initiative,
    b: Initiative,
    cont: float,
    cosine: float,
    settings: OverlapSettings,
    relation: Relation | None = None,
    share: float = 0.0,
    scope: ScopeEvidence | None = None,
) -> tuple[OverlapClass, str] | None:
    """The class of a pair and a one-line reason, or None when it is no overlap."""
    stem_a, stem_b = title_stem_of(a.title), title_stem_of(b.title)
    twin_title = share >= settings.twin_title_share and cosine >= settings.twin_title_cosine
    same_name = relation is not None and relation.kind is RelationKind.SAME_NAME
    near = cont >= settings.near_containment or cosine >= settings.twin_cosine
    templated = (
        scope is not None and scope.same_subject and len(scope.phrases) >= settings.scope_phrases
    )
    # what differs is read only where a copy or twin rule may hold (most pairs are neither)
    differs = differences(a, b) if (near or twin_title or same_name or templated) else ()
    differs_in = f"; differs in: {', '.join(differs)}" if differs else ""
    if cont >= settings.verbatim_containment:
        shorter = (
            "the same text" if abs(len(a.text) - len(b.text)) < 20 else "one text inside the other"
        )
        return OverlapClass.VERBATIM, (
            f"{cont:.0%} of the shorter description's 5-word phrases recur in the other ({shorter})"
            + differs_in
        )
    if relation is not None and same_name and differs:
        return OverlapClass.NEAR_DUPLICATE, (
            f"the same programme ({relation.describe()}){differs_in}"
        )
    phrase = shared_title_phrase(a.title, b.title) if near else ""
    if cont >= settings.near_containment or (
        cosine >= settings.twin_cosine and (phrase or cont >= settings.twin_containment)
    ):
        why = f"cosine {cosine:.2f}, {cont:.0%} shared phrasing"
        if phrase:
            why += f", both titles name '{phrase}'"
        return OverlapClass.NEAR_DUPLICATE, why + differs_in
    if differs and twin_title:
        return OverlapClass.NEAR_DUPLICATE, (
            f"the same programme for another {' and '.join(differs)}: titles share "
            f"{share:.0%} of their words, cosine {cosine:.2f}{differs_in}"
        )
    if templated and differs and cosine >= settings.related_cosine:
        assert scope is not None
        return OverlapClass.SCOPE, (
            f"same programme, different scope: one template ({len(scope.phrases)} phrases only "
            f"these two share, e.g. '{scope.phrases[0]}'); {scope.describe(a.id, b.id)}"
            + differs_in
        )
    if (
        len(stem_a) >= settings.family_stem_words
        and stem_similarity(stem_a, stem_b) >= settings.family_stem_similarity
    ):
        return OverlapClass.FAMILY, (
            f"components of one programme: both titles start '{' '.join(stem_a)}'"
        )
    if (
        relation is not None
        and relation.kind is not RelationKind.SHARED
        and cosine >= settings.related_cosine
    ):
        return OverlapClass.FAMILY, f"one programme: {relation.describe()}, cosine {cosine:.2f}"
    if cosine >= settings.thematic_cosine:
        return (
            OverlapClass.THEMATIC,
            f"different programmes, cosine {cosine:.2f} on their descriptions",
        )
    if relation is not None and cosine >= settings.related_cosine:
        return OverlapClass.THEMATIC, f"{relation.describe()}, cosine {cosine:.2f}"
    return None


@dataclass(frozen=True)
class ScoredPair:
    """A candidate pair with its evidence, its class (None: no class rule holds) and how likely
    it is worth a reviewer's look (0..1)."""

    pair: OverlapPair
    cls: OverlapClass | None
    look: float
    relation: str
    features: tuple[float, ...] = field(default=(), compare=False, repr=False)
    """The pair's evidence as the queue model reads it (`ranking.QUEUE_FEATURES`)."""

    @property
    def a(self) -> str:
        return self.pair.a

    @property
    def b(self) -> str:
        return self.pair.b

    def to_dict(self) -> dict[str, object]:
        out = self.pair.to_dict()
        out["class"] = self.cls.value if self.cls else CANDIDATE
        out["look"] = self.look
        out["relation"] = self.relation
        return out


CANDIDATE = "candidate"
"""The class shown for a candidate pair no class rule holds for."""


def score_pairs(
    initiatives: Sequence[Initiative],
    vectors: np.ndarray,
    settings: OverlapSettings | None = None,
    *,
    model: QueueModel | str | None = "shipped",
) -> list[ScoredPair]:
    """Every candidate pair with its evidence, class and review rank, most worth a look first.

    Candidates: MinHash LSH neighbours, cosine nearest neighbours, and pairs a name relates
    (`relations.find_relations`). `model` ranks them (`ranking.QueueModel`; default the shipped
    one); None, or no model shipped, ranks by the hand-set noisy-or of `look_score`.
    """
    queue_model = shipped_queue_model() if model == "shipped" else model
    assert queue_model is None or isinstance(queue_model, QueueModel)
    settings = settings or OverlapSettings()
    vectors = np.asarray(vectors, dtype=np.float32)
    texts = [ini.text for ini in initiatives]
    hashed = [shingle_hashes(t, settings.shingle) for t in texts]
    relations = find_relations(initiatives)
    title_words = distinctive_title_words(initiatives)
    phrases = exclusive_phrases(initiatives)
    lexical = word_weights([ini.full_text for ini in initiatives])
    neighbours = nearest_neighbours(vectors, settings.neighbours)
    density = local_density(vectors, neighbours)
    rank_of: dict[tuple[int, int], int] = {}
    for i, row in enumerate(neighbours.tolist()):
        for r, j in enumerate(row):
            rank_of.setdefault((i, j), r)  # the first: a short row is padded with repeats
    out = []
    found = candidate_pairs(
        texts,
        vectors,
        k=settings.neighbours,
        lsh_threshold=settings.lsh_threshold,
        shingle=settings.shingle,
        neighbours=neighbours,
        hashed=hashed,
    )
    candidates = sorted(found | set(relations))
    rows = np.asarray(candidates, dtype=np.int64).reshape(-1, 2)
    cosines = np.einsum("nd,nd->n", vectors[rows[:, 0]], vectors[rows[:, 1]]).tolist()
    for (i, j), cosine in zip(candidates, cosines, strict=True):
        a, b = initiatives[i], initiatives[j]
        cont = containment(hashed[i], hashed[j])
        relation = relations.get((i, j))
        share = title_share(title_words[i], title_words[j])
        scope = scope_evidence(a, b, phrases[i], phrases[j]) if phrases[i] & phrases[j] else None
        verdict = classify_pair(a, b, cont, cosine, settings, relation, share, scope)
        cls, reason = verdict if verdict else (None, _weak_reason(cont, cosine, relation))
        pair = OverlapPair(
            a=a.id,
            b=b.id,
            cls=cls or OverlapClass.THEMATIC,
            score=round(max(cont, cosine), 4),
            reason=reason,
            containment=round(cont, 4),
            cosine=round(cosine, 4),
            differs=describe_difference(a, b)
            if cls is not OverlapClass.SCOPE or scope is None
            else f"scope: {scope.describe(a.id, b.id)}; {describe_difference(a, b)}",
        )
        local = float(density[i] + density[j]) / 2
        look = look_score(
            cont,
            cosine,
            share,
            relation.kind.value if relation else None,
            local,
            cls.value if cls else None,
        )
        features = queue_features(
            a,
            b,
            containment=cont,
            cosine=cosine,
            density=local,
            share=share,
            phrases=len(scope.phrases) if scope else 0,
            relation=relation.kind.value if relation else None,
            cls=cls.value if cls else None,
            ranks=(rank_of.get((i, j), 99), rank_of.get((j, i), 99)),
            lexical=lexical_similarity(lexical[i], lexical[j]),
        )
        described = relation.describe() if relation else ""
        out.append(ScoredPair(pair, cls, look, described, tuple(features)))
    if queue_model is not None and out:
        looks = queue_model.probability(np.array([s.features for s in out])).round(4).tolist()
        out = [
            replace(s, look=round(with_twin_evidence(p, s.cls.value if s.cls else None), 4))
            for s, p in zip(out, looks, strict=True)
        ]
    return sorted(out, key=lambda s: (-s.look, s.pair.a, s.pair.b))


def _weak_reason(cont: float, cosine: float, relation: Relation | None) -> str:
    bits = [f"cosine {cosine:.2f}", f"{cont:.0%} shared phrasing"]
    if relation is not None:
        bits.append(relation.describe())
    return "below every class rule: " + ", ".join(bits)


def find_overlaps(
    initiatives: Sequence[Initiative],
    vectors: np.ndarray,
    settings: OverlapSettings | None = None,
) -> list[OverlapPair]:
    """All overlapping pairs (those a class rule holds for), strongest class first, then by score.

    Args:
        initiatives: The catalogue, in order.
        vectors: One unit vector per initiative (same order).
        settings: Class thresholds.
    """
    return classified_pairs(score_pairs(initiatives, vectors, settings))


def classified_pairs(scored: Sequence[ScoredPair]) -> list[OverlapPair]:
    """The pairs a class rule holds for, strongest class first, then by score."""
    found = [s.pair for s in scored if s.cls is not None]
    return sorted(found, key=lambda p: (_STRENGTH[p.cls], -p.score, p.a, p.b))


def cluster_overlaps(
    pairs: Sequence[OverlapPair],
    initiatives: Sequence[Initiative],
    *,
    max_cluster: int = OverlapSettings.max_cluster,
) -> list[OverlapCluster]:
    """Connected groups of overlapping initiatives, none larger than `max_cluster`.

    Copies, twins and families are joined first, strongest link first (class, then score); a
    link that would make a group larger than `max_cluster` is left out of the grouping (the pair
    itself is still listed), so a chain of weak links cannot pull a catalogue of 10,000 into
    one component. Thematic overlaps then form their own groups among the initiatives they
    link, so one generic neighbour does not chain every treatment programme into a single
    cluster: a thematic link joins two initiatives only when they are each other's strongest
    thematic match (mutual best) and neither is already in a copy, twin or family group.
    """
    by_id = {ini.id: ini for ini in initiatives}
    parent: dict[str, str] = {}
    size: dict[str, int] = {}

    def find(x: str) -> str:
        if x not in parent:
            parent[x], size[x] = x, 1
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry and size[rx] + size[ry] <= max_cluster:
            parent[rx] = ry
            size[ry] += size[rx]

    strong = sorted(
        (p for p in pairs if p.cls is not OverlapClass.THEMATIC),
        key=lambda p: (_STRENGTH[p.cls], -p.score, p.a, p.b),
    )
    for p in strong:
        union(p.a, p.b)
    best: dict[str, OverlapPair] = {}
    for p in pairs:
        if p.cls is OverlapClass.THEMATIC:
            for x in (p.a, p.b):
                if x not in best or p.score > best[x].score:
                    best[x] = p
    in_strong = {x for p in strong for x in (p.a, p.b)}
    for p in pairs:
        if (
            p.cls is OverlapClass.THEMATIC
            and best.get(p.a) is p
            and best.get(p.b) is p
            and not ({p.a, p.b} & in_strong)
        ):
            union(p.a, p.b)
    groups: dict[str, list[str]] = {}
    for x in list(parent):
        groups.setdefault(find(x), []).append(x)
    strongest: dict[str, OverlapClass] = {}
    for p in pairs:
        if p.a not in parent or p.b not in parent or (root := find(p.a)) != find(p.b):
            continue
        if root not in strongest or _STRENGTH[p.cls] < _STRENGTH[strongest[root]]:
            strongest[root] = p.cls
    clusters = []
    order = {ini.id: n for n, ini in enumerate(initiatives)}
    for root, members in groups.items():
        if len(members) < 2 or root not in strongest:
            continue
        members.sort(key=lambda x: order.get(x, 0))
        label = _label([by_id[m] for m in members])
        clusters.append(OverlapCluster(label, tuple(members), strongest[root]))
    return sorted(clusters, key=lambda c: (_STRENGTH[c.cls], -len(c.ids), c.ids))


def _label(members: Sequence[Initiative]) -> str:
    """A readable name: the programme name the titles share, else the title phrase two members
    share, else the title words most members use."""
    stems = [" ".join(title_stem_of(m.title)) for m in members]
    for m, stem in zip(members, stems, strict=True):
        if stem and sum(stem_similarity(stem.split(), o.split()) >= 0.8 for o in stems) >= 2:
            return shorten(TITLE_SPLIT.split(m.title, maxsplit=1)[0], 80)
    if len(members) == 2:
        phrase = shared_title_phrase(members[0].title, members[1].title)
        if phrase:
            return phrase.capitalize()
        return shorten(min((m.title for m in members), key=len), 70)
    counts: dict[str, int] = {}
    for m in members:
        for w in dict.fromkeys(w for w in words(m.title) if w not in TITLE_STOP and len(w) > 2):
            counts[w] = counts.get(w, 0) + 1
    common = [w for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2][:4]
    if common:
        return " / ".join(common)
    return shorten(members[0].title, 70)


def shorten(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-(") + "…"
