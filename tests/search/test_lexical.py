from __future__ import annotations

import pytest

from matcher.search.lexical import LexicalIndex, analyze

DOCS = [
    "Detector dogs trained to find fentanyl at airports",
    "Customs officers profile precursor chemical shipments",
    "Treatment courses for addiction professionals",
]


def test_bm25_ranks_the_document_sharing_rare_words() -> None:
    index = LexicalIndex(DOCS)
    scores = index.scores("dogs for fentanyl")
    assert int(scores.argmax()) == 0
    assert scores[2] == 0.0
    assert index.scores("the of and").tolist() == [0.0, 0.0, 0.0]  # stopwords only


def test_stemming_meets_word_forms() -> None:
    assert analyze("Trafficking trafficked") == ["traffick", "traffick"]
    assert LexicalIndex(DOCS).scores("profiling")[1] > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fentanyl dogs at airports", 1.0),
        ("counterfeit cigarette smuggling", 0.0),
        ("chemical cigarette", 0.5),
        ("the of", 1.0),  # no content words: nothing to judge
    ],
)
def test_coverage_is_the_share_of_content_words_the_documents_use(text, expected) -> None:
    assert LexicalIndex(DOCS).coverage(text) == pytest.approx(expected)


def test_novelty_weighs_words_the_catalogue_never_uses_most() -> None:
    index = LexicalIndex(
        ["training for customs officers", "training for police", "detection dogs at borders"]
    )
    assert index.novelty("training") == 0.0
    assert index.novelty("") == 0.0
    # "pangolin" is unseen; "training" is common: the unseen word carries most of the weight
    mixed = index.novelty("training pangolin")
    assert 0.5 < mixed < 1.0
    assert index.novelty("pangolin ivory") == 1.0
    # a rarer seen word lowers novelty less than a common one would
    assert index.novelty("dogs pangolin") < index.novelty("training pangolin")


def test_bm25_is_imported_without_numba() -> None:
    # numba's import and JIT compile cost a new process about a second (issue 22: cold start)
    import subprocess
    import sys

    code = (
        "import sys; from matcher.search.lexical import LexicalIndex;"
        "s = LexicalIndex(['precursor chemicals', 'detector dogs']).scores('dogs');"
        "assert s[1] > 0 == s[0]; print('numba' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
