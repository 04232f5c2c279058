"""One-time passes that take an operator from `/platform` into a tenant's console."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped


class OperatorEntry(TenantScoped, db.Model):
    """A pass issued on the platform host and redeemed once, within a minute, on the tenant's
    host (sessions never cross hosts). Stored in the tenant it opens, so it works nowhere else."""

    __tablename__ = "operator_entries"
    __table_args__ = (UniqueConstraint("tenant_id", "token_hash"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    # No foreign key: operators belong to no tenant, and every key of a tenant table leads with
    # tenant_id (Citus). Redeeming checks that the operator still exists and is active.
    operator_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
