"""Reading a statement: cue features, the clause model, kinds, context, and the whole reading."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.reading.clauses import split_clauses
from matcher.reading.statement import (
    CUE_FEATURES,
    ClauseKind,
    ClauseModel,
    ReadClause,
    Reading,
    cue_features,
    decide_kinds,
    fit_clause_model,
    read_context,
    read_statement,
)
from tests.conftest import HashingEncoder, fake_calibration
from tests.fuzzing import examples

Reader = Callable[[str], Reading]


@pytest.fixture
def read(fake_encoders: dict[str, HashingEncoder]) -> Reader:
    """read_statement with conftest's hand-written clause model and its hashing encoder."""
    model = fake_calibration(fake_encoders).clause_model
    encoder = fake_encoders["use"]
    return lambda statement: read_statement(statement, model, encoder.encode)


def features(statement: str) -> list[dict[str, float]]:
    clauses = split_clauses(statement)
    rows = cue_features(clauses, statement)
    return [dict(zip(CUE_FEATURES, map(float, row), strict=True)) for row in rows]


# --- cue features ---------------------------------------------------------------------------


def test_cue_features_of_a_hand_written_statement() -> None:
    statement = "Hello. I need dogs?"
    rows = cue_features(split_clauses(statement), statement)
    assert rows.shape == (2, len(CUE_FEATURES))
    hello, need = features(statement)
    assert hello == {
        "request": 0.0, "deficit": 0.0, "self": 0.0, "existing": 0.0, "greeting": 1.0,
        "first": 1.0, "last": 0.0, "position": 0.0, "only": 0.0, "header": 0.0,
        "question": 0.0, "log_words": 0.0, "starts_join": 0.0, "list_item": 0.0,
    }  # fmt: skip
    assert need == {
        "request": 1.0, "deficit": 0.0, "self": 1.0, "existing": 0.0, "greeting": 0.0,
        "first": 0.0, "last": 1.0, "position": 1.0, "only": 0.0, "header": 0.0,
        "question": 1.0, "log_words": pytest.approx(math.log(3)), "starts_join": 0.0,
        "list_item": 0.0,
    }  # fmt: skip


def test_cue_features_of_a_header_a_list_and_a_join() -> None:
    statement = (
        "Peru – Drug Police:\n- we lack dogs\n"
        "- we already have scanners, but we need training for the officers"
    )
    rows = features(statement)
    assert [c.text for c in split_clauses(statement)] == [
        "Peru – Drug Police:",
        "we lack dogs",
        "we already have scanners",
        "but we need training for the officers",
    ]
    assert [r["header"] for r in rows] == [1, 0, 0, 0]
    assert [r["list_item"] for r in rows] == [0, 1, 1, 0]
    assert [r["starts_join"] for r in rows] == [0, 1, 1, 1]  # "we" and "but" open clauses
    assert [r["deficit"] for r in rows] == [0, 1, 0, 0]
    assert [r["existing"] for r in rows] == [0, 0, 1, 0]
    assert [r["request"] for r in rows] == [0, 0, 0, 1]
    assert [r["position"] for r in rows] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert [r["only"] for r in rows] == [0, 0, 0, 0]


def test_a_single_clause_is_first_last_and_only() -> None:
    [row] = features("detector dogs")
    assert (row["first"], row["last"], row["only"], row["position"]) == (1, 1, 1, 0)
    assert row["log_words"] == pytest.approx(math.log(2))


@pytest.mark.parametrize(
    ("statement", "cue"),
    [
        ("Necesitamos perros detectores", "request"),
        ("Il nous manque des laboratoires", "deficit"),
        ("Já temos uma estratégia nacional", "existing"),
        ("Я работаю в таможне", "self"),
        ("شكرا جزيلا لكم", "greeting"),
        ("هل يمكنكم مساعدتنا؟", "question"),
    ],
)
def test_cue_features_read_each_language(statement: str, cue: str) -> None:
    [row] = features(statement)
    assert row[cue] == 1.0


def test_no_clauses_give_an_empty_feature_matrix() -> None:
    assert cue_features([], "").shape == (0, len(CUE_FEATURES))


@pytest.mark.parametrize(
    "statement",
    [
        "We need:\n1) detector dogs\n2) scanners",
        "نحتاج إلى:\n١- كلاب كشف\n٢- أجهزة مسح",
        "We need:\n  - detector dogs\n  - scanners",
    ],
    ids=["numbered", "arabic-indic", "indented"],
)
def test_numbered_and_indented_items_are_list_items(statement: str) -> None:
    assert [r["list_item"] for r in features(statement)] == [0, 1, 1]


