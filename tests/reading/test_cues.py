"""Cue tables: word-boundary matching after folding, stems, Arabic prefixes, and bad data."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import matcher.reading.cues as cues_module
from matcher.errors import MatcherError
from matcher.reading.cues import CueTable, compile_words, load_actors, load_cues, table_from


def table(**categories: list[str]) -> CueTable:
    """A cue table written for the test: one category per keyword."""
    data: dict[str, object] = {
        "categories": {k: {"source": "test", "words": v} for k, v in categories.items()}
    }
    return table_from(data, "test.json")


# --- word boundaries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["we know the answer", "Notably, the nose knows", "nothing here is slack", "a passport"],
)
def test_a_cue_inside_another_word_does_not_match(text: str) -> None:
    # "no", "not", "lack*" and "pas" are deficit cues; none stands alone in these texts
    assert not load_cues().found("deficit", text)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("we have no lab", 1),
        ("this is not enough", 1),
        ("No lab, no dogs, nobody trained", 3),
        ("Не хватает собак, нет сканеров", 2),
        ("لا يوجد مختبر", 1),
    ],
)
def test_a_whole_word_cue_matches_and_counts(text: str, count: int) -> None:
    assert load_cues().count("deficit", text) == count


def test_cues_in_other_words_of_each_language_do_not_match() -> None:
    cues = load_cues()
    assert not cues.found("deficit", "немного денег")  # "не" inside немного
    assert not cues.found("deficit", "Sinaloa")  # "sin" inside a name
    assert not cues.found("deficit", "اللاجئين")  # "لا" inside "the refugees"
    assert not cues.found("request", "restraint")  # "train*" is a stem, not a substring
    assert not cues.found("self", "mirror")


def test_a_phrase_matches_across_any_whitespace() -> None:
    cues = load_cues()
    assert cues.found("existing", "we  have")
    assert cues.found("existing", "We\nhave")
    assert not cues.found("existing", "wehave")


# --- stems, folding, Arabic prefixes --------------------------------------------------------


@pytest.mark.parametrize("text", ["Нам нужно", "нужны сканеры", "нужна помощь"])
def test_a_stem_takes_endings(text: str) -> None:
    assert load_cues().found("request", text)


def test_a_stem_does_not_match_inside_a_word() -> None:
    # "нужн*" takes endings, not prefixes
    assert not load_cues().found("request", "ненужный")


@pytest.mark.parametrize("text", ["نحتاج", "ونحتاج إلى", "فنحتاج", "بدعم", "ولدينا"])
def test_arabic_cues_take_one_attached_prefix(text: str) -> None:
    cues = load_cues()
    assert cues.found("request", text) or cues.found("existing", text)


def test_arabic_cues_take_only_one_prefix_letter() -> None:
    assert not load_cues().found("existing", "وولدينا")


def test_a_prefix_is_only_for_arabic_entries() -> None:
    pattern = compile_words(["need"])
    assert pattern.search("need")
    assert not pattern.search("wneed")


@pytest.mark.parametrize(
    ("category", "text"),
    [
        ("existing", "Nous avons DÉJÀ des scanners"),
        ("existing", "deja tenemos"),
        ("deficit", "nao temos laboratorios"),
        ("request", "Necesitamos CAPACITACION"),
        ("request", "نَحْتَاجُ إلى تدريب"),  # vowel marks fold away
        ("greeting", "Здравствуйте"),
    ],
)
def test_matching_folds_case_and_accents(category: str, text: str) -> None:
    assert load_cues().found(category, text)


def test_folding_applies_to_the_entries_too() -> None:
    pattern_table = table(words=["Médico-Légal", "ёмкост*"])
    assert pattern_table.found("words", "medico-legal")
    assert pattern_table.found("words", "емкости")


def test_french_elided_je_is_a_self_introduction() -> None:
    assert load_cues().found("self", "J'occupe le poste de chef de l'unité antidrogue")


def test_a_typographic_apostrophe_matches_a_straight_one() -> None:
    assert load_cues().found("deficit", "Nous n’avons que deux laboratoires")


# --- the shipped tables ---------------------------------------------------------------------


@pytest.mark.parametrize("loader", [load_cues, load_actors], ids=["cues", "actors"])
def test_every_shipped_entry_matches_itself_in_a_sentence(loader: Any) -> None:
    cue_table = loader()
    assert cue_table.entries
    for category, words in cue_table.entries.items():
        assert words, f"{category} has no words"
        for word in words:
            bare = word.rstrip("*")
            assert cue_table.found(category, f"x {bare.upper()} x"), (category, word)
            if word.endswith("*"):
                assert cue_table.found(category, f"{bare}s"), (category, word)


def test_the_reading_categories_the_reader_uses_are_there() -> None:
    assert set(load_cues().entries) >= {
        "clause_joins",
        "request",
        "deficit",
        "self",
        "existing",
        "greeting",
    }


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("I work for the national police", "police"),
        ("Trabajo en la Policía Nacional", "police"),
        ("Je travaille pour les douanes", "customs"),
        ("Trabalho no Ministério da Saúde", "health ministry"),
        ("Я работаю в таможне", "customs"),
        ("أعمل في وزارة الصحة", "health ministry"),
        ("أعمل في الشرطة", "police"),
    ],
)
def test_actors_are_named_in_six_languages(text: str, actor: str) -> None:
    actors = load_actors()
    assert [k for k in actors.entries if actors.found(k, text)] == [actor]


def test_an_actor_word_inside_another_word_does_not_match() -> None:
    actors = load_actors()
    assert [k for k in actors.entries if actors.found(k, "policeman politics customary")] == []


# --- malformed data -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "category",
    [
        {"words": ["need"]},
        {"source": "", "words": ["need"]},
        {"source": "grammar", "words": "need"},
        {"source": "grammar"},
        ["need"],
    ],
    ids=["no-source", "empty-source", "words-not-a-list", "no-words", "not-an-object"],
)
def test_a_malformed_category_is_refused(category: object) -> None:
    with pytest.raises(MatcherError, match=r"test\.json: category 'request' needs a 'source'"):
        table_from({"categories": {"request": category}}, "test.json")


def test_categories_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(MatcherError, match="'categories' must be an object"):
        table_from({"categories": ["request"]}, "test.json")


def test_an_empty_word_list_matches_nothing() -> None:
    empty = table(words=[])
    assert not empty.found("words", "anything at all")
    assert empty.count("words", "") == 0


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package data folder the cue loader reads instead of the shipped one."""
    (tmp_path / "data").mkdir()
    monkeypatch.setattr(cues_module, "resources", SimpleNamespace(files=lambda _: tmp_path))
    return tmp_path / "data"


def test_an_unreadable_table_file_is_a_one_line_matcher_error(data_folder: Path) -> None:
    (data_folder / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(MatcherError, match=r"data/broken\.json is unreadable") as info:
        cues_module._read("broken.json")
    assert "\n" not in str(info.value)
    with pytest.raises(MatcherError, match=r"data/absent\.json is unreadable"):
        cues_module._read("absent.json")


def test_a_table_file_without_provenance_is_refused(data_folder: Path) -> None:
    (data_folder / "bare.json").write_text(json.dumps({"categories": {}}), encoding="utf-8")
    with pytest.raises(MatcherError, match="needs 'categories' and 'provenance'"):
        cues_module._read("bare.json")


def test_the_french_lack_stem_takes_the_verb_endings() -> None:
    cues = load_cues()
    assert cues.found("deficit", "Nous manquons de laboratoires")
    assert cues.found("deficit", "La police manquait de chiens")


def test_a_russian_customs_service_is_customs() -> None:
    assert load_actors().found("customs", "Федеральная таможенная служба")
