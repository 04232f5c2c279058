"""How billing pages, the CSV and receipts write volumes, tariffs, payers and channels."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.accounts.models import Account
from app.billing.money import format_money
from app.readings.archive.labels import service_name, service_unit
from app.tenancy.context import get_current_tenant

# Channels as the billing system's payment files name them; others are shown as they come.
CHANNELS = {
    "bank": _l("банк"),
    "card": _l("банковская карта"),
    "cash": _l("касса"),
    "e_money": _l("электронные деньги"),
    "online": _l("онлайн"),
    "post": _l("почта"),
    "settlement_centre": _l("расчётный центр"),
}


def volume_text(milli: int | None) -> str:
    """Thousandths of the unit → «4», «4,5», «4,125»; «—» when not known."""
    if milli is None:
        return "—"
    value = (Decimal(milli) / 1000).normalize()
    return f"{value:f}".replace(".", ",")


def tariff_text(kopecks: int | None, *, currency: bool = True) -> str:
    return format_money(kopecks, currency=currency)


def channel_label(code: str | None) -> str:
    if not code:
        return "—"
    return str(CHANNELS.get(code, code))


def payer_name(account: Account) -> str:
    """The organisation for legal entities and management companies, else the owner."""
    return account.organisation_name or account.owner_full_name


def is_organisation(account: Account) -> bool:
    return account.kind in {"legal", "management_company"}


def template_filters() -> dict:
    """`money`, `volume`, `service_name`, `service_unit`, `payment_channel` for the pages."""
    return {
        "money": format_money,
        "volume": volume_text,
        "service_name": lambda code: service_name(get_current_tenant(), code),
        "service_unit": lambda code: service_unit(get_current_tenant(), code),
        "payment_channel": channel_label,
    }
