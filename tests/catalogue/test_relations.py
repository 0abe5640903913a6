from __future__ import annotations

import numpy as np

from matcher.catalogue.model import Initiative
from matcher.catalogue.relations import (
    RelationKind,
    defined_acronyms,
    find_relations,
    index_names,
    is_place,
    long_form,
    proper_names,
    title_names,
)
from matcher.overlaps.detect import OverlapClass, cluster_overlaps, find_overlaps, score_pairs


def ini(id_: str, title: str, text: str, orgs=(), regions=()) -> Initiative:
    return Initiative(id_, title, "2.2", "Tools", 2, text, tuple(orgs), tuple(regions))


# A suite that lists its tools, two tools with their own entries, a programme offered again for
# another region, and two unrelated entries that share only common words.
SUITE = ini(
    "10",
    "Harbour Watch suite for port authorities",
    "The Harbour Watch suite builds on the Cargo Ledger Tracker (CLT) and the Vessel Alert "
    "Relay (VAR) to give port officers one screen for container risk.",
)
CLT = ini(
    "11",
    "CLT: shared ledger of container movements",
    "The Cargo Ledger Tracker lets customs see where a container has been before it lands.",
)
VAR = ini(
    "12",
    "Vessel Alert Relay [VAR]",
    "Alerts about suspicious vessels reach every port on the route within minutes.",
)
NET = ini(
    "13",
    "Judicial Exchange Network on Precursors (JENP)",
    "The Judicial Exchange Network on Precursors gathers judges to share rulings on chemicals.",
)
NET_REGION = ini(
    "14",
    "Judicial Exchange Network on Precursors – Southeast Asia (JENP-SEA)",
    "Judges in Southeast Asia join the Judicial Exchange Network on Precursors (JENP) to share "
    "rulings on chemicals seized in the region.",
    regions=["Southeast Asia"],
)
OTHER = ini(
    "15",
    "Family skills for prevention",
    "Parents learn skills that help children avoid drugs; Member States choose the schools.",
)
OTHER2 = ini(
    "16",
    "School prevention lessons",
    "Teachers deliver lessons that help children avoid drugs; Member States choose the schools.",
)
ITEMS = [SUITE, CLT, VAR, NET, NET_REGION, OTHER, OTHER2]


def test_long_form_spells_the_acronym_and_refuses_what_does_not() -> None:
    assert long_form("the Scanning of Novel Opioids on Online Platforms".split(), "SNOOP") == (
        "Scanning",
        "of",
        "Novel",
        "Opioids",
        "on",
        "Online",
        "Platforms",
    )
    assert long_form("for Substance Use Disorders".split(), "SCI") == ()
    assert defined_acronyms("the Vessel Alert Relay [VAR] and (known by its acronym, ABC)") == {
        "VAR": ("Vessel", "Alert", "Relay")
    }


def test_names_come_from_titles_and_capitalised_phrases() -> None:
    assert title_names("SNOOP: state-of-the-art targeting tools") >= {"SNOOP"}
    assert "INCB" not in title_names("Next Generation IDS with INCB", frozenset({"INCB"}))
    assert ("Early", "Warning", "System", "of", "the", "Americas") in proper_names(
        "It expands the Early Warning System of the Americas to more countries."
    )
    # the first word of a sentence is capitalised anyway: it does not start a name
    assert proper_names("Customs Officers meet.") == []
    assert is_place("LAC") and is_place("Southeast Asia") and not is_place("SNOOP")


def test_suite_names_its_tools_and_twins_share_a_title_name() -> None:
    rel = {(r.a, r.b): r for r in find_relations(ITEMS).values()}
    assert rel[("10", "11")].kind is RelationKind.NAMES
    assert rel[("10", "11")].cue == "suite"  # the first cue word in the sentence naming it
    assert rel[("10", "12")].kind is RelationKind.NAMES
    assert rel[("13", "14")].kind is RelationKind.SAME_NAME
    # "Member States" is capitalised in both, but it is no programme: two unrelated entries
    # that share it and "drugs" are not related by a name
    assert ("15", "16") not in rel or "Member" not in " ".join(rel[("15", "16")].names)


def test_a_name_too_many_initiatives_use_relates_nothing() -> None:
    many = [
        ini(str(20 + n), f"Entry {n}", f"Work with the Regional Data Hub on topic {n}.")
        for n in range(6)
    ]
    assert "regional data hub" not in index_names(many).users
    assert find_relations(many) == {}
    assert find_relations(many[:3]) != {}  # three users: a name


def _unit(rows: list[list[float]]) -> np.ndarray:
    v = np.asarray(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_family_and_region_twin_classes() -> None:
    # vectors written by hand: the suite and its tools close (0.8), the two networks close
    # (0.9), the prevention entries far from everything
    v = _unit(
        [
            [1, 0.6, 0.6, 0, 0, 0, 0],
            [0.6, 1, 0.2, 0, 0, 0, 0],
            [0.6, 0.2, 1, 0, 0, 0, 0],
            [0, 0, 0, 1, 0.5, 0, 0],
            [0, 0, 0, 0.5, 1, 0, 0],
            [0, 0, 0, 0, 0, 1, 0],
            [0, 0, 0, 0, 0, 0, 1],
        ]
    )
    pairs = find_overlaps(ITEMS, v)
    got = {(p.a, p.b): p for p in pairs}
    assert got[("10", "11")].cls is OverlapClass.FAMILY
    assert got[("10", "12")].cls is OverlapClass.FAMILY
    assert got[("13", "14")].cls is OverlapClass.NEAR_DUPLICATE
    assert got[("13", "14")].reason.endswith("differs in: region")
    clusters = {c.ids: c.cls for c in cluster_overlaps(pairs, ITEMS)}
    assert clusters[("10", "11", "12")] is OverlapClass.FAMILY
    # every candidate is in the review list, the unclassified ones too, most worth a look first
    scored = score_pairs(ITEMS, v)
    looks = [s.look for s in scored]
    assert looks == sorted(looks, reverse=True)
    assert {(s.a, s.b) for s in scored} >= set(got)
    assert any(s.cls is None for s in scored)


def test_the_same_programme_for_another_audience_is_a_twin() -> None:
    adults = ini(
        "30",
        "Harbour chemical safety drills",
        "Port staff practise chemical spill drills with the fire brigade every quarter.",
    )
    students = ini(
        "31",
        "Harbour chemical safety drills for students",
        "Maritime students rehearse responses to leaking tanks alongside firefighters.",
    )
    unrelated = ini("32", "Postal scanners", "Mail centres get parcel scanners.")
    v = _unit([[1, 0.2, 0], [0.2, 1, 0], [0, 0, 1]])  # cosine 0.38: below every twin rule
    assert not find_overlaps([adults, students, unrelated], v)
    v = _unit([[1, 0.8, 0], [0.8, 1, 0], [0, 0, 1]])  # cosine 0.98
    (pair,) = find_overlaps([adults, students, unrelated], v)
    assert pair.cls is OverlapClass.NEAR_DUPLICATE
    assert pair.reason.endswith("differs in: audience")
