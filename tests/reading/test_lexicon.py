from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.errors import MatcherError
from matcher.reading.lexicon import LANGUAGES, default_lexicon, load_lexicon, translate_terms
from matcher.search.lexical import analyze, stopword_stems

CATALOGUE = Path(__file__).resolve().parents[2] / "corpus" / "initiatives.jsonl"


def added(text: str) -> list[str]:
    """The English terms translate_terms appends to a text."""
    out = translate_terms(text)
    assert out.startswith(text)
    rest = out[len(text) :].strip(" ()")
    return rest.split("; ") if rest else []


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("no tenemos sistema de alerta temprana", ["early warning system"]),
        (
            "Precisamos de tratamento para mulheres grávidas",
            ["pregnant women", "treatment of drug use disorders"],
        ),
        ("les intoxications aux urgences", ["emergency department", "intoxication poisoning"]),
        (
            "оценка доходов преступных групп",
            ["organized crime groups", "illicit profits money flows"],
        ),
        ("ونحتاج إلى خدمات علاج", ["treatment of drug use disorders"]),
    ],
)
def test_field_terms_are_added_in_english(text: str, terms: list[str]) -> None:
    assert set(terms) <= set(added(text))


def test_text_without_field_terms_is_unchanged() -> None:
    assert translate_terms("bonjour tout le monde") == "bonjour tout le monde"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        # a Russian stem takes endings on every word of a phrase
        ("укрепление потенциала таможни", "capacity building"),
        # typographic apostrophe, as word processors write it
        ("un système d’alerte pour les drogues", "early warning system"),
        # Arabic prefixes: ل + ال written لل, و + ال, ب + ال, and a noun without its article
        ("برامج للمخدرات", "drugs"),
        ("الشرطة والجمارك", "customs"),
        ("تفتيش بالمطار", "airport"),
        ("مكافحة مخدرات", "drugs"),
        # a Spanish plural of a singular form
        ("las leyes nacionales", "legislation law"),
    ],
)
def test_forms_match_with_their_endings_and_prefixes(text: str, term: str) -> None:
    assert term in added(text)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        # a form inside a longer word
        ("la leyenda del programa", "legislation law"),  # ley
        ("un emploi pour les jeunes", "legislation law"),  # loi
        ("Иван Петрович", "HIV"),  # вич
        # a stem at the start of an unrelated word
        ("семьдесят человек", "families family skills"),  # семья, not семь-
        ("судьба программы", "judges and prosecutors"),  # судья, not судь-
        ("это закономерно", "legislation law"),  # закон
        ("помощь доходит до всех", "illicit profits money flows"),  # доход
        ("مسحوق أبيض", "national drug use survey prevalence"),  # مسح: powder
        ("أسرار العمل", "families family skills"),  # الأسر: secrets
        ("مطاردة", "airport"),  # المطار: a pursuit
        # a stem inside a hyphenated compound
        ("судебно-медицинская экспертиза", "health workers"),
        # one entry's word inside another entry's phrase
        ("раннее предупреждение", "prevention"),
        ("альтернативное развитие", "alternatives to incarceration"),
    ],
)
def test_no_hit_inside_or_at_the_start_of_another_word(text: str, term: str) -> None:
    assert term not in added(text)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("nos escribió por correo electrónico", "postal mail parcels"),
        ("envoyé par courrier électronique", "postal mail parcels"),
        ("enviado por correio eletrônico", "postal mail parcels"),
        ("عبر البريد الإلكتروني", "postal mail parcels"),
        ("dados los escasos recursos del ministerio", "data collection"),  # pt 'dados' = data
        ("the former director of the programme", "training"),  # fr 'former' = to train
        ("la oficina en Puerto Rico", "seaport container"),
        ("el programa generó resultados", "women and girls gender"),  # genero, folded
        ("ce genre de programme", "women and girls gender"),
        ("necesitamos apoyo con urgencia", "emergency department"),
        ("reformas a las políticas fiscales", "judges and prosecutors"),
        ("promotores de salud en las comunidades", "judges and prosecutors"),
        ("uso de inteligencia artificial", "intelligence analysis"),
        ("identificar las necesidades del país", "identify substances"),
        ("в зависимости от региона", "addiction dependence"),
        ("утечка данных", "diversion of controlled medicines"),
        ("неотложные меры", "emergency department"),
        ("إعلان حالة الطوارئ", "emergency department"),
    ],
)
def test_a_common_word_with_another_meaning_does_not_fire(text: str, term: str) -> None:
    assert term not in added(text)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("envíos postales con drogas", "postal mail parcels"),
        ("colis et courrier postal", "postal mail parcels"),
        ("الطرود البريدية", "postal mail parcels"),
        ("программы для семей и семьи", "families family skills"),
        ("судьи и прокуроры", "judges and prosecutors"),
        ("бригады скорой помощи", "emergency department"),
        ("la fiscalía y los jueces", "judges and prosecutors"),
        ("laboratorio de inteligencia criminal", "intelligence analysis"),
        ("наркотическая зависимость", "addiction dependence"),
        ("раннее предупреждение", "early warning system"),
    ],
)
def test_the_narrowed_forms_still_fire(text: str, term: str) -> None:
    assert term in added(text)


