"""Same programme, different scope: two records written from one template, one naming a
narrower population; and what it is not (a methodology sentence shared by two subjects)."""

from __future__ import annotations

import numpy as np

from matcher.catalogue.model import Initiative
from matcher.overlaps.detect import OverlapClass, score_pairs
from matcher.overlaps.scope import exclusive_phrases, scope_evidence

METHOD = (
    "The methodology integrates theoretical lessons with practical exercises to ensure the "
    "application of learned techniques."
)


def ini(id_: str, title: str, text: str, regions: tuple[str, ...] = ()) -> Initiative:
    return Initiative(id_, title, "1.2", "Trafficking", 1, text, (), regions)


def catalogue() -> list[Initiative]:
    return [
        ini(
            "1001",
            "Training Program on the Detection and Identification of Synthetic Opioids",
            "This program meets the urgent need for practical skills in the detection and "
            "identification of synthetic opioids. Law enforcement agents of every agency learn "
            "to recognise packaging, test kits and shipment patterns. " + METHOD,
        ),
        ini(
            "1002",
            "Analysis of Synthetic Opioids for Forensic Experts",
            "This program meets the urgent need for laboratory skills in the detection and "
            "identification of synthetic opioids in seized samples. Chemists in police "
            "laboratories work with reference standards and mass spectra.",
        ),
        ini(
            "1003",
            "Financial Investigation Course for Customs",
            "Customs investigators follow the money behind cross-border smuggling networks and "
            "seize assets. " + METHOD,
        ),
        ini(
            "1004",
            "Community Gardens for Recovery",
            "Neighbourhood gardens give people in recovery a place to meet and grow food.",
        ),
    ]


def vectors() -> np.ndarray:
    """1001 close to 1002 and to 1003 (cosine 0.8), 1004 apart from all."""
    v = np.zeros((4, 3), dtype=np.float32)
    v[0] = [1.0, 0.0, 0.0]
    v[1] = [0.8, 0.6, 0.0]
    v[2] = [0.8, -0.6, 0.0]
    v[3] = [0.0, 0.0, 1.0]
    return v


def by_pair(initiatives: list[Initiative]) -> dict[tuple[str, str], object]:
    return {(s.a, s.b): s for s in score_pairs(initiatives, vectors())}


def test_one_template_and_a_narrower_audience_is_the_same_programme_in_another_scope() -> None:
    scored = by_pair(catalogue())[("1001", "1002")]
    assert scored.cls is OverlapClass.SCOPE
    assert "same programme, different scope" in scored.pair.reason
    assert "1002 names analysis forensic experts" in scored.pair.differs  # the scope words
    assert scored.pair.differs.startswith("scope: ")


def test_a_shared_methodology_sentence_is_not_one_programme() -> None:
    inis = catalogue()
    phrases = exclusive_phrases(inis)
    evidence = scope_evidence(inis[0], inis[2], phrases[0], phrases[2])
    assert len(evidence.phrases) >= 4 and not evidence.same_subject
    scored = by_pair(inis)[("1001", "1003")]
    assert scored.cls is not OverlapClass.SCOPE


def test_one_template_for_the_same_audience_and_place_is_not_a_scope_twin() -> None:
    inis = catalogue()
    inis[1] = ini("1002", "Analysis of Synthetic Opioids", inis[1].text)  # no narrower audience
    assert by_pair(inis)[("1001", "1002")].cls is not OverlapClass.SCOPE


def test_a_phrase_a_third_record_also_has_is_no_template_of_two() -> None:
    inis = catalogue()
    inis[3] = ini("1004", "Opioid awareness", inis[1].text.replace("laboratory", "street"))
    phrases = exclusive_phrases(inis)
    shared = scope_evidence(inis[0], inis[1], phrases[0], phrases[1]).phrases
    assert "the detection and identification" not in shared
