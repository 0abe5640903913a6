"""split_clauses: where a statement is cut, in the six languages, and that spans stay exact."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.reading.clauses import Clause, split_clauses
from tests.fuzzing import examples


def texts(statement: str) -> list[str]:
    return [c.text for c in split_clauses(statement)]


def assert_spans(statement: str, clauses: list[Clause]) -> None:
    """Every clause is the slice of the statement its span names, in order, without overlap."""
    end = 0
    for clause in clauses:
        assert statement[clause.start : clause.end] == clause.text
        assert clause.start < clause.end
        assert clause.start >= end
        end = clause.end
    assert end <= len(statement)


# --- hard boundaries: lines, list markers, semicolons, bullets ------------------------------


def test_newline_list_items_are_clauses_with_exact_spans() -> None:
    statement = "We need:\n- detector dogs\n- scanners\n- training for officers"
    clauses = split_clauses(statement)
    assert [c.text for c in clauses] == [
        "We need:",
        "detector dogs",
        "scanners",
        "training for officers",
    ]
    assert [(c.start, c.end) for c in clauses] == [(0, 8), (11, 24), (27, 35), (38, 59)]
    assert_spans(statement, clauses)


def test_a_short_list_item_is_not_joined_to_its_neighbour() -> None:
    # "scanners" is one word, under the three a comma fragment needs, but a list item stands
    assert texts("Needs:\n- detector dogs\n- scanners") == ["Needs:", "detector dogs", "scanners"]


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "Our priorities are 1) detector dogs 2) drug checking kits 3) training for the police",
            [
                "Our priorities are",
                "detector dogs",
                "drug checking kits",
                "training for the police",
            ],
        ),
        (
            "Нам нужны: 1) собаки 2) сканеры 3) обучение сотрудников таможни",
            ["Нам нужны:", "собаки", "сканеры", "обучение сотрудников таможни"],
        ),
        (
            "Precisamos de (a) cães farejadores (b) scanners (c) formação",
            ["Precisamos de", "cães farejadores", "scanners", "formação"],
        ),
    ],
    ids=["en", "ru", "pt-letters"],
)
def test_inline_numbered_lists_are_cut_at_each_marker(statement: str, expected: list[str]) -> None:
    clauses = split_clauses(statement)
    assert [c.text for c in clauses] == expected
    assert_spans(statement, clauses)


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "We need scanners; detector dogs; training for customs officers",
            ["We need scanners", "detector dogs", "training for customs officers"],
        ),
        (
            "Necesitamos: perros detectores; escáneres; capacitación para los aduaneros",
            ["Necesitamos: perros detectores", "escáneres", "capacitación para los aduaneros"],
        ),
        (
            "Nous avons besoin de chiens détecteurs ; de scanners ; de formation pour les douaniers",
            [
                "Nous avons besoin de chiens détecteurs",
                "de scanners",
                "de formation pour les douaniers",
            ],
        ),
    ],
    ids=["en", "es", "fr"],
)
def test_semicolon_items_are_clauses(statement: str, expected: list[str]) -> None:
    clauses = split_clauses(statement)
    assert [c.text for c in clauses] == expected
    assert_spans(statement, clauses)


def test_arabic_semicolon_items_are_clauses() -> None:
    statement = "نحتاج إلى كلاب كشف المخدرات؛ أجهزة مسح حديثة؛ تدريب الموظفين"
    assert texts(statement) == ["نحتاج إلى كلاب كشف المخدرات", "أجهزة مسح حديثة", "تدريب الموظفين"]


def test_inline_bullets_are_clauses() -> None:
    statement = "Нам нужно • собаки-детекторы • сканеры"
    clauses = split_clauses(statement)
    assert [c.text for c in clauses] == ["Нам нужно", "собаки-детекторы", "сканеры"]
    assert_spans(statement, clauses)


def test_arabic_indic_numbered_items_are_clauses() -> None:
    statement = "نحتاج إلى:\n١- كلاب كشف المخدرات\n٢- أجهزة مسح"
    clauses = split_clauses(statement)
    assert [c.text for c in clauses] == ["نحتاج إلى:", "كلاب كشف المخدرات", "أجهزة مسح"]
    # the item marker and its dash stay outside the clause
    assert statement[clauses[1].start - 3 : clauses[1].start] == "١- "
    assert_spans(statement, clauses)


def test_a_lone_list_item_loses_its_marker() -> None:
    assert texts("1) detector dogs") == ["detector dogs"]
    assert texts("- dogs\n- scans") == ["dogs", "scans"]


# --- headers and sentences ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "header", "rest"),
    [
        (
            "Bhutan: we need detector dogs for the border",
            "Bhutan:",
            "we need detector dogs for the border",
        ),
        ("TR CNA: we need help", "TR CNA:", "we need help"),
    ],
)
def test_a_short_header_before_a_colon_is_its_own_clause(
    statement: str, header: str, rest: str
) -> None:
    # one or two words, under the minimum a clause needs, yet kept: it says who is writing
    assert texts(statement) == [header, rest]


@pytest.mark.parametrize(
    ("statement", "need"),
    [
        (
            "Cambodia – National Authority for Combating Drugs: we need help with treatment",
            "we need help with treatment",
        ),
        (
            "Sénégal – Office central des stupéfiants : nous avons besoin de chiens.",
            "nous avons besoin de chiens.",
        ),
    ],
    ids=["en", "fr"],
)
def test_a_country_office_header_is_cut_from_the_need(statement: str, need: str) -> None:
    clauses = split_clauses(statement)
    assert clauses[-1].text == need
    assert all(need not in c.text for c in clauses[:-1])
    assert clauses[-2].text.rstrip().endswith(":")
    assert_spans(statement, clauses)


def test_a_country_office_header_is_one_clause() -> None:
    statement = "Cambodia – National Authority for Combating Drugs: we need help with treatment"
    assert texts(statement) == [
        "Cambodia – National Authority for Combating Drugs:",
        "we need help with treatment",
    ]


def test_sentences_are_clauses() -> None:
    statement = (
        "Hello. I am the head of the drug unit in Lima. We already have a lab. We need training."
    )
    assert texts(statement) == [
        "Hello.",
        "I am the head of the drug unit in Lima.",
        "We already have a lab.",
        "We need training.",
    ]


def test_a_short_sentence_joins_the_one_before() -> None:
    assert texts("We need dogs. OK. And scanners for the ports of entry.") == [
        "We need dogs. OK.",
        "And scanners for the ports of entry.",
    ]


def test_a_bracket_is_its_own_clause() -> None:
    statement = "We run 3 clinics in Lima (2 are new) and need staff."
    assert texts(statement) == ["We run 3 clinics in Lima", "(2 are new)", "and need staff."]


# --- commas and conjunctions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "We have a national strategy, but we lack trained staff in the provinces",
            ["We have a national strategy", "but we lack trained staff in the provinces"],
        ),
        (
            "The ministry runs three clinics, and we need more funding for the rural areas",
            ["The ministry runs three clinics", "and we need more funding for the rural areas"],
        ),
        (
            "Tenemos una estrategia nacional, pero nos faltan laboratorios forenses",
            ["Tenemos una estrategia nacional", "pero nos faltan laboratorios forenses"],
        ),
        (
            "Nous avons une stratégie nationale, mais nous manquons de laboratoires",
            ["Nous avons une stratégie nationale", "mais nous manquons de laboratoires"],
        ),
        (
            "Temos uma estratégia nacional, mas precisamos de laboratórios forenses",
            ["Temos uma estratégia nacional", "mas precisamos de laboratórios forenses"],
        ),
        (
            "У нас есть национальная стратегия, но нам нужны лаборатории",
            ["У нас есть национальная стратегия", "но нам нужны лаборатории"],
        ),
        (
            "لدينا استراتيجية وطنية، ونحتاج إلى تدريب الموظفين في المحافظات",
            ["لدينا استراتيجية وطنية", "ونحتاج إلى تدريب الموظفين في المحافظات"],
        ),
    ],
    ids=["en-but", "en-and-we", "es", "fr", "pt", "ru", "ar"],
)
def test_a_comma_before_a_new_clause_cuts(statement: str, expected: list[str]) -> None:
    clauses = split_clauses(statement)
    assert [c.text for c in clauses] == expected
    assert_spans(statement, clauses)


@pytest.mark.parametrize(
    "statement",
    [
        "In Lima, we need help.",
        "En Lima, necesitamos perros detectores.",
        "We need dogs, scanners and kits for the border posts",
    ],
)
def test_a_short_comma_fragment_is_not_cut_off(statement: str) -> None:
    assert texts(statement) == [statement]


def test_surrounding_whitespace_is_trimmed_from_the_span() -> None:
    statement = "  leading spaces, and we need dogs for the border   "
    [clause] = split_clauses(statement)
    assert (clause.start, clause.end) == (2, 49)
    assert clause.text == "leading spaces, and we need dogs for the border"


@pytest.mark.parametrize("statement", ["", "   ", "\n\t \n", " - \n ; "])
def test_nothing_to_read_gives_no_clauses(statement: str) -> None:
    assert split_clauses(statement) == []


# --- properties -----------------------------------------------------------------------------

# pieces that exercise every cut: markers, separators, joins, Arabic digits and punctuation
_PIECES = st.sampled_from(
    [*"ab c,;:.!?()-–—•*\n\t1١؛،وxé", "and ", "we ", ", but ", "1) ", "\n- ", ": ", "(a) "]
)
_ANY_TEXT = st.one_of(st.text(), st.lists(_PIECES, max_size=40).map("".join))


@pytest.mark.fuzz
@settings(max_examples=examples(400), deadline=None)
@given(_ANY_TEXT)
def test_spans_are_ordered_disjoint_non_empty_slices(statement: str) -> None:
    clauses = split_clauses(statement)
    assert_spans(statement, clauses)
    for clause in clauses:
        assert re.search(r"[^\W_]", clause.text), "a clause holds at least one word"
        assert clause.text[0] not in " \t\r\n" and clause.text[-1] not in " \t\r\n"


_WORDS = st.lists(
    st.text(
        alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Lo")), min_size=1, max_size=8
    ),
    min_size=1,
    max_size=12,
).map(" ".join)


@pytest.mark.fuzz
@settings(max_examples=examples(200), deadline=None)
@given(_WORDS)
def test_plain_words_without_punctuation_are_one_clause(statement: str) -> None:
    assert texts(statement) == [statement]
