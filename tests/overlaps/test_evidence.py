from __future__ import annotations

from matcher.catalogue.model import Initiative
from matcher.overlaps.evidence import (
    describe_difference,
    differences,
    distinctive_title_words,
    shared_title_phrase,
    title_share,
)


def ini(id_: str, title: str, regions=(), orgs=()) -> Initiative:
    return Initiative(id_, title, "1.1", "G", 1, "text", tuple(orgs), tuple(regions))


def test_differences_name_region_and_audience() -> None:
    base = ini("1", "Harbour chemical safety drills")
    assert differences(base, ini("2", "Harbour chemical safety drills", ["Southeast Asia"])) == (
        "region",
    )
    assert differences(base, ini("3", "Harbour chemical safety drills for judges")) == ("audience",)
    # a region inside the other is the same place
    same = differences(
        ini("4", "X", ["Americas"]), ini("5", "X", ["Latin America and the Caribbean"])
    )
    assert same == ()


def test_title_share_ignores_places_audiences_and_common_words() -> None:
    items = [
        ini("1", "Harbour chemical safety drills in Southeast Asia"),
        ini("2", "Harbour chemical safety drills for judges"),
        ini("3", "Drug treatment standards"),
        ini("4", "Drug prevention in schools"),
        ini("5", "Drug data"),
    ]
    words = distinctive_title_words(items, share=0.3)
    assert "drug" not in words[2] | words[3] | words[4]  # in 3 of 5 titles: the field, not a name
    assert title_share(words[0], words[1]) == 1.0
    assert title_share(words[2], words[3]) == 0.0
    assert shared_title_phrase("Harbour chemical safety drills", "New harbour chemical safety") == (
        "harbour chemical safety"
    )


def test_describe_difference() -> None:
    a = ini("1", "Harbour drills", orgs=["WCO"])
    b = ini("2", "Harbour drills online", ["Pacific"], ["WCO", "UNODC"])
    assert describe_difference(a, b) == (
        "organisations WCO vs WCO, UNODC; regions global vs Pacific; title words - vs online"
    )
    assert describe_difference(a, a) == "nothing but the id"
