"""Passages: whole paragraphs and sentence windows under a word budget."""

from __future__ import annotations

from matcher.catalogue.model import Initiative
from matcher.catalogue.passages import split_passages


def initiative(text: str) -> Initiative:
    return Initiative("9001", "Port scanners", "1.1", "Supply", 1, text)


def test_short_paragraphs_merge_into_one_passage() -> None:
    passages = split_passages(initiative("Scanners for ports.\nTraining for customs."), words=20)
    assert [p.text for p in passages] == ["Scanners for ports.\nTraining for customs."]


def test_a_long_paragraph_becomes_overlapping_sentence_windows() -> None:
    sentence = "Officers learn to read cargo manifests and flag risky parcels."  # 10 words
    passages = split_passages(initiative(" ".join([sentence] * 6)), words=25, overlap=10)
    assert len(passages) > 1
    assert all(len(p.text.split()) <= 25 for p in passages)


def test_a_sentence_a_little_over_the_budget_stays_whole() -> None:
    sentence = " ".join(f"word{i}" for i in range(30)) + "."
    passages = split_passages(initiative(sentence), words=20, overlap=5)
    assert [p.text for p in passages] == [sentence]


def test_a_run_on_text_without_sentence_breaks_is_cut_into_bounded_runs() -> None:
    words = [f"w{i}" for i in range(5000)]
    passages = split_passages(initiative(" ".join(words)), words=90, overlap=20)
    assert max(len(p.text.split()) for p in passages) <= 90
    covered = {w for p in passages for w in p.text.split()}
    assert covered == set(words)  # nothing is dropped
