"""Invitations of staff users: a single-use e-mail link on the tenant host."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.models import STAFF_ROLES
from app.db import UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped


class StaffInvitation(TenantScoped, db.Model):
    """Someone asked to join the utility's staff. Accepting it (login + password) creates the
    `StaffUser`; until then nobody can sign in, and the invitation counts for nothing.

    Only the SHA-256 of the link's token is stored, as for residents' links (`AuthToken`).
    """

    __tablename__ = "staff_invitations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_hash"),
        Index(None, "tenant_id", "email"),
        CheckConstraint(f"role IN {STAFF_ROLES}", name="role"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64))
    # Who invited: "staff:<login>", "operator:<login>" or "system" (the CLI); kept as text, since
    # the inviter may be an operator (no tenant) or a staff user deleted later.
    invited_by: Mapped[str] = mapped_column(String(100), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    staff_user_id: Mapped[uuid.UUID | None]  # the user it became

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()
