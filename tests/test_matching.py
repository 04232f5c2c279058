"""Comparing typed names, meter serials and addresses with the account data (registration, lookup)."""

from __future__ import annotations

import pytest

from app.registration.matching import (
    address_tokens,
    addresses_match,
    names_match,
    serials_match,
    spelling_variants,
)

STORED = "г. Новосибирск, ул. Грибоедова, д. 32, кв. 5"


@pytest.mark.parametrize(
    "typed",
    ["  алёшина ", "АЛЕШИНА", "Алешина", "Алёшина"],
)
def test_names_match_up_to_case_yo_and_spaces(typed):
    assert names_match(typed, "Алёшина")


def test_full_names_compare_word_for_word():
    assert names_match("петрова  анна   сергеевна", "Петрова Анна Сергеевна")
    assert not names_match("Петрова Анна", "Петрова Анна Сергеевна")
    assert not names_match("Анна Сергеевна Петрова", "Петрова Анна Сергеевна")


def test_an_empty_name_matches_nothing():
    assert not names_match("", "")
    assert not names_match("   ", None)


def test_meter_serials_ignore_case_and_spaces():
    assert serials_match(" всх 01 234 ", ["ВСХ01234", "ГВС-77"])
    assert serials_match("гвс-77", ["ВСХ01234", "ГВС-77"])
    assert not serials_match("ВСХ0123", ["ВСХ01234"])
    assert not serials_match("", ["ВСХ01234"])
    assert not serials_match("ВСХ01234", [])


@pytest.mark.parametrize(
    "typed",
    [
        "ул. Грибоедова, д. 32, кв. 5",
        "Грибоедова 32-5",
        "грибоедова д32 кв5",
        "Новосибирск, улица Грибоедова, дом 32, квартира 5",
        "630099, г. Новосибирск, ул. Грибоедова, д. 32, кв. 05",
        "Грибоёдова 32, 5",
    ],
)
def test_addresses_match_whatever_the_abbreviations(typed):
    assert addresses_match(typed, STORED, ignore_words=["Новосибирск", "г. Новосибирск"])


@pytest.mark.parametrize(
    "typed",
    [
        "ул. Грибоедова, д. 32, кв. 6",  # another flat
        "ул. Грибоедова, д. 5, кв. 32",  # house and flat swapped
        "ул. Грибоедова, д. 32",  # the flat left out
        "ул. Ленина, д. 32, кв. 5",  # another street
        "ул. Грибоедова, д. 32а, кв. 5",  # another house
        "32 5",  # numbers alone would match half the town
        "ул. Грибоедова",  # no numbers at all
    ],
)
def test_addresses_differ_in_a_number_or_a_street_word(typed):
    assert not addresses_match(typed, STORED, ignore_words=["Новосибирск"])


def test_a_town_name_not_in_the_stored_address_needs_to_be_ignored():
    stored = "ул. Ленина, д. 1, кв. 1"
    assert not addresses_match("г. Ангарск, ул. Ленина, 1-1", stored)
    assert addresses_match("г. Ангарск, ул. Ленина, 1-1", stored, ignore_words=["Ангарск"])


def test_house_letters_and_numbered_streets_stay_with_their_numbers():
    assert address_tokens("ул. 2-я Строителей, д. 5-а, кв. 7") == (
        ["2я", "5а", "7"],
        {"строителей"},
    )
    assert addresses_match("2-я Строителей 5а-7", "ул. 2-я Строителей, д. 5а, кв. 7")
    assert not addresses_match("2-я Строителей 5-7", "ул. 2-я Строителей, д. 5а, кв. 7")


def test_hyphenated_names_and_street_types_are_split_or_dropped():
    numbers, words = address_tokens("пр-т Каменск-Уральский, 3")
    assert numbers == ["3"]
    assert words == {"каменск", "уральский"}


def test_spelling_variants_cover_case_and_yo():
    variants = spelling_variants("алешина")
    assert {"Алешина", "Алёшина", "АЛЁШИНА", "алешина"} <= variants
    assert spelling_variants("Римский-Корсаков") >= {"Римский-Корсаков", "РИМСКИЙ-КОРСАКОВ"}
    assert spelling_variants("  ") == set()


def test_spelling_variants_stay_bounded_for_long_words():
    assert len(spelling_variants("е" * 12)) <= 4 * 2**4
