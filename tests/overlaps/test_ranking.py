"""The review queue's fitted order: the model file's contract, the features, and that the
queue is ordered by the model (or by the hand-set noisy-or without one)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matcher.catalogue.model import Initiative
from matcher.errors import MatcherError
from matcher.overlaps.detect import score_pairs
from matcher.overlaps.ranking import (
    QUEUE_FEATURES,
    QueueModel,
    lexical_similarity,
    load_queue_model,
    look_score,
    queue_features,
    shipped_queue_model,
    word_weights,
)

ROOT = Path(__file__).resolve().parents[2]


def ini(id_: str, title: str, text: str, swg: str = "1.2") -> Initiative:
    return Initiative(id_, title, swg, "Trafficking", int(swg[0]), text)


ITEMS = [
    ini("1001", "Precursor profiling", "Customs officers profile precursor chemical shipments."),
    ini("1002", "Precursor targeting", "Customs officers target precursor chemical shipments."),
    ini("3001", "Family skills", "Parents learn skills that prevent drug use in children.", "3.1"),
]
VECTORS = np.array([[1.0, 0.0], [0.9, 0.436], [0.0, 1.0]], dtype=np.float32)


def test_features_are_in_the_declared_order() -> None:
    a, b = ITEMS[0], ITEMS[1]
    row = queue_features(
        a, b, containment=0.5, cosine=0.9, density=0.3, share=0.25, phrases=3,
        relation="names", cls="family", ranks=(0, 2), lexical=0.4,
    )  # fmt: skip
    got = dict(zip(QUEUE_FEATURES, row, strict=True))
    assert got["containment"] == 0.5 and got["meaning"] == pytest.approx(1.0)
    assert got["names"] == 1.0 and got["same_name"] == 0.0 and got["class_family"] == 1.0
    assert got["template"] == pytest.approx(np.log1p(3))
    assert got["neighbour_rank"] == 1.0 and got["mutual_neighbours"] == 1.0
    assert got["same_sub_working_group"] == 1.0
    assert got["cosine_x_same_sub_working_group"] == pytest.approx(0.9)
    assert got["lexical_x_cosine"] == pytest.approx(0.36)


def test_shared_specific_words_count_more_than_common_ones() -> None:
    weights = word_weights([i.text for i in ITEMS])
    assert lexical_similarity(weights[0], weights[1]) > lexical_similarity(weights[0], weights[2])
    assert lexical_similarity(weights[0], weights[0]) == pytest.approx(1.0)


def test_the_queue_follows_the_model_and_without_one_the_noisy_or() -> None:
    width = len(QUEUE_FEATURES)
    coef = np.zeros(width)
    coef[QUEUE_FEATURES.index("same_pillar")] = -5.0  # a model that prefers across pillars
    model = QueueModel(coef, 0.0, np.zeros(width), np.ones(width), {})
    by_model = score_pairs(ITEMS, VECTORS, model=model)
    assert all(s.look == pytest.approx(float(model.probability(np.array(s.features))[0]), abs=1e-4)
               for s in by_model)  # fmt: skip
    assert [s.look for s in by_model] == sorted((s.look for s in by_model), reverse=True)
    assert {by_model[0].a, by_model[0].b} & {"3001"}  # the model's choice comes first
    plain = score_pairs(ITEMS, VECTORS, model=None)  # the hand-set noisy-or: the close pair
    assert (plain[0].a, plain[0].b) == ("1001", "1002")
    assert all(0.0 <= s.look <= 1.0 for s in plain)


def test_the_noisy_or_adds_evidence() -> None:
    assert look_score(0.0, 0.5, 0.0, None, 0.5) == 0.0  # no closer than its neighbourhood
    assert look_score(0.0, 0.8, 0.0, None, 0.5) == 1.0  # 0.3 above it
    assert look_score(0.2, 0.5, 0.0, "names", 0.5) == pytest.approx(1 - 0.8 * 0.4)
    assert look_score(0.0, 0.5, 0.0, None, 0.5, "family") == pytest.approx(0.8)


def test_the_shipped_model_says_where_it_came_from() -> None:
    model = shipped_queue_model()
    assert model is not None
    assert model.coef.shape == (len(QUEUE_FEATURES),)
    labels = json.loads((ROOT / model.provenance["labels"]).read_text(encoding="utf-8"))  # type: ignore[operator]
    assert model.provenance["pairs"] == len(labels["pairs"])
    assert model.provenance["worth_a_look"] == sum(p["label"] for p in labels["pairs"])
    judged = json.loads((ROOT / "scripts/data/overlap_judgements.json").read_text("utf-8"))
    held_out = {tuple(sorted(p)) for k in ("verbatim", "twins", "thematic") for p in judged[k]}
    assert not held_out & {tuple(sorted((p["a"], p["b"]))) for p in labels["pairs"]}


def test_a_model_file_for_other_features_is_refused(tmp_path: Path) -> None:
    model = QueueModel(np.zeros(2), 0.0, np.zeros(2), np.ones(2), {})
    data = model.to_dict() | {"features": ["containment", "cosine"]}
    path = tmp_path / "queue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(MatcherError, match="fit_queue_ranking"):
        load_queue_model(str(path))
    width = len(QUEUE_FEATURES)
    good = QueueModel(np.ones(width), 0.5, np.zeros(width), np.ones(width), {"x": 1})
    path.write_text(json.dumps(good.to_dict()), encoding="utf-8")
    again = load_queue_model(str(path))
    assert again.intercept == 0.5 and again.provenance == {"x": 1}


def test_a_flagged_twin_stays_first_whatever_the_model_says() -> None:
    from matcher.overlaps.ranking import with_twin_evidence

    assert with_twin_evidence(0.0, "verbatim") == 1.0
    assert with_twin_evidence(0.1, "different-scope") == pytest.approx(1 - 0.9 * 0.1)
    assert with_twin_evidence(0.1, "family") == 0.1 and with_twin_evidence(0.1, None) == 0.1
    copies = [*ITEMS, ini("1003", "Precursor profiling again", ITEMS[0].text)]
    vectors = np.vstack([VECTORS, VECTORS[:1]])
    width = len(QUEUE_FEATURES)
    against = QueueModel(np.zeros(width), -8.0, np.zeros(width), np.ones(width), {})
    first = score_pairs(copies, vectors, model=against)[0]
    assert (first.a, first.b) == ("1001", "1003") and first.look == 1.0
