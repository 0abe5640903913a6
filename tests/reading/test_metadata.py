"""Places and organisations read from text, on sentences written for these tests."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError
from importlib import resources

import pytest

from matcher.reading.metadata import (
    Place,
    PlaceKind,
    country_table,
    find_organizations,
    find_regions,
    mentioned_regions,
    read_places,
    region_ancestors,
    region_parents,
    regions_compatible,
)


def names(text: str) -> list[str]:
    return [p.name for p in read_places(text)]


def test_a_place_is_a_small_frozen_record() -> None:
    (chad,) = read_places("We work across Chad.")
    assert chad == Place("Chad", PlaceKind.COUNTRY, "Central Africa")
    assert chad.kind == "country"
    with pytest.raises(FrozenInstanceError):
        chad.name = "Niger"  # type: ignore[misc]
    (region,) = read_places("programmes in West Africa")
    assert region == Place("West Africa", PlaceKind.REGION, "West Africa")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The placement of staff was reviewed.", []),  # "lac" inside "placement"
        ("A perusal of the Omanibus report.", []),  # Peru, Oman inside words
        ("A declaration on the pacification of the border.", []),
        ("Kenyan colleagues.", ["Kenya"]),  # an adjective is a whole word
    ],
)
def test_a_place_inside_another_word_is_not_read(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_lac_is_a_lake_in_french_and_the_region_only_as_written() -> None:
    assert names("Le lac Léman borde la Suisse.") == ["Switzerland"]
    assert names("Les pêcheurs du lac Tchad et du Niger.") == ["Chad", "Niger"]
    assert names("Training for LAC countries.") == ["Latin America and the Caribbean"]


def test_pacifico_is_peaceful_unless_written_as_the_region() -> None:
    assert names("Apoyamos el uso pacífico de la química.") == []
    assert names("Somos un pueblo pacífico.") == []
    assert names("Trabajamos con las islas del Pacífico.") == ["Pacific"]
    assert names("La red cubre todo el Pacífico.") == ["Pacific"]


def test_a_coast_belongs_to_its_country_not_to_the_region_beyond() -> None:
    assert names("Vivimos en la costa del Pacífico de Nicaragua.") == ["Nicaragua"]
    assert names("Ports on the Caribbean coast of Honduras.") == ["Honduras"]


def test_chad_in_english_and_tchad_in_french_are_both_chad() -> None:
    assert names("Refugees from Chad and Sudan.") == ["Chad", "Sudan"]
    assert names("Le Tchad manque de laboratoires.") == ["Chad"]


def test_an_organisation_named_after_a_city_is_not_a_place() -> None:
    assert names("Our counsellors were certified by the Colombo Plan.") == []
    assert find_organizations("certified by the Colombo Plan") == ("Colombo Plan",)
    assert names("Our office in Colombo needs scanners.") == ["Sri Lanka"]


def test_russian_names_are_read_in_any_case() -> None:
    assert names("Мы работаем в Узбекистане и с Туркменистаном.") == [
        "Uzbekistan",
        "Turkmenistan",
    ]
    assert names("Поставки из Армении и Китая.") == ["Armenia", "China"]
    assert names("Маршрут из Южной Америки.") == ["South America"]
    assert names("Клиника в Бишкеке.") == ["Kyrgyzstan"]


def test_arabic_names_are_read_through_particles_and_as_adjectives() -> None:
    assert names("نتعاون مع الأردن وبالعراق") == ["Jordan", "Iraq"]
    assert names("قررت الحكومة اللبنانية") == ["Lebanon"]


def test_a_city_or_province_implies_its_country() -> None:
    assert names("Our clinic in Mombasa is full.") == ["Kenya"]
    assert names("La fiscalía de Sinaloa pide apoyo.") == ["Mexico"]


def test_an_ambiguous_name_follows_the_other_places_of_the_text() -> None:
    assert names("Liberia needs customs training.") == ["Liberia"]
    # Liberia is also a town of Costa Rica's Guanacaste province
    assert names("El hospital de Liberia, en Guanacaste, pide ayuda.") == ["Costa Rica"]
    assert names("Our partners in Atlanta, Georgia.") == ["United States"]
    assert names("Our lab in Tbilisi, Georgia.") == ["Georgia"]


def test_a_code_is_read_only_where_it_opens_a_note() -> None:
    assert names("KE – ministry of health: naloxone for clinics") == ["Kenya"]
    assert names("IT department needs new servers") == []
    assert names("We met KE officials") == []


def test_coordinated_regions_are_each_read() -> None:
    assert names("networks in West and Central Africa") == ["West Africa", "Central Africa"]
    assert names("trafficking in South-East and South Asia") == ["Southeast Asia", "South Asia"]


def test_mentioned_regions_derive_from_the_places_read() -> None:
    assert mentioned_regions("Kenya and Uganda share a border.") == ("East Africa",)
    # the Americas and the Caribbean: the inner region is the more specific
    assert mentioned_regions("Jamaica, in the Americas") == ("Caribbean",)
    assert mentioned_regions("nothing here") == ()


def test_region_hierarchy() -> None:
    assert region_ancestors("Andean") == [
        "Andean",
        "South America",
        "Latin America and the Caribbean",
        "Americas",
    ]
    assert region_ancestors("Gulf") == ["Gulf", "Middle East"]
    assert regions_compatible("Gulf", "Middle East")
    assert not regions_compatible("Caucasus", "Middle East")


def test_organisations_keep_their_acronyms_as_written() -> None:
    text = "UNODC and the World Customs Organization use PEN Online."
    assert find_organizations(text) == ("UNODC", "INCB", "WCO")
    assert find_organizations("a pen online shop") == ()
    assert find_organizations("The ES-CICAD team") == ("OAS/CICAD",)


@pytest.mark.parametrize(
    ("title", "text", "orgs", "expected"),
    [
        ("Prison reform in select Central Asian countries", "Text.", (), ("Central Asia",)),
        ("Networks in East and Southeast Asia", "Text.", (), ("East Asia", "Southeast Asia")),
        (
            "Data networks",
            "Monitoring in Latin American and Caribbean countries.",
            ("OAS/CICAD",),
            ("Latin America and the Caribbean",),
        ),
        ("Clinical guidelines", "Guidance from an expert group.", ("OAS/CICAD",), ()),
        ("Policy support", "Strengthening institutional capacities of Africa.", (), ("Africa",)),
        ("School prevention", "Used as in Europe and Australia.", (), ()),
        ("Surveys", "Support in Asia and Asia, offered globally.", (), ()),
        (
            "Surveillance",
            "The Ghanaian network ... improving Ghanaian clinics.",
            (),
            ("West Africa",),
        ),
    ],
)
def test_find_regions(
    title: str, text: str, orgs: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert find_regions(title, text, orgs) == expected


def test_data_tables_hold_together() -> None:
    parents = region_parents()
    assert all(p == "" or p in parents for p in parents.values())
    for iso3, row in country_table().items():
        assert row["region"] == "" or row["region"] in parents, iso3
        assert row["name"] and row["source"], iso3
    data = resources.files("matcher").joinpath("data")
    orgs = json.loads(data.joinpath("organizations.json").read_text("utf-8"))["organizations"]
    assert all(row["source"] and row["region"] in ("", *parents) for row in orgs.values())
    regions = json.loads(data.joinpath("regions.json").read_text("utf-8"))["regions"]
    assert all(
        row["source"] and set(row["aliases"]) == {"en", "es", "fr", "pt", "ru", "ar"}
        for row in regions.values()
    )
    places = json.loads(data.joinpath("places.json").read_text("utf-8"))
    assert all(p["country"] in country_table() and p["source"] for p in places)