# --- the clause model -----------------------------------------------------------------------

# three classes, each at its own corner of the plane; the cue features carry nothing
_POINTS = np.array(
    [[2.0, 0.0], [1.8, 0.3], [2.2, -0.2], [0.0, 2.0], [0.2, 1.8], [-0.1, 2.2],
     [-2.0, -2.0], [-1.7, -2.1], [-2.2, -1.8]]
)  # fmt: skip
_LABELS = ["need"] * 3 + ["context"] * 3 + ["other"] * 3


def _no_cues(n: int) -> np.ndarray:
    return np.zeros((n, len(CUE_FEATURES)))


def _fit(points: np.ndarray, labels: list[str]) -> ClauseModel:
    return fit_clause_model(
        points, _no_cues(len(points)), labels, c=10.0, encoder="use", fingerprint="fp-1"
    )


def test_a_fitted_clause_model_predicts_its_training_points() -> None:
    model = _fit(_POINTS, _LABELS)
    assert model.classes == ("context", "need", "other")
    p = model.probabilities(_POINTS, _no_cues(len(_POINTS)))
    assert p.shape == (9, 3)
    assert p.sum(axis=1) == pytest.approx(np.ones(9))
    assert [model.classes[i] for i in p.argmax(axis=1)] == _LABELS
    # the constant cue features got a unit scale rather than a division by zero
    assert model.cue_scale == pytest.approx(np.ones(len(CUE_FEATURES)))


def test_the_clause_model_agrees_with_sklearn() -> None:
    from sklearn.linear_model import LogisticRegression

    model = _fit(_POINTS, _LABELS)
    reference = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
    reference.fit(np.hstack([_POINTS, _no_cues(9)]), _LABELS)
    probe = np.array([[1.0, 1.0], [0.0, 0.0], [-1.0, 0.5]])
    expected = reference.predict_proba(np.hstack([probe, _no_cues(3)]))
    assert model.probabilities(probe, _no_cues(3)) == pytest.approx(expected, abs=1e-6)


def test_a_two_class_model_keeps_a_row_per_class_and_agrees_with_sklearn() -> None:
    from sklearn.linear_model import LogisticRegression

    points, labels = _POINTS[:6], _LABELS[:6]
    model = _fit(points, labels)
    assert model.classes == ("context", "need")
    assert model.coef.shape == (2, 2 + len(CUE_FEATURES))
    reference = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
    reference.fit(np.hstack([points, _no_cues(6)]), labels)
    probe = np.array([[1.0, 1.0], [3.0, -1.0], [-1.0, 3.0]])
    expected = reference.predict_proba(np.hstack([probe, _no_cues(3)]))
    assert model.probabilities(probe, _no_cues(3)) == pytest.approx(expected, abs=1e-6)


def test_the_clause_model_round_trips_through_json() -> None:
    model = _fit(_POINTS, _LABELS)
    again = ClauseModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert (again.classes, again.encoder, again.fingerprint) == (model.classes, "use", "fp-1")
    cues = np.random.default_rng(0).normal(size=(9, len(CUE_FEATURES)))
    before = model.probabilities(_POINTS, cues)
    after = again.probabilities(_POINTS, cues)
    assert after == pytest.approx(before, abs=1e-5)  # to_dict keeps six decimals
    # and once written, the model reads back exactly as it was
    third = ClauseModel.from_dict(json.loads(json.dumps(again.to_dict())))
    assert np.array_equal(third.probabilities(_POINTS, cues), after)


def test_a_clause_model_for_other_cue_features_is_refused() -> None:
    data = _fit(_POINTS, _LABELS).to_dict()
    data["cue_features"] = data["cue_features"][:-1]
    with pytest.raises(ValueError, match="other cue features"):
        ClauseModel.from_dict(data)


# --- deciding kinds -------------------------------------------------------------------------

_CLASSES = ("context", "need", "other")


def test_each_clause_takes_its_most_probable_kind() -> None:
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7]])
    assert decide_kinds(p, _CLASSES) == [ClauseKind.CONTEXT, ClauseKind.NEED, ClauseKind.OTHER]


def test_a_statement_of_context_alone_has_no_need() -> None:
    # a self-introduction is never promoted to a need (and then reported as a gap)
    p = np.array([[0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.1, 0.2, 0.7]])
    assert decide_kinds(p, _CLASSES) == [ClauseKind.CONTEXT, ClauseKind.CONTEXT, ClauseKind.OTHER]


def test_a_single_clause_read_as_context_is_the_need() -> None:
    p = np.array([[0.6, 0.3, 0.1]])
    assert decide_kinds(p, _CLASSES) == [ClauseKind.NEED]


