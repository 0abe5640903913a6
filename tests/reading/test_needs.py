from __future__ import annotations

import numpy as np
import pytest

from matcher.reading.needs import as_need, split_needs
from matcher.search.ordering import xquad_order


def texts(statement: str) -> list[str]:
    return [n.text for n in split_needs(statement)]


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            "postal fentanyl trafficking, no forensic lab",
            ["postal fentanyl trafficking", "forensic lab"],
        ),
        (
            "detector dogs for fentanyl at the airport",
            ["detector dogs for fentanyl at the airport"],
        ),
        (
            "treatment for women who use drugs, including pregnant women",
            ["treatment for women who use drugs, including pregnant women"],
        ),
        (
            "1) early warning system for NPS 2) toxicology lab capacity for blood samples",
            ["early warning system for NPS", "toxicology lab capacity for blood samples"],
        ),
        (
            "- draft a national drug strategy\n- brief members of parliament",
            ["draft a national drug strategy", "brief members of parliament"],
        ),
        (
            "container targeting at the seaport; detector dogs",
            ["container targeting at the seaport", "detector dogs"],
        ),
        (
            "fentanyl in express mail parcels, and illegal logging in our national parks",
            ["fentanyl in express mail parcels", "illegal logging in our national parks"],
        ),
    ],
)
def test_split_english(statement: str, expected: list[str]) -> None:
    assert texts(statement) == expected


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("no tenemos sistema de alerta temprana", ["sistema de alerta temprana"]),
        (
            "Necesitamos crear un sistema nacional de alerta temprana y capacitar a nuestros "
            "laboratorios forenses",
            [
                "crear un sistema nacional de alerta temprana",
                "capacitar a nuestros laboratorios forenses",
            ],
        ),
        (
            "Nous n'avons pas de données fiables. Nous voulons former les agents de santé",
            ["données fiables", "former les agents de santé"],
        ),
        (
            "Нужна оценка угрозы синтетических наркотиков и оценка доходов преступных групп",
            ["оценка угрозы синтетических наркотиков", "оценка доходов преступных групп"],
        ),
    ],
)
def test_split_other_languages(statement: str, expected: list[str]) -> None:
    assert texts(statement) == expected


def test_deficits_become_needs() -> None:
    assert as_need("no forensic lab") == "forensic lab"
    assert as_need("we don't have a naloxone programme") == "a naloxone programme"
    assert as_need("But our health workers lack training") == "our health workers lack training"


def test_repeated_needs_are_merged() -> None:
    assert texts("forensic lab capacity; forensic lab capacity") == ["forensic lab capacity"]


def test_xquad_serves_every_need_before_a_second_for_one() -> None:
    # items 0-2 serve need A well, item 3 serves need B, item 4 serves nothing
    whole = np.array([1.0, 0.95, 0.9, 0.6, 0.1])
    relevance = np.array([[1.0, 0.95, 0.9, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0, 0.0]])
    order = xquad_order(whole, relevance, np.array([1.0, 1.0]), 4, lam=0.7)
    assert order == [0, 3, 1, 2]


def test_xquad_single_need_keeps_relevance_order() -> None:
    whole = np.array([0.2, 0.9, 0.5])
    order = xquad_order(whole, whole[None, :], np.array([1.0]), 3, lam=0.7)
    assert order == [1, 2, 0]
