"""«Узнать номер лицевого счёта» requests that need a person to call the resident back."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped

LOOKUP_STATUSES = ("new", "answered", "closed")


class AccountLookupRequest(TenantScoped, db.Model):
    """A resident asked for their account number and no unique account matched (Angarsk)."""

    __tablename__ = "account_lookup_requests"
    __table_args__ = (
        Index(None, "tenant_id", "status", "created_at"),
        ForeignKeyConstraint(
            ["tenant_id", "handled_by_id"], ["staff_users.tenant_id", "staff_users.id"]
        ),
        CheckConstraint(f"status IN {LOOKUP_STATUSES}", name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    full_name: Mapped[str] = mapped_column(String(300))
    private_house: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[uuid.UUID | None]
    staff_note: Mapped[str | None] = mapped_column(String(1000))
