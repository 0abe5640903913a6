from __future__ import annotations

from matcher.catalogue.joining import Joining, read_joining

PAGE = """A curriculum of eight courses for treatment professionals.
Prerequisite for Participation:
- Trainers: a) five years of practice; b) a letter of intent.
- Implementers: a) working in a treatment programme.
The courses run online and face to face.
Possible partners: Member States, research institutes, UN agencies
"""


def test_both_sections_are_read_as_published() -> None:
    joining = read_joining(PAGE)
    assert joining.requires == (
        "Trainers: a) five years of practice; b) a letter of intent.",
        "Implementers: a) working in a treatment programme.",
    )
    assert joining.partners == ("Member States, research institutes, UN agencies",)
    assert joining


def test_a_plain_paragraph_ends_a_section() -> None:
    assert "The courses run online" not in " ".join(read_joining(PAGE).requires)


def test_bullets_outside_a_section_are_not_conditions() -> None:
    text = "International Organization\n- UNODC Treatment Section\n- WHO\n"
    assert read_joining(text) == Joining()
    assert not read_joining(text)


def test_label_text_on_the_same_line_and_bullets_under_it() -> None:
    text = "Prerequisites for participation: a national focal point\n- an official request\n"
    assert read_joining(text).requires == ("a national focal point", "an official request")
