"""What every template can use: the tenant, its branding and contacts, links between hosts."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from flask import Flask
from flask_babel import get_locale

from app.tenancy.context import get_current_tenant
from app.tenancy.urls import platform_url, tenant_url

_DAY_NAMES = {
    "ru": ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=1024)
def format_phone(e164: str) -> str:
    """`+78352557080` → `+7 835 255-70-80` (the national grouping residents recognise).

    Kept per process: the footer shows the utility's phones on every page, and phonenumbers
    takes longer than the rest of the footer."""
    try:
        number = phonenumbers.parse(e164, "RU")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def format_days(days) -> str:
    """`[mon, tue, wed, thu]` → `Пн–Чт`; gaps become commas: `Пн, Ср–Пт`."""
    names = _DAY_NAMES.get(str(get_locale() or "ru"), _DAY_NAMES["ru"])
    indexes = sorted(_WEEKDAYS.index(day) for day in days)
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ", ".join(
        names[run[0]] if len(run) == 1 else f"{names[run[0]]}–{names[run[-1]]}" for run in runs
    )


def _template_globals() -> dict:
    from app.cabinet.context import current_account, linked_accounts

    return {
        "linked_accounts": linked_accounts,
        "current_account": current_account,
        "tenant": get_current_tenant(),
        "platform_url": platform_url,
        "tenant_url": tenant_url,
        "current_locale": str(get_locale() or "ru"),
    }


def register_template_helpers(app: Flask) -> None:
    app.context_processor(_template_globals)
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(format_days, "days")