def test_no_need_is_forced_when_the_model_has_no_need_class() -> None:
    p = np.array([[0.6, 0.4], [0.3, 0.7]])
    assert decide_kinds(p, ("context", "other")) == [ClauseKind.CONTEXT, ClauseKind.OTHER]


def test_no_clauses_have_no_kinds() -> None:
    assert decide_kinds(np.zeros((0, 3)), _CLASSES) == []


_ROWS = st.lists(
    st.lists(st.floats(0.01, 1.0), min_size=3, max_size=3), min_size=1, max_size=8
).map(np.array)


@pytest.mark.fuzz
@settings(max_examples=examples(200), deadline=None)
@given(_ROWS)
def test_only_a_lone_context_clause_is_overruled(p: np.ndarray) -> None:
    kinds = decide_kinds(p, _CLASSES)
    changed = [i for i, k in enumerate(kinds) if k.value != _CLASSES[int(np.argmax(p[i]))]]
    if len(p) == 1 and _CLASSES[int(np.argmax(p[0]))] == "context":
        assert kinds == [ClauseKind.NEED]
    else:
        assert changed == []


# --- reading whole statements with the hand-written model -----------------------------------

_INTRODUCED = [
    (
        "Hello. I am the head of the drug unit of the national police in Peru. "
        "We already have a forensic lab. We need training for our officers.",
        "police",
        "Andean",
    ),
    (
        "Hola. Soy jefe de la Policía Nacional del Perú. Ya tenemos un laboratorio. "
        "Necesitamos capacitación para los agentes.",
        "police",
        "Andean",
    ),
    (
        "Bonjour. Je dirige le service des douanes du Sénégal. Nous avons déjà des scanners. "
        "Nous avons besoin de chiens détecteurs.",
        "customs",
        "West Africa",
    ),
    (
        "Olá. Trabalho no Ministério da Saúde de Moçambique. Já temos uma estratégia nacional. "
        "Precisamos de apoio para tratamento.",
        "health ministry",
        "Southern Africa",
    ),
    (
        "Здравствуйте. Я работаю в таможне Республики Казахстан. У нас уже есть сканеры. "
        "Нам нужны собаки.",
        "customs",
        "Central Asia",
    ),
    (
        "مرحبا. أعمل في وزارة الصحة في الأردن. لدينا بالفعل مختبر. نحتاج إلى تدريب.",
        "health ministry",
        "Middle East",
    ),
]


@pytest.mark.parametrize(
    ("statement", "actor", "region"), _INTRODUCED, ids=["en", "es", "fr", "pt", "ru", "ar"]
)
def test_a_greeting_an_introduction_what_exists_and_a_need(
    read: Reader, statement: str, actor: str, region: str
) -> None:
    reading = read(statement)
    _greeting, intro, existing, need = reading.clauses
    assert [c.kind for c in reading.clauses] == [
        ClauseKind.OTHER,
        ClauseKind.CONTEXT,
        ClauseKind.CONTEXT,
        ClauseKind.NEED,
    ]
    # the self-introduction is context, never a need
    assert all(n not in intro.text for n in reading.needs)
    assert len(reading.needs) == 1 and reading.needs[0] in need.text
    assert reading.need_clauses == (3,)
    assert reading.context.existing == (existing.text,)
    assert actor in reading.context.actors
    # the writer's country is shown; its region steers the ranking
    assert len(reading.context.places) == 1
    assert reading.regions == (region,)
    for clause in reading.clauses:
        assert statement[clause.start : clause.end] == clause.text
        assert 0.5 < clause.probability <= 1.0


def test_a_clause_probability_is_the_model_probability_of_its_kind(
    fake_encoders: dict[str, HashingEncoder],
) -> None:
    model = fake_calibration(fake_encoders).clause_model
    statement = "Thank you. We need dogs."
    reading = read_statement(statement, model, fake_encoders["use"].encode)
    clauses = split_clauses(statement)
    p = model.probabilities(
        fake_encoders["use"].encode([c.text for c in clauses]), cue_features(clauses, statement)
    )
    assert [c.probability for c in reading.clauses] == [
        round(float(p[0, 2]), 4),
        round(float(p[1, 1]), 4),
    ]
    assert [c.kind for c in reading.clauses] == [ClauseKind.OTHER, ClauseKind.NEED]


