"""Checking each typed reading against its meter (SPEC §3): digits, previous value and roll-over,
unusual jumps, the verification date. Plain functions; no request needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from app.accounts.models import Meter
from app.readings.baselines import Baseline, consumption
from app.readings.values import InvalidValue, format_value, meter_maximum, parse_value

EMPTY, OK, CONFIRM, REFUSED, BLOCKED = "empty", "ok", "confirm", "refused", "blocked"
# A meter showing less than before is taken as having rolled over only from this close to its end.
ROLL_OVER_MARGIN = Decimal("0.1")
# Below this consumption (thousandths) no jump is worth asking about, whatever the average.
MIN_JUMP_MILLI = 2000


@dataclass(frozen=True)
class RowCheck:
    """The verdict on one meter row: whether it is transmitted, and what the resident is told."""

    meter: Meter
    zone: int
    status: str
    value_milli: int | None = None
    consumption_milli: int | None = None
    message: str | None = None
    flagged: bool = False  # an unusual jump the resident confirmed: staff look at it
    calculation_type: str | None = None  # the tenant's «вид расчёта» code, when it has them
    note: str | None = None  # the tenant's «примечание» code

    @property
    def transmitted(self) -> bool:
        return self.status == OK


def verification_expired(meter: Meter, today: date) -> bool:
    """A meter past its поверка date takes no readings."""
    return meter.verified_until is not None and meter.verified_until < today


def check_row(
    meter: Meter,
    zone: int,
    raw: str | None,
    baseline: Baseline,
    *,
    decimals: int,
    jump_factor: Decimal,
    today: date,
    jump_confirmed: bool = False,
    unit: str = "м³",
) -> RowCheck:
    """Verdict on the value typed for `meter` (zone `zone`)."""
    if verification_expired(meter, today):
        return RowCheck(
            meter,
            zone,
            BLOCKED,
            message=_(
                "Срок поверки прибора истёк %(date)s: показания по нему не принимаются. Поверьте или "
                "замените прибор и сообщите в водоканал.",
                date=format_date(meter.verified_until),
            ),
        )
    if not (raw or "").strip():
        return RowCheck(meter, zone, EMPTY)
    try:
        value = parse_value(raw, decimals)
    except InvalidValue as error:
        return RowCheck(meter, zone, REFUSED, message=str(error))
    if value >= meter_maximum(meter.digits):
        return RowCheck(
            meter,
            zone,
            REFUSED,
            message=ngettext(
                "У прибора %(num)d цифра до запятой: такое показание он показать не может.",
                "У прибора %(num)d цифр до запятой: такое показание он показать не может.",
                meter.digits,
            ),
        )
    previous = baseline.previous_milli
    if previous is None:
        return RowCheck(meter, zone, OK, value_milli=value)
    if value < previous and not _rolled_over(previous, value, meter.digits):
        return RowCheck(
            meter,
            zone,
            REFUSED,
            value_milli=value,
            message=_(
                "Показание меньше предыдущего (%(previous)s). Проверьте цифры до запятой.",
                previous=format_value(previous, decimals),
            ),
        )
    used = consumption(previous, value, meter.digits)
    average = baseline.average_milli
    if average and used > max(MIN_JUMP_MILLI, int(average * jump_factor)):
        if not jump_confirmed:
            return RowCheck(
                meter,
                zone,
                CONFIRM,
                value_milli=value,
                consumption_milli=used,
                message=_(
                    "Расход %(used)s %(unit)s намного больше обычного (в среднем %(average)s "
                    "%(unit)s в месяц). Проверьте показание; если всё верно — подтвердите его: "
                    "возможна утечка.",
                    used=format_value(used, decimals),
                    average=format_value(average, decimals),
                    unit=unit,
                ),
            )
        return RowCheck(meter, zone, OK, value_milli=value, consumption_milli=used, flagged=True)
    return RowCheck(meter, zone, OK, value_milli=value, consumption_milli=used)


def _rolled_over(previous: int, value: int, digits: int) -> bool:
    maximum = meter_maximum(digits)
    margin = int(maximum * ROLL_OVER_MARGIN)
    return previous >= maximum - margin and value < margin
