"""Money as integer kopecks end to end (SPEC §1: never floats): parsing and display."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

_AMOUNT = re.compile(r"^-?[0-9]+(?:[.,][0-9]{1,2})?$")


def parse_kopecks(raw: str | None) -> int:
    """Roubles as written («1 234,56», «1234.5», «-12.30») in integer kopecks; ValueError when
    not an amount. «1234,5» means 1234.50: the digits after the separator are kopecks' tens."""
    text = re.sub(r"[\s\u00a0\u202f]+", "", raw or "")
    if not _AMOUNT.fullmatch(text):
        raise ValueError(raw)
    return int(Decimal(text.replace(",", ".")) * 100)


def round_kopecks(exact: Decimal) -> int:
    """An exact amount in kopecks rounded half up to a whole kopeck."""
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def charge_kopecks(volume_milli: int, tariff_kopecks: int) -> int:
    """Volume (thousandths of a unit) × tariff (kopecks per unit), rounded half up to the kopeck."""
    return round_kopecks(Decimal(volume_milli) * tariff_kopecks / 1000)


def format_money(kopecks: int | None, *, currency: bool = True) -> str:
    """12345678 → «123 456,78 ₽» (thin spaces between thousands, as Russian receipts print)."""
    if kopecks is None:
        return "—"
    sign = "−" if kopecks < 0 else ""
    roubles, rest = divmod(abs(kopecks), 100)
    whole = f"{roubles:,}".replace(",", "\u00a0")
    text = f"{sign}{whole},{rest:02d}"
    return f"{text}\u00a0₽" if currency else text
