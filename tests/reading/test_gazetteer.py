"""The matching mechanism: tokens, Russian cases, Arabic particles, case rules."""

from __future__ import annotations

import pytest

from matcher.reading.gazetteer import (
    Case,
    Gazetteer,
    arabic_adjectives,
    arabic_stems,
    key,
    russian_forms,
    tokenize,
)


def test_tokens_know_where_a_sentence_starts() -> None:
    tokens = tokenize("Hola. Somos 1) Natal y - Praia\n• Lagos")
    assert [(t.text, t.initial) for t in tokens] == [
        ("Hola", True),
        ("Somos", True),
        ("1", False),
        ("Natal", True),
        ("y", False),
        ("Praia", False),
        ("Lagos", True),
    ]


def test_keys_fold_case_accents_and_arabic_letter_variants() -> None:
    assert key("Centroamérica") == "centroamerica"
    assert key("Объединённые") == "объединенные"
    assert key("القاهرة") == key("القاهره")


def test_russian_forms_decline_nouns_and_agreeing_adjectives() -> None:
    assert russian_forms("Казахстан") == {
        "Казахстан",
        "Казахстана",
        "Казахстану",
        "Казахстаном",
        "Казахстане",
    }
    assert "Армении" in russian_forms("Армения")
    assert "Китая" in russian_forms("Китай")
    assert "Южной Америки" in russian_forms("Южная Америка")
    assert "Республики Казахстан" in russian_forms("Республика Казахстан")  # apposition stays
    assert russian_forms("Того") == {"Того"}  # indeclinable
    assert "латиноамериканских" in russian_forms("латиноамериканский")


def test_arabic_particles_and_adjectives() -> None:
    assert arabic_stems(key("وبالعراق")) == [key("وبالعراق"), key("بالعراق"), key("العراق")]
    assert key("الأردن") in arabic_stems(key("للأردن"))
    assert {key("السورية"), key("سوري")} <= arabic_adjectives("سوريا")


def test_gazetteer_takes_the_longest_name_and_its_case_rule() -> None:
    gaz: Gazetteer[str] = Gazetteer()
    gaz.add("Latin America", "LA")
    gaz.add("Latin America and the Caribbean", "LAC")
    gaz.add("LAC", "LAC", Case.EXACT)
    gaz.add("Pacífico", "P", Case.PROPER)
    gaz.add("Chile", "CL", Case.CAPITALISED)

    def found(text: str) -> list[str]:
        return [v for h in gaz.find(tokenize(text)) for v in h.values]

    assert found("in Latin America and the Caribbean today") == ["LAC"]
    assert found("in Latin America and Asia") == ["LA"]
    assert found("le lac") == [] and found("the LAC region") == ["LAC"]
    assert found("un país pacífico") == [] and found("Pacífico arriba") == []
    assert found("en el Pacífico") == ["P"]
    assert found("chile con carne") == [] and found("Chile vota") == ["CL"]


def _filed(gaz: Gazetteer[str]) -> dict[str, list[object]]:
    """Each first key's names with their keys, in the order they were added."""
    out: dict[str, list[object]] = {}
    for keys, name in gaz.names():
        out.setdefault(keys[0], []).append((keys, name))
    return out


def test_rows_read_back_as_the_same_names_a_first_key_at_a_time() -> None:
    built: Gazetteer[str] = Gazetteer()
    built.add("Латинская Америка", "LA")
    built.add("Latin America and the Caribbean", "LAC")
    built.add("Latin America", "LA")
    built.add("LAC", "LAC", Case.EXACT)
    built.add("Georgia", "GE", Case.CAPITALISED)
    built.add("Georgia", "US-GA", Case.PROPER)  # two names on one node: their order stands
    built.add("Gulf", "Gulf", Case.CAPITALISED, not_followed_by=("of", "de"))
    decoded: list[str] = []

    def decode(text: str) -> str:
        decoded.append(text)
        return text

    read = Gazetteer.from_rows(built.write_rows(str), decode)
    assert read.size == built.size
    assert decoded == []  # nothing is read before a text asks

    def found(gaz: Gazetteer[str], text: str) -> list[tuple[int, int, tuple[str, ...]]]:
        return [(h.first, h.last, h.values) for h in gaz.find(tokenize(text))]

    text = "Our lab in Georgia; Латинской Америки; the Gulf of Guinea"
    assert found(read, text) == found(built, text) == [(3, 3, ("GE", "US-GA")), (4, 5, ("LA",))]
    # only the rows under the text's words were read: not "Latin America and the Caribbean", "LAC"
    assert sorted(set(decoded)) == ["GE", "Gulf", "LA", "US-GA"]
    for text in ("LAC and lac", "Latin America and the Caribbean", "the Gulf", "латинская америка"):
        assert found(read, text) == found(built, text), text
    assert _filed(read) == _filed(built)


def test_a_name_added_to_read_rows_comes_after_them() -> None:
    built: Gazetteer[str] = Gazetteer()
    built.add("Georgia", "GE")
    read = Gazetteer.from_rows(built.write_rows(str), str)
    read.add("Georgia", "US-GA")
    (hit,) = read.find(tokenize("Georgia"))
    assert hit.values == ("GE", "US-GA")


def test_rows_that_would_not_read_back_are_refused() -> None:
    gaz: Gazetteer[str] = Gazetteer()
    gaz.add("Gulf", "Gulf", not_followed_by=("of Guinea",))
    with pytest.raises(ValueError, match="not_followed_by"):
        gaz.write_rows(str)