def test_email_does_not_add_postal_mail() -> None:
    assert translate_terms("correo electrónico") == "correo electrónico"


def test_seventy_does_not_add_families() -> None:
    assert "families family skills" not in added("семьдесят")
    assert "families family skills" in added("поддержка семьи")


def _catalogue_stems() -> set[str]:
    rows = [json.loads(line) for line in CATALOGUE.read_text(encoding="utf-8").splitlines()]
    return {t for row in rows for t in analyze(f"{row['title']} {row['text']}")}


@pytest.fixture(scope="module")
def catalogue_stems() -> set[str]:
    return _catalogue_stems()


@pytest.mark.parametrize("english", [e.english for e in default_lexicon().entries])
def test_every_english_target_occurs_in_the_catalogue(
    english: str, catalogue_stems: set[str]
) -> None:
    # a faithful synonym the catalogue lacks ("refugees") may stand beside words it uses
    words = [w for w in analyze(english) if w not in stopword_stems()]
    assert set(words) & catalogue_stems


def test_every_entry_has_a_source_and_forms() -> None:
    entries = default_lexicon().entries
    assert entries
    for entry in entries:
        assert entry.source.strip(), entry.english
        assert entry.forms, entry.english
        assert {lang for lang, _ in entry.forms} <= set(LANGUAGES)


def test_loader_reads_a_written_table(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.json"
    table = {
        "provenance": "written for this test",
        "entries": [
            {"english": "canine", "source": "test", "forms": {"es": ["perros"], "ru": ["собак*"]}}
        ],
    }
    path.write_text(json.dumps(table), encoding="utf-8")
    lexicon = load_lexicon(path)
    assert lexicon.entries[0].forms_in("ru") == ("собак*",)
    assert lexicon.terms_in("Собаки и перро") == ["canine"]
    assert lexicon.terms_in("los perros") == ["canine"]
    assert lexicon.terms_in("perrosos") == []


GOOD = {"english": "canine", "source": "test", "forms": {"es": ["perros"]}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "unreadable"),
        (json.dumps({"provenance": "p"}), "'entries' list"),
        (json.dumps({"entries": [GOOD]}), "'provenance'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "source": ""}]}), "no 'source'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "english": ""}]}), "no 'english'"),
        (
            json.dumps({"provenance": "p", "entries": [{**GOOD, "forms": {"de": ["Hunde"]}}]}),
            "forms in 'de'",
        ),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "forms": {"es": []}}]}), "non-empty"),
        (
            json.dumps({"provenance": "p", "entries": [{**GOOD, "forms": {"es": ["*"]}}]}),
            "empty es",
        ),
        (json.dumps({"provenance": "p", "entries": [GOOD, GOOD]}), "repeats"),
        (
            json.dumps({"provenance": "p", "entries": [{**GOOD, "unless_followed_by": ["x"]}]}),
            "unless_followed_by",
        ),
    ],
)
def test_loader_rejects_a_malformed_table(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "lexicon.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MatcherError, match=message) as caught:
        load_lexicon(path)
    assert str(path) in str(caught.value)


def test_english_statements_are_not_translated(tmp_path, mini_corpus, fake_encoders) -> None:
    from matcher.facade import Matcher

    m = Matcher.open(tmp_path / "i", corpus=mini_corpus, encoders=fake_encoders)
    texts, english = m.prepare(["postal services and police training", "policía y aduanas"])
    assert texts[0] == "postal services and police training" and english[0] == 1.0
    assert "customs" in texts[1] and english[1] == 0.0


@pytest.mark.parametrize(
    "text",
    [
        "el fentanilo llega por correo",
        "los paquetes llegan por el correo",
        "les comprimés arrivent par la poste",
        "envoyés par courrier",
        "o fentanil chega pelo correio",
        "фентанил приходит по почте",
        "يصل الفنتانيل عبر البريد",
    ],
)
def test_the_mail_as_a_channel_adds_postal_mail(text: str) -> None:
    assert "postal mail parcels" in added(text)


@pytest.mark.parametrize(
    "text",
    [
        "nos escriben por correo electrónico",
        "los correos electrónicos del ministerio",
        "envoyé par courrier électronique",
        "enviado pelo correio eletrônico",
        "по электронной почте",
        "أرسلناه بالبريد الإلكتروني",
    ],
)
def test_email_named_with_the_same_words_does_not(text: str) -> None:
    assert "postal mail parcels" not in added(text)


def test_a_form_is_refused_only_before_its_stop_words(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.json"
    entry = {**GOOD, "forms": {"es": ["por correo"]}, "unless_followed_by": {"es": ["electr*"]}}
    path.write_text(json.dumps({"provenance": "p", "entries": [entry]}), encoding="utf-8")
    lexicon = load_lexicon(path)
    assert lexicon.terms_in("llega por correo cada semana") == ["canine"]
    assert lexicon.terms_in("por correo electrónico") == []
