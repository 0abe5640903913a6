from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.errors import MatcherError
from matcher.reading.glossary import (
    default_everyday_terms,
    default_glossary,
    expand_abbreviations,
    fold_text,
    form_key,
    load_everyday_terms,
    load_glossary,
)
from matcher.search.lexical import analyze, stopword_stems

CATALOGUE = Path(__file__).resolve().parents[2] / "corpus" / "initiatives.jsonl"


def test_abbreviations_are_spelled_out_once() -> None:
    assert expand_abbreviations("THN + SBIRT in PHC") == (
        "THN + SBIRT in PHC (take-home naloxone overdose; screening brief intervention and "
        "referral to treatment; primary health care)"
    )
    assert expand_abbreviations("no shorthand here") == "no shorthand here"
    assert expand_abbreviations("ED ed") == "ED ed (emergency department)"  # capitals only


def test_any_case_shorthand_matches_in_any_case() -> None:
    for text in ("tx gaps", "Tx gaps", "TX gaps"):
        assert expand_abbreviations(text) == f"{text} (treatment)"


def test_a_spelled_out_form_already_written_is_not_added_again() -> None:
    assert expand_abbreviations("NPS (new psychoactive substances)") == (
        "NPS (new psychoactive substances)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "STATS on CATS",  # ATS
        "LEAD and BLEACH",  # LEA
        "EDUCATION",  # ED
        "detox programmes",  # tox
        "a new method",  # meth
        "chemistry teachers",  # chem
        "intelligence-led policing",  # intel
        "rehabilitation centres",  # rehab
        "unit K90",  # K9
        "TBD",  # TB was removed, but a token starting with a key must not fire either
    ],
)
def test_shorthand_inside_a_longer_word_does_not_fire(text: str) -> None:
    # the glossary alone: "stats" and "detox" are everyday words of their own
    assert default_glossary().expansions_in(text) == []


def test_a_short_form_joined_by_a_hyphen_is_part_of_the_longer_one() -> None:
    assert default_glossary().expansions_in("SCI-SUD") == [
        "service capacity index for substance use disorders"
    ]
    assert default_glossary().expansions_in("SUD services") == ["substance use disorder"]


@pytest.mark.parametrize(
    "text",
    [
        "le programme couvre le sud du pays",  # fr: le, sud (LE, SUD)
        "Mi ministerio necesita apoyo",  # es: mi (MI)
        "je te dis que le toc est fréquent",  # fr: dis, toc (DIS, TOC)
        "er hat es gesagt",  # de: er (ER)
    ],
)
def test_a_common_word_of_another_language_does_not_fire(text: str) -> None:
    assert expand_abbreviations(text) == text


def test_ambiguous_or_empty_shorthand_was_removed() -> None:
    shorts = {e.short for e in default_glossary().entries}
    assert not {"EMS", "HIV", "w/", "dx", "TB", "HCV", "Tx"} & shorts
    assert expand_abbreviations("EMS response times") == "EMS response times"


@pytest.fixture(scope="module")
def catalogue_stems() -> set[str]:
    rows = [json.loads(line) for line in CATALOGUE.read_text(encoding="utf-8").splitlines()]
    return {t for row in rows for t in analyze(f"{row['title']} {row['text']}")}


@pytest.mark.parametrize("short", [e.short for e in default_glossary().entries])
def test_every_spelled_out_form_has_a_word_the_catalogue_uses(
    short: str, catalogue_stems: set[str]
) -> None:
    entry = next(e for e in default_glossary().entries if e.short == short)
    words = [w for w in analyze(entry.spelled_out) if w not in stopword_stems()]
    assert set(words) & catalogue_stems


def test_every_entry_has_a_source() -> None:
    entries = default_glossary().entries
    assert entries
    assert all(e.source.strip() for e in entries)


