"""Comparing what a resident types with the account data the billing system holds.

Residents copy names, meter serials and addresses from paper receipts and type them their own way:
«Алёшина» or «АЛЕШИНА», «ул. Ленина, д. 5, кв. 12» or «Ленина 5-12». These helpers accept such
variants and nothing looser: a number that differs, or a street word the stored address lacks, is a
mismatch.
"""

from __future__ import annotations

import itertools
import re

from app.text import fold

# Words that only say what kind of thing follows (street, house, flat, town…): never compared.
_ABBREVIATIONS = (
    "ул улица пр пр-т пр-кт просп проспект пер переулок б-р бул бульвар ш шоссе наб "
    "набережная пл площадь проезд пр-д туп тупик аллея мкр мкрн микрорайон кв квартира "
    "кварт комн комната ком д дом корп корпус к стр строение лит литера литер влд владение "
    "оф офис пом помещение г город гор пос поселок пгт п с село дер деревня снт обл "
    "область р-н район респ республика россия рф "
)
ADDRESS_ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())
_PUNCTUATION = re.compile(r"[.,;:/\\\"'«»()№#*+]")
# «5-а» → «5а», «1-я» → «1я»: a letter joined to a number belongs to it (house 5а ≠ house 5).
_NUMBER_LETTER = re.compile(r"(\d)\s*-\s*([а-яa-z])(?![а-яa-z])")
_TOKEN = re.compile(r"\d+[а-яa-z]?(?![а-яa-z])|\d+|[а-яa-z]+(?:-[а-яa-z]+)*")
_POSTCODE = re.compile(r"^\d{6}$")
_MAX_YO_POSITIONS = 4  # spelling variants grow as 2^n; surnames rarely have more «е»


def names_match(typed: str | None, stored: str | None) -> bool:
    """Same name up to case, «ё»/«е» and spacing; an empty name matches nothing."""
    typed_folded = fold(typed)
    return bool(typed_folded) and typed_folded == fold(stored)


def serial_key(serial: str | None) -> str:
    """A meter serial as compared: case-insensitive, spaces ignored («ВСХ 01 234» = «всх01234»)."""
    return re.sub(r"\s+", "", fold(serial))


def serials_match(typed: str | None, serials) -> bool:
    """True when `typed` is one of `serials` (the account's meters)."""
    key = serial_key(typed)
    return bool(key) and any(key == serial_key(serial) for serial in serials)


def address_tokens(address: str | None) -> tuple[list[str], set[str]]:
    """(the numbers in order, the set of words) of an address, abbreviations and postcode left out."""
    text = _PUNCTUATION.sub(" ", fold(address))
    text = _NUMBER_LETTER.sub(r"\1\2", text)
    numbers: list[str] = []
    words: set[str] = set()
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            if not _POSTCODE.match(token):
                numbers.append(token.lstrip("0") or "0")
        elif token not in ADDRESS_ABBREVIATIONS:
            words.update(part for part in token.split("-") if part not in ADDRESS_ABBREVIATIONS)
    return numbers, words


def addresses_match(typed: str | None, stored: str | None, *, ignore_words=()) -> bool:
    """Loose address comparison: the same house and flat numbers in the same order, and every
    street word typed is a word of the stored address. `ignore_words` (the town's name, say) may
    be typed or left out freely."""
    ignored = {word for text in ignore_words for word in address_tokens(text)[1]}
    typed_numbers, typed_words = address_tokens(typed)
    stored_numbers, stored_words = address_tokens(stored)
    typed_words -= ignored
    if not typed_numbers or not typed_words:  # «5 12» alone would match half the town
        return False
    return typed_numbers == stored_numbers and typed_words <= stored_words - ignored


def spelling_variants(word: str) -> set[str]:
    """How `word` may be stored: capitalised, upper or lower case, with «ё» for any «е».

    Lets a query narrow accounts by surname in SQL, where case and «ё» folding are not portable.
    """
    base = fold(word)
    if not base:
        return set()
    positions = [index for index, char in enumerate(base) if char == "е"][:_MAX_YO_POSITIONS]
    spellings = set()
    for chosen in itertools.product((False, True), repeat=len(positions)):
        chars = list(base)
        for position, use_yo in zip(positions, chosen, strict=True):
            if use_yo:
                chars[position] = "ё"
        spellings.add("".join(chars))
    return {
        variant
        for spelling in spellings
        for variant in (spelling, spelling.capitalize(), spelling.title(), spelling.upper())
    }