def test_aspects_carry_every_clause_with_its_need_probability(read: Reader) -> None:
    reading = read(_INTRODUCED[0][0])
    assert [a.clause for a in reading.aspects] == [0, 1, 2, 3]
    assert [a.is_need for a in reading.aspects] == [False, False, False, True]
    need_aspect = reading.aspects[3]
    assert need_aspect.p_need == pytest.approx(reading.clauses[3].probability, abs=1e-4)
    assert all(a.p_need < 0.5 for a in reading.aspects[:3])


def test_a_greeting_alone_has_no_need_and_a_bare_phrase_is_one(read: Reader) -> None:
    reading = read("Thank you.")
    assert [c.kind for c in reading.clauses] == [ClauseKind.OTHER]
    assert reading.needs == ()
    # a phrase typed into a search box is what the user wants, whatever the model says
    phrase = read("detector dogs")
    assert [c.kind for c in phrase.clauses] == [ClauseKind.NEED]
    assert phrase.needs == ("detector dogs",)


def test_a_greeting_is_other(read: Reader) -> None:
    reading = read("Dear colleagues, thank you. We lack forensic laboratories.")
    assert reading.clauses[0].kind is ClauseKind.OTHER
    assert reading.clauses[-1].kind is ClauseKind.NEED


def test_a_list_of_needs_after_a_header(read: Reader) -> None:
    reading = read("Customs of Ghana:\n- we need detector dogs\n- we need scanners")
    assert [c.kind for c in reading.clauses] == [
        ClauseKind.CONTEXT,
        ClauseKind.NEED,
        ClauseKind.NEED,
    ]
    assert len(reading.needs) == 2
    assert reading.need_clauses == (1, 2)
    assert reading.context.actors == ("customs",)


def test_places_are_read_from_need_clauses_too(read: Reader) -> None:
    reading = read("We need training for prison staff in Peru")
    assert reading.context.places == ("Peru",)
    assert reading.regions == ("Andean",)


def test_the_writer_is_where_the_first_place_is(read: Reader) -> None:
    reading = read("I work for the police in Chile. Cocaine arrives from Bolivia and Nigeria.")
    assert reading.context.places == ("Chile", "Bolivia", "Nigeria")
    assert reading.regions == ("Andean",)  # not West Africa: Nigeria is where drugs come from


def test_an_empty_statement_has_no_clauses(read: Reader) -> None:
    reading = read("")
    assert reading.clauses == ()
    assert reading.aspects == ()


# --- context --------------------------------------------------------------------------------


def _clause(statement: str, text: str, kind: ClauseKind) -> ReadClause:
    start = statement.index(text)
    return ReadClause(text, start, start + len(text), kind, 0.9)


def test_actors_and_what_exists_come_from_context_clauses_only() -> None:
    statement = "I work for the national police. We have no customs dogs. We need a hospital."
    clauses = [
        _clause(statement, "I work for the national police.", ClauseKind.CONTEXT),
        _clause(statement, "We have no customs dogs.", ClauseKind.NEED),
        _clause(statement, "We need a hospital.", ClauseKind.NEED),
    ]
    context = read_context(statement, clauses)
    assert context.actors == ("police",)  # not customs or health ministry: those are needs
    assert context.existing == ()


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Trabajo en la aduana de Guayaquil.", "customs"),
        ("Je suis procureur au parquet de Dakar.", "prosecutors"),
        ("Trabalho na Polícia Federal.", "police"),
        ("Я работаю в минздраве.", "health ministry"),
        ("أعمل في الجمارك.", "customs"),
        ("I am a judge in the district court.", "judiciary"),
    ],
)
def test_who_is_writing_in_six_languages(text: str, actor: str) -> None:
    statement = text + " We need training."
    clauses = [
        _clause(statement, text, ClauseKind.CONTEXT),
        _clause(statement, "We need training.", ClauseKind.NEED),
    ]
    assert read_context(statement, clauses).actors == (actor,)


@pytest.mark.parametrize(
    "text",
    [
        "We already have a national drug observatory.",
        "Ya contamos con un observatorio nacional.",
        "Nous disposons déjà d'un observatoire national.",
        "Já temos um observatório nacional.",
        "У нас уже есть национальный наркологический центр.",
        "لدينا بالفعل مرصد وطني للمخدرات.",
    ],
)
def test_what_exists_is_read_into_context(text: str) -> None:
    statement = text + " We need training."
    clauses = [
        _clause(statement, text, ClauseKind.CONTEXT),
        _clause(statement, "We need training.", ClauseKind.NEED),
    ]
    assert read_context(statement, clauses).existing == (text,)


def test_what_exists_does_not_say_who_is_writing(read: Reader) -> None:
    reading = read(_INTRODUCED[0][0])
    assert reading.context.actors == ("police",)