GOOD = {"short": "K9", "long": "canine", "any_case": False, "source": "test"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[", "unreadable"),
        (json.dumps({"provenance": "p", "entries": {}}), "'entries' list"),
        (json.dumps({"entries": [GOOD]}), "'provenance'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "source": " "}]}), "no 'source'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "long": ""}]}), "no 'long'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "short": " K9"}]}), "no 'short'"),
        (json.dumps({"provenance": "p", "entries": [{**GOOD, "any_case": "no"}]}), "any_case"),
        (
            json.dumps({"provenance": "p", "entries": [{**GOOD, "any_case": True}]}),
            "lower case",
        ),
        (json.dumps({"provenance": "p", "entries": [GOOD, GOOD]}), "repeats"),
    ],
)
def test_loader_rejects_a_malformed_table(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "glossary.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MatcherError, match=message) as caught:
        load_glossary(path)
    assert str(path) in str(caught.value)


def test_loader_reads_a_written_table(tmp_path: Path) -> None:
    path = tmp_path / "glossary.json"
    entries = [
        GOOD,
        {"short": "clan lab", "long": "clandestine laboratory", "any_case": True, "source": "test"},
    ]
    path.write_text(
        json.dumps({"provenance": "written for this test", "entries": entries}), encoding="utf-8"
    )
    glossary = load_glossary(path)
    assert glossary.expansions_in("K9 units at a Clan Lab; k9") == [
        "canine",
        "clandestine laboratory",
    ]


# --- everyday words ----------------------------------------------------------------------


def everyday(text: str) -> list[str]:
    """The catalogue's wording that the packaged everyday-words table finds in a text."""
    return default_everyday_terms().expansions_in(text)


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("the cops have no sniffer dogs", "police law enforcement"),
        ("the cops have no sniffer dogs", "canine detection"),
        ("more drug busts at the port", "law enforcement operations"),
        ("drug mules swallowing pellets", "couriers high-risk passengers trafficking"),
        ("drug smugglers use the river", "drug trafficking traffickers"),
        ("dealers on Telegram", "drug traffickers vendors selling drugs"),
        ("dealers on Telegram", "online platforms online services"),
        ("cartels control the routes", "organized crime groups"),
        (
            "dodgy online pharmacies",
            "illegal e-commerce platforms controlled medicines sold online",
        ),
        ("sold on the darknet", "online platforms vendor marketplace cybercrime"),
        ("cook sites in the hills", "clandestine laboratories illicit drug manufacture"),
        ("imported pill presses", "equipment used in illicit drug manufacture"),
        ("chemical suppliers are not vetted", "chemical industry partners"),
        ("a crystal meth problem", "methamphetamine synthetic stimulants"),
        ("ice users in the towns", "methamphetamine synthetic stimulants"),
        ("yaba tablets", "methamphetamine synthetic stimulants"),
        ("crack cocaine is back", "cocaine stimulants"),
        ("weed is everywhere", "cannabis"),
        ("legal highs sold in shops", "new psychoactive substances"),
        ("fent in everything", "fentanyl synthetic opioids"),
        ("heroin laced with tranq", "xylazine adulterants"),
        ("hooked on painkillers", "opioids controlled medicines"),
        ("narcan for everyone", "naloxone overdose"),
        ("a needle exchange van", "harm reduction needle and syringe programmes"),
        ("junkies in the park", "people who use drugs drug use disorders"),
        ("not enough detox beds", "withdrawal management treatment services"),
        ("kids vaping at school", "youth adolescents children"),
        ("refugee camps", "humanitarian emergencies displaced populations"),
        ("anti-drug ads on TV", "media prevention campaigns"),
        ("out-of-date drug laws", "drug-related legislation"),
        ("too many people in jail", "prison incarceration"),
        ("jobs for ex-cons", "reintegration justice-involved individuals"),
        ("testing the sewage", "wastewater analysis"),
        ("the crime lab is slow", "forensic laboratories"),
        ("fake passports at the border", "security document examination fraudulent documents"),
        ("private jets landing at night", "general aviation"),
    ],
)
def test_an_everyday_word_gains_the_catalogue_wording(text: str, wording: str) -> None:
    assert wording in everyday(text)


@pytest.mark.parametrize(
    "text",
    [
        "joint training for customs",  # joint operations, not cannabis
        "crack the case",  # crack cocaine needs two words
        "ice on the roads",
        "the UNODC ICE programme",
        "crystal clear results",
        "speed of reporting",
        "grass-roots groups",
        "a pot of money",
        "coke ovens in the steel plant",
        "a script for the training video",
        "we must weed out corruption",
        "weed control on farms",
        "car dealers and arms dealers",
        "art dealers",
        "drug law enforcement units",
        "parcels of land for farmers",
        "part and parcel of the work",
        "drug testing labs",
        "a clean record",
        "software users",
        "od wczoraj brak danych",  # Polish "od" (from)
        "cigarette smuggling",  # smuggling is not (drug) trafficking
    ],
)
def test_an_ambiguous_everyday_word_does_not_fire(text: str) -> None:
    assert expand_abbreviations(text) == text


def test_crack_down_is_enforcement_not_crack_cocaine() -> None:
    assert everyday("a crack down on dealers")[0] == "law enforcement operations"
    assert "cocaine stimulants" not in everyday("a crack down on dealers")


@pytest.mark.parametrize(
    "text",
    [
        "copse of trees",  # cops
        "icecream",  # ice
        "weedy fields",  # weed
        "a car dealership",  # dealer
        "the gangway",  # gang
        "teenage",  # teen
        "statsbank",  # stats
        "sobering figures",  # sober
        "kidskin gloves",  # kids
        "weed-free fields",  # weed, hyphenated to another word
        "anti-gang law",  # gang, hyphenated to another word
    ],
)
def test_an_everyday_word_inside_another_word_does_not_fire(text: str) -> None:
    assert everyday(text) == []


