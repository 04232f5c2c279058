"""The payment QR code of a receipt, ГОСТ Р 56042-2014 (SPEC §3a): `ST00012|` — format version
0001, encoding 2 (UTF-8) — then `Key=value` pairs separated by `|`, the five required fields
first. Banking apps scan it to fill in a payment."""

from __future__ import annotations

import io
import re

import segno
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import Account
from app.billing.statement import PeriodDue
from app.readings.archive.labels import period_name

HEADER = "ST00012"
SEPARATOR = "|"
_LINE_BREAKS = re.compile(r"[\r\n]+")


def gost_payload(fields: list[tuple[str, str | None]]) -> str:
    """`ST00012|Name=…|PersonalAcc=…|…` from (key, value) pairs in order; empty values are left
    out and `|` inside a value becomes `/`."""
    parts = [HEADER]
    for key, value in fields:
        # A value may not contain the separator (it would start a new field); line breaks
        # confuse the apps.
        text = _LINE_BREAKS.sub(" ", (value or "").replace(SEPARATOR, "/")).strip()
        if text:
            parts.append(f"{key}={text}")
    return SEPARATOR.join(parts)


def receipt_payload(tenant, account: Account, figures: PeriodDue) -> str:
    """The QR payload of the period's receipt: the tenant's requisites, the amount due in kopecks
    (left out when nothing is due, so the app asks for an amount), account, period and payer."""
    requisites = tenant.config.requisites
    # Banks read the purpose: it stays Russian whatever the page's language.
    with force_locale("ru"):
        purpose = _(
            "Оплата по лицевому счёту %(number)s за %(period)s",
            number=account.number,
            period=period_name(figures.period),
        )
    return gost_payload(
        [
            ("Name", requisites.recipient),
            ("PersonalAcc", requisites.settlement_account),
            ("BankName", requisites.bank_name),
            ("BIC", requisites.bic),
            ("CorrespAcc", requisites.correspondent_account),
            ("KPP", requisites.kpp),
            ("PayeeINN", requisites.inn),
            ("Purpose", purpose),
            ("Sum", str(figures.due_kopecks) if figures.due_kopecks > 0 else None),
            ("PersAcc", account.number),
            ("PaymPeriod", figures.period.strftime("%m%Y")),  # ГОСТ: ММГГГГ
            ("LastName", account.owner_surname),
            ("PayerAddress", account.address),
        ]
    )


def qr_png(payload: str) -> io.BytesIO:
    """The payload as a QR code PNG: byte mode in UTF-8, error correction M as the standard asks
    (not raised by the encoder, so every app reads the same level), a 4-module quiet zone."""
    code = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    image = io.BytesIO()
    code.save(image, kind="png", scale=4, border=4)
    image.seek(0)
    return image
