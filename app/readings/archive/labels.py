"""How history, protocol and chart name things: channels, authors, periods, the tenant's
dictionaries. Shared by the pages and the PDFs so both say the same."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_datetime
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import Meter
from app.readings.models import Submission
from app.readings.values import format_value

CHANNELS = {
    "web": _l("сайт"),
    "api": _l("API"),
    "office": _l("офис"),
    "email": _l("e-mail"),
    "import": _l("импорт"),
}
AUTHOR_KINDS = {
    "resident": _l("абонент"),
    "staff": _l("сотрудник водоканала"),
    "system": _l("загружено из расчётной системы"),
}
# Three letters fit under a bar of a 24-month chart at 360 px; Babel's «нояб.» does not.
MONTHS = (
    _l("янв"),
    _l("фев"),
    _l("мар"),
    _l("апр"),
    _l("май"),
    _l("июн"),
    _l("июл"),
    _l("авг"),
    _l("сен"),
    _l("окт"),
    _l("ноя"),
    _l("дек"),
)


def channel_label(code: str) -> str:
    return str(CHANNELS.get(code, code))


def author_label(submission: Submission) -> str:
    """The name stored with the submission, and who that was when it is not the resident."""
    kind = str(AUTHOR_KINDS.get(submission.author_kind, submission.author_kind))
    if not submission.author_name:
        return kind
    if submission.author_kind == "resident":
        return submission.author_name
    return f"{submission.author_name} ({kind})"


def period_name(period: date) -> str:
    """«ноябрь 2026»."""
    return format_date(period, "LLLL y")


def month_abbreviation(period: date) -> str:
    return str(MONTHS[period.month - 1])


def local_time(tenant, moment: datetime) -> str:
    """«21.11.2026 14:05» on the utility's clock, whatever the server's zone."""
    return format_datetime(
        moment, "dd.MM.yyyy HH:mm", tzinfo=tenant.time_zone, locale=str(get_locale() or "ru")
    )


def zone_name(tenant, moment: datetime) -> str:
    """«Europe/Moscow, UTC+03:00»: the protocol says which clock its time is on."""
    offset = format_datetime(moment, "xxx", tzinfo=tenant.time_zone, locale="en")
    return f"{tenant.config.time_zone}, UTC{offset}"


def zone_label(meter: Meter, zone: int) -> str:
    """Empty for a single-rate meter; «зона 1» / «зона 2» for a two-rate one."""
    return _("зона %(zone)d", zone=zone) if meter.zones > 1 else ""


def meter_label(meter: Meter, zone: int | None = None) -> str:
    label = zone_label(meter, zone) if zone else ""
    return f"{meter.serial}, {label}" if label else meter.serial


def service_name(tenant, code: str) -> str:
    return next((s.name for s in tenant.config.services if s.code == code), code)


def service_unit(tenant, code: str) -> str:
    return next((s.unit for s in tenant.config.services if s.code == code), "м³")


def calculation_type_label(tenant, code: str | None) -> str:
    return _dictionary_label(tenant.config.readings.calculation_types, code)


def note_label(tenant, code: str | None) -> str:
    return _dictionary_label(tenant.config.readings.notes, code)


def _dictionary_label(entries, code: str | None) -> str:
    # A code the tenant has since dropped from its dictionary is still shown, as the code.
    if not code:
        return ""
    return next((entry.label for entry in entries if entry.code == code), code)


def value_text(tenant, milli: int | None) -> str:
    return format_value(milli, tenant.config.readings.decimals)


def approximate_text(tenant, milli: int | None) -> str:
    """An average or a spread-out month: one decimal more than readings have, never ending in
    «,0» — «2,5» rather than a rounded «2»."""
    if milli is None:
        return "—"
    places = max(tenant.config.readings.decimals, 1)
    value = (Decimal(milli) / 1000).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
