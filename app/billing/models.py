"""Charges and payments imported from the utility's billing system, and the import runs (SPEC §4).

Money is integer kopecks end to end (SPEC §1: never floats); volumes are thousandths of the unit.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import JSONDocument, UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped

IMPORT_KINDS = ("accounts", "meters", "charges", "payments")
IMPORT_STATUSES = ("queued", "running", "done", "failed")


class Charge(TenantScoped, db.Model):
    """What an account was charged for one service in one billing period (one row per
    account, period and service: importing the same file again changes nothing)."""

    __tablename__ = "charges"
    __tenant_foreign_key__ = False  # the composite keys below pin the tenant
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"
        ),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period: Mapped[date] = mapped_column(primary_key=True)  # first day of the billing month
    service: Mapped[str] = mapped_column(String(32), primary_key=True)
    volume_milli: Mapped[int | None] = mapped_column(BigInteger)
    tariff_kopecks: Mapped[int | None] = mapped_column(BigInteger)  # per unit of volume
    amount_kopecks: Mapped[int] = mapped_column(BigInteger)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceTariff(TenantScoped, db.Model):
    """A tariff the utility has charged for a service and the first period charged at it: the
    tariff list of `/billing`, derived from `charges` by every charges import (refresh_tariffs),
    so a page view never scans the utility's charges."""

    __tablename__ = "service_tariffs"

    service: Mapped[str] = mapped_column(String(32), primary_key=True)
    tariff_kopecks: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    effective_from: Mapped[date]


class Payment(TenantScoped, db.Model):
    """One payment on an account. `import_key` identifies it within its import so that the same
    file twice stores it once (two equal payments on one day stay two)."""

    __tablename__ = "payments"
    __tenant_foreign_key__ = False  # the composite keys below pin the tenant
    __table_args__ = (
        Index(None, "tenant_id", "account_id", "paid_on"),
        UniqueConstraint("tenant_id", "account_id", "import_key"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID]
    paid_on: Mapped[date]
    amount_kopecks: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str | None] = mapped_column(String(40))
    import_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportRun(TenantScoped, db.Model):
    """One billing file being (or having been) imported: progress and every bad row."""

    __tablename__ = "import_runs"
    __table_args__ = (
        Index(None, "tenant_id", "created_at"),
        CheckConstraint(f"kind IN {IMPORT_KINDS}", name="kind"),
        CheckConstraint(f"status IN {IMPORT_STATUSES}", name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total_rows: Mapped[int | None] = mapped_column(Integer)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    # [{"line": 12, "column": "amount", "reason": "…"}, …] — capped, with `error_count` the total.
    errors: Mapped[list] = mapped_column(JSONDocument, default=list)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(String(1000))
    created_by_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