def test_a_form_matches_across_hyphens_spaces_case_and_curly_apostrophes() -> None:
    for text in ("pill-presses", "Pill  Presses", "PILL PRESSES"):
        assert everyday(text) == ["equipment used in illicit drug manufacture"]
    assert everyday("the junkies’ needs") == ["people who use drugs drug use disorders"]
    assert everyday("cops/customs") == ["police law enforcement"]


def test_the_longest_form_wins() -> None:
    # "chemical dealers" is an industry entry; "dealers" inside it must not add trafficking
    assert everyday("chemical dealers") == ["chemical industry partners"]
    assert everyday("money mules") == ["illicit profits money flows"]


def test_the_glossary_then_everyday_words_are_appended_once_each() -> None:
    assert expand_abbreviations("cops found a meth lab; SBIRT for junkies") == (
        "cops found a meth lab; SBIRT for junkies (methamphetamine synthetic stimulants; "
        "screening brief intervention and referral to treatment; police law enforcement; clandestine laboratories illicit drug manufacture; "
        "people who use drugs drug use disorders)"
    )
    # the glossary's "meth" and the everyday "crystal meth" share their wording
    assert expand_abbreviations("crystal meth") == (
        "crystal meth (methamphetamine synthetic stimulants)"
    )
    assert expand_abbreviations("A&E and ED") == "A&E and ED (emergency department)"


def test_a_wording_already_written_is_not_added_again() -> None:
    assert expand_abbreviations("cops (police law enforcement)") == "cops (police law enforcement)"


def test_overdose_shorthand_matches_in_capitals_only() -> None:
    assert (
        expand_abbreviations("ODs are up, two OD'd") == "ODs are up, two OD'd (overdoses; overdose)"
    )


def test_every_everyday_entry_has_a_source_and_folded_forms() -> None:
    entries = default_everyday_terms().entries
    assert 40 <= len(entries) <= 80
    assert all(e.source.strip() for e in entries)
    assert all(f == fold_text(f) for e in entries for f in e.informal)


@pytest.mark.parametrize("first", [e.informal[0] for e in default_everyday_terms().entries])
def test_every_everyday_wording_has_a_word_the_catalogue_uses(
    first: str, catalogue_stems: set[str]
) -> None:
    entry = next(e for e in default_everyday_terms().entries if e.informal[0] == first)
    words = [w for w in analyze(entry.formal) if w not in stopword_stems()]
    assert set(words) & catalogue_stems


def test_no_everyday_form_is_a_glossary_short_form() -> None:
    shorts = {e.short.lower() for e in default_glossary().entries}
    forms = {form_key(f) for e in default_everyday_terms().entries for f in e.informal}
    assert not shorts & forms


DAY = {"informal": ["sniffer dogs"], "formal": "canine detection", "source": "test"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "unreadable"),
        (json.dumps({"provenance": "p", "entries": {}}), "'entries' list"),
        (json.dumps({"entries": [DAY]}), "'provenance'"),
        (json.dumps({"provenance": "p", "entries": [{**DAY, "informal": []}]}), "'informal'"),
        (json.dumps({"provenance": "p", "entries": [{**DAY, "formal": " "}]}), "'formal'"),
        (json.dumps({"provenance": "p", "entries": [{**DAY, "source": ""}]}), "no 'source'"),
        (
            json.dumps({"provenance": "p", "entries": [{**DAY, "informal": ["Sniffer Dogs"]}]}),
            "folded",
        ),
        (
            json.dumps({"provenance": "p", "entries": [{**DAY, "unless_next_to": ["two words"]}]}),
            "unless_next_to",
        ),
        (
            json.dumps(
                {"provenance": "p", "entries": [DAY, {**DAY, "informal": ["sniffer-dogs"]}]}
            ),
            "repeats",
        ),
    ],
)
def test_loader_rejects_a_malformed_everyday_table(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "everyday.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MatcherError, match=message) as caught:
        load_everyday_terms(path)
    assert str(path) in str(caught.value)


def test_loader_reads_a_written_everyday_table(tmp_path: Path) -> None:
    path = tmp_path / "everyday.json"
    entries = [
        DAY,
        {"informal": ["weed"], "formal": "cannabis", "unless_next_to": ["out"], "source": "test"},
        {"informal": ["fake pills"], "formal": "counterfeit medicines", "source": "test"},
    ]
    path.write_text(json.dumps({"provenance": "for this test", "entries": entries}), "utf-8")
    terms = load_everyday_terms(path)
    assert terms.expansions_in("Weed, fake-pills and Sniffer Dogs") == [
        "cannabis",
        "counterfeit medicines",
        "canine detection",
    ]
    assert terms.expansions_in("weed out the fake pillsbury") == []
    assert terms.expansions_in("weed-out") == []
