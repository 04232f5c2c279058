"""The audit log: who did what to the tenant's rules and data, and when (SPEC §1, §7)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import JSONDocument, UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped

ACTOR_KINDS = ("staff", "operator", "system", "resident")


class AuditEntry(TenantScoped, db.Model):
    """One recorded action. Entries are only ever added: nothing updates or deletes them."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index(None, "tenant_id", "at"),
        Index(None, "tenant_id", "action", "at"),
        CheckConstraint(f"actor_kind IN {ACTOR_KINDS}", name="actor_kind"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(String(64))  # e.g. rules.update, staff.invite
    target: Mapped[str] = mapped_column(Text, default="")  # e.g. readings.window, 104512367
    details: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    address: Mapped[str | None] = mapped_column(String(45))  # client IP, IPv6 included

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.target!r} by {self.actor_kind}:{self.actor_label}>"
