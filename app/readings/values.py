"""Reading values as integers in thousandths of the unit: typed text in, display text out."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

_TYPED = re.compile(r"^[0-9]+(?:[.,][0-9]+)?$")


class InvalidValue(ValueError):
    """Not a reading; the message says what is expected."""


def parse_value(raw: str, decimals: int) -> int:
    """«1234», «12,5» → thousandths; refuses negatives, letters and more decimals than allowed."""
    text = re.sub(r"\s+", "", raw or "")
    if not _TYPED.fullmatch(text):
        if decimals:
            raise InvalidValue(
                _("Введите число, например 1234 или 1234,%(fraction)s.", fraction="5" * decimals)
            )
        raise InvalidValue(_("Введите целое число без букв и знаков, например 1234."))
    whole, _separator, fraction = text.replace(",", ".").partition(".")
    if len(fraction.rstrip("0")) > decimals:
        if decimals:
            raise InvalidValue(
                ngettext(
                    "Не больше %(num)d знака после запятой.",
                    "Не больше %(num)d знаков после запятой.",
                    decimals,
                )
            )
        raise InvalidValue(_("Показание — целое число: дробная часть не указывается."))
    return int(Decimal(f"{whole}.{fraction or 0}") * 1000)


def format_value(milli: int | None, decimals: int) -> str:
    """Thousandths → «1234» or «1234,50» with the tenant's number of decimals."""
    if milli is None:
        return "—"
    value = (Decimal(milli) / 1000).quantize(Decimal(1).scaleb(-decimals))
    return f"{value:f}".replace(".", ",")


def meter_maximum(digits: int) -> int:
    """The first value a meter with `digits` whole digits cannot show, in thousandths."""
    return 10**digits * 1000
