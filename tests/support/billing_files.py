"""Helpers of the billing exchange tests: writing a CSV file, reading the problems of an import,
and a picture of a tenant's table to compare before and after."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.tenancy.context import tenant_scope

ACCOUNTS = (
    "account_number,settlement,owner_surname,owner_full_name,address,kind,private_house,"
    "common_house_meter,email,phone"
)
METERS = "account_number,serial,service,zones,digits,verified_until,last_reading"
CHARGES = "account_number,period,service,volume,tariff,amount"
PAYMENTS = "account_number,paid_on,amount,channel"

# A moment well after any test's set-up: importing again then shows whether timestamps move.
LATER = datetime(2031, 6, 2, 9, 0, tzinfo=UTC)


def write(tmp_path, *lines, name="file.csv", encoding="utf-8", delimiter=","):
    """A CSV file of `lines` (written with «,»; `delimiter` replaces it) in `encoding`."""
    path = tmp_path / name
    text = "\n".join(line.replace(",", delimiter) for line in lines) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def messages(result):
    """(line, column, reason) of every problem an import reported."""
    return [(p.line, p.column, p.reason) for p in result.problems]


def table(tenant, model):
    """Every row of `model`'s table in `tenant` (all columns, timestamps included), in key order."""
    rows = model.__table__
    with tenant_scope(tenant):
        return db.session.execute(
            select(*rows.columns)
            .where(rows.c.tenant_id == tenant.id)
            .order_by(*rows.primary_key.columns)
        ).all()


def later(monkeypatch):
    """Move the clock to LATER (and the tenant's «today» with it)."""
    monkeypatch.setattr("app.clock.now", lambda: LATER)
