"""The statement as CSV for spreadsheets: UTF-8 with a byte-order mark and `;` between columns,
decimal commas — what Russian Excel opens correctly with a double click.

Columns `kind;period;service;volume;tariff;amount;paid_on;channel`: a `charge` row per period and
service (as the billing import's charges file, with the service's name), then a `payment` row per
payment (its month in `period`, the day in `paid_on`). Amounts in roubles with two decimals.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from app.billing.statement import Statement
from app.billing.web.labels import channel_label, volume_text
from app.readings.archive.labels import service_name

HEADER = ("kind", "period", "service", "volume", "tariff", "amount", "paid_on", "channel")
BOM = "\ufeff"


def statement_csv(tenant, found: Statement) -> bytes:
    """The charges and payments of `found` as the bytes of a CSV file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for period in found.periods:
        for line in period.lines:
            writer.writerow(
                (
                    "charge",
                    line.period.strftime("%Y-%m"),
                    _text(service_name(tenant, line.service)),
                    volume_text(line.volume_milli) if line.volume_milli is not None else "",
                    _roubles(line.tariff_kopecks),
                    _roubles(line.amount_kopecks),
                    "",
                    "",
                )
            )
    for payment in found.payments:
        writer.writerow(
            (
                "payment",
                payment.paid_on.strftime("%Y-%m"),
                "",
                "",
                "",
                _roubles(payment.amount_kopecks),
                payment.paid_on.isoformat(),
                _text(channel_label(payment.channel)) if payment.channel else "",
            )
        )
    return (BOM + buffer.getvalue()).encode("utf-8")


def _roubles(kopecks: int | None) -> str:
    """Integer kopecks → «209,20», «-12,30»: no spaces, no currency, so Excel reads a number."""
    if kopecks is None:
        return ""
    return f"{Decimal(kopecks).scaleb(-2):f}".replace(".", ",")


def _text(value: str) -> str:
    # A cell starting with = + - @ is a formula to Excel: imported text must stay text.
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} else value
