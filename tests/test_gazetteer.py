"""The matching mechanism: tokens, Russian cases, Arabic particles, case rules."""

from __future__ import annotations

from matcher.gazetteer import (
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
