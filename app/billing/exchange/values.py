"""Cell parsers of billing files: raw text in, a typed value out, or `Invalid` with the reason.

Each parser tries the strict form a billing system writes first (one regular expression) and only
then the forms people type in spreadsheets (spaces, «,» for decimals), so a million clean rows cost
little. Reasons are Russian: staff read them in /admin next to the line and the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from app.billing.money import parse_kopecks

Parser = Callable[[str], Any]

# Bounds that keep every value inside BIGINT and every date plausible for billing.
MAX_KOPECKS = 10**15
YEARS = range(2000, 2101)

REQUIRED = "обязательное поле"

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})").fullmatch
_PERIOD = re.compile(r"(\d{4})-(\d{2})").fullmatch
_MILLI = re.compile(r"(\d{1,12})(?:[.,](\d{1,3}))?").fullmatch
_KOPECKS = re.compile(r"(-?)(\d{1,13})(?:[.,](\d{1,2}))?").fullmatch


def _fractions(places: int) -> dict[str | None, int]:
    # «5» after the separator is 500 thousandths (or 50 kopecks): the digits are tenths first.
    table: dict[str | None, int] = {None: 0}
    for length in range(1, places + 1):
        for number in range(10**length):
            digits = str(number).zfill(length)
            table[digits] = int(digits.ljust(places, "0"))
    return table


_THOUSANDTHS = _fractions(3)
_HUNDREDTHS = _fractions(2)


class Invalid(ValueError):
    """A cell that is not what its column expects; `reason` says what is expected."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def cached(parse: Parser, limit: int = 4096) -> Parser:
    """`parse` remembering its answers for columns with few distinct values (periods, codes)."""
    answers: dict[str, Any] = {}
    missing = object()

    def lookup(raw: str) -> Any:
        value = answers.get(raw, missing)
        if value is missing:
            value = parse(raw)  # Invalid is raised every time, never remembered
            if len(answers) < limit:
                answers[raw] = value
        return value

    return lookup


def optional(parse: Parser) -> Parser:
    """`parse`, with an empty cell meaning None."""

    def parse_optional(raw: str) -> Any:
        if not raw or not raw.strip():
            return None
        return parse(raw)

    return parse_optional


def text(max_length: int, *, required: bool = True) -> Parser:
    """Free text, trimmed, at most `max_length` characters; None when empty and not required."""

    def parse(raw: str) -> str | None:
        value = _SPACES.sub(" ", raw).strip()
        if not value:
            if required:
                raise Invalid(REQUIRED)
            return None
        if len(value) > max_length:
            raise Invalid(f"не длиннее {max_length} символов")
        return value

    return parse


def choice(options: Iterable[str], what: str) -> Parser:
    """One of `options`, exactly (codes are lower-case latin)."""
    allowed = tuple(options)

    def parse(raw: str) -> str:
        value = raw.strip()
        if value in allowed:
            return value
        if not value:
            raise Invalid(REQUIRED)
        raise Invalid(f"{what} «{value}» неизвестен: ожидается {', '.join(allowed)}")

    return cached(parse)


def flag(raw: str) -> bool:
    """«0» or «1»."""
    value = raw.strip()
    if value == "1":
        return True
    if value == "0":
        return False
    raise Invalid("ожидается 0 или 1")


def integer_in(low: int, high: int, what: str) -> Parser:
    """A whole number from `low` to `high`."""

    def parse(raw: str) -> int:
        value = raw.strip()
        if value.isascii() and value.isdigit() and low <= int(value) <= high:
            return int(value)
        if not value:
            raise Invalid(REQUIRED)
        options = f"{low} или {high}" if high == low + 1 else f"от {low} до {high}"
        raise Invalid(f"{what}: {options}")

    return cached(parse)


def calendar_date(raw: str) -> date:
    """A date written YYYY-MM-DD."""
    match = _DATE(raw) or _DATE(raw.strip())
    if match is None:
        raise Invalid(
            REQUIRED if not raw.strip() else "дата в формате ГГГГ-ММ-ДД, например 2026-03-15"
        )
    year, month, day = map(int, match.groups())
    if year not in YEARS:
        raise Invalid(f"год {year} вне допустимого диапазона")
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid(f"такой даты нет: {match.group(0)}") from None


def period(raw: str) -> date:
    """A billing period written YYYY-MM: the first day of that month."""
    match = _PERIOD(raw) or _PERIOD(raw.strip())
    if match is None:
        raise Invalid(REQUIRED if not raw.strip() else "период в формате ГГГГ-ММ, например 2026-03")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise Invalid(f"месяца {match.group(2)} нет: ожидается 01–12")
    if year not in YEARS:
        raise Invalid(f"год {year} вне допустимого диапазона")
    return date(year, month, 1)


def thousandths(what: str) -> Parser:
    """A non-negative number with up to 3 decimals («12.345», «12,5») in thousandths."""

    def parse(raw: str) -> int:
        match = _MILLI(raw)
        if match is None:
            match = _MILLI(_SPACES.sub("", raw))
        if match is not None:
            whole, fraction = match.groups()
            return int(whole) * 1000 + _THOUSANDTHS[fraction]
        value = _SPACES.sub("", raw)
        if not value:
            raise Invalid(REQUIRED)
        if value.startswith("-") and _MILLI(value[1:]):
            raise Invalid(f"{what} не может быть отрицательным")
        if re.fullmatch(r"\d+[.,]\d{4,}", value):
            raise Invalid(f"{what}: не больше 3 знаков после запятой")
        raise Invalid(f"{what} — число, например 12.345")

    return parse


def kopecks(what: str, *, minimum: int | None = None, below_minimum: str = "") -> Parser:
    """Roubles with up to 2 decimals («1234.56», «-12,3», «1 234,56») in kopecks.

    Charges may be negative (recalculations): no `minimum`; tariffs and payments may not, and
    `below_minimum` says so.
    """

    def parse(raw: str) -> int:
        match = _KOPECKS(raw)
        if match is not None:
            sign, whole, fraction = match.groups()
            value = int(whole) * 100 + _HUNDREDTHS[fraction]
            value = -value if sign else value
        else:
            if not raw.strip():
                raise Invalid(REQUIRED)
            try:
                value = parse_kopecks(raw)
            except ValueError:
                raise Invalid(f"{what} в рублях с копейками, например 1234.56") from None
        if minimum is not None and value < minimum:
            raise Invalid(below_minimum)
        if abs(value) >= MAX_KOPECKS:
            raise Invalid(f"{what}: слишком большое значение")
        return value

    return parse
