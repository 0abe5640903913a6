"""Word coverage: which words count, and how well a candidate's words cover a need's."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.search.word_cover import (
    WORD_FEATURES,
    content_words,
    coverage_features,
    vocabulary,
    word_rows,
)


def test_content_words_drop_stopwords_of_each_language_digits_and_short_words() -> None:
    assert content_words("We need 24/7 flood sirens, the flood is ON us") == [
        "need",
        "flood",
        "sirens",
    ]
    assert content_words("no tenemos sistema de alerta temprana") == [  # "tenemos": a stopword
        "sistema",
        "alerta",
        "temprana",
    ]
    assert content_words("Нужна оценка угрозы") == ["нужна", "оценка", "угрозы"]


def test_vocabulary_is_sorted_and_rows_skip_words_it_lacks() -> None:
    words = vocabulary(["Forensic laboratory training", "laboratory quality"])
    assert words == ["forensic", "laboratory", "quality", "training"]
    rows = word_rows(["quality of forensic kennels"], words)
    assert rows[0].tolist() == [2, 0]


def unit(*rows: list[float]) -> np.ndarray:
    array = np.array(rows, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


def test_the_worst_covered_word_of_the_need_sets_the_coverage() -> None:
    vocab = unit([1, 0, 0], [0, 1, 0], [0, 0, 1])
    need = unit([1, 0, 0], [0, 0.6, 0.8])  # one word held, one near the third word only
    features = coverage_features(need, vocab, [np.array([0, 1]), np.array([0, 2])])
    assert features.shape == (2, len(WORD_FEATURES))
    first, second = features
    assert first[0] == pytest.approx(0.6)  # its nearest word in candidate 1 is the second
    assert second[0] == pytest.approx(0.8)  # candidate 2 holds the nearer third word
    assert first[3] == second[3] == pytest.approx(0.8)  # the catalogue has it either way
    assert first[2] == pytest.approx(0.8)  # mean of 1.0 and 0.6


def test_a_need_without_content_words_is_fully_covered_and_a_wordless_candidate_not() -> None:
    vocab = unit([1, 0], [0, 1])
    assert coverage_features(np.zeros((0, 2)), vocab, [np.array([0])]).tolist() == [[1.0] * 6]
    empty = coverage_features(unit([1, 0]), vocab, [np.array([], dtype=np.int64)])
    assert empty[0, :3].tolist() == [0.0, 0.0, 0.0] and empty[0, 3] == pytest.approx(1.0)
