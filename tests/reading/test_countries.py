"""The writer's country named outright: names in several languages and ISO codes."""

from __future__ import annotations

import pytest

from matcher.errors import InputError
from matcher.reading.countries import country_names, resolve_country


@pytest.mark.parametrize("name", ["Burkina Faso", "burkina faso", "BF", "bfa", "  Burkina   Faso "])
def test_a_country_is_named_by_name_or_code(name: str) -> None:
    place = resolve_country(name)
    assert (place.name, place.region) == ("Burkina Faso", "West Africa")


def test_names_in_other_languages_and_accents_resolve() -> None:
    assert resolve_country("México").name == "Mexico"
    assert resolve_country("cote d'ivoire").name == "Côte d'Ivoire"


@pytest.mark.parametrize("name", ["Atlantis", "", "   ", 42])
def test_an_unknown_country_is_one_line_saying_how_to_name_it(name: object) -> None:
    with pytest.raises(InputError) as err:
        resolve_country(name)
    message = str(err.value)
    assert "\n" not in message and ("ISO" in message or "code" in message)


def test_a_near_miss_names_the_countries_it_might_mean() -> None:
    with pytest.raises(InputError, match="Burkina Faso"):
        resolve_country("Burkina")


def test_the_picker_lists_every_country_once_in_english() -> None:
    names = country_names()
    assert len(names) == len(set(names)) > 190
    assert "Ghana" in names and "Burkina Faso" in names
