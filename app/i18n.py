"""Language and time zone of each request: Russian first, English on request; tenant-local time."""

from __future__ import annotations

from flask import has_request_context, request

from app.tenancy.context import get_current_tenant

LOCALES = ("ru", "en")
LOCALE_COOKIE = "lang"


def select_locale() -> str:
    """The resident's chosen language (cookie), else the tenant's default, else Russian."""
    chosen = request.cookies.get(LOCALE_COOKIE) if has_request_context() else None
    if chosen in LOCALES:
        return chosen
    tenant = get_current_tenant()
    return tenant.config.locale if tenant else "ru"


def select_timezone() -> str:
    """Dates are shown in the tenant's time zone (SPEC §1); the platform host uses Moscow time."""
    tenant = get_current_tenant()
    return tenant.config.time_zone if tenant else "Europe/Moscow"
