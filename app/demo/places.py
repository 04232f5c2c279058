"""Streets of the settlements demo accounts live in (places.yaml) and how an address reads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PLACES_FILE = Path(__file__).parent / "places.yaml"


@dataclass(frozen=True)
class Streets:
    """Where a settlement's apartment buildings and its private houses stand."""

    apartment: tuple[str, ...]
    private_house: tuple[str, ...]


@cache
def _places() -> dict:
    return yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))


def streets_for(settlement_code: str) -> Streets:
    """The streets of a settlement; the generic list for a settlement the file does not know."""
    places = _places()
    entry = places["settlements"].get(settlement_code) or places["fallback"]
    apartment = tuple(entry["streets"])
    return Streets(apartment, tuple(entry.get("private_streets") or apartment))


def format_address(settlement_name: str, street: str, house: str, premises: str | None) -> str:
    """`г. Чебоксары, ул. Ленинградская, д. 24, кв. 57`; a private house has no premises part."""
    address = f"{settlement_name}, {street}, д. {house}"
    return f"{address}, {premises}" if premises else address
