"""Payments received on an account, as imported from the utility's billing system (SPEC §4)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped


class Payment(TenantScoped, db.Model):
    """One payment on an account. Money is integer kopecks end to end (SPEC §1: never floats)."""

    __tablename__ = "payments"
    __table_args__ = (
        Index(None, "tenant_id", "account_id", "paid_on"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID]
    paid_on: Mapped[date]
    amount_kopecks: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
