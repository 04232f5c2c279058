"""Resident identities with their linked accounts, utility staff, platform operators."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.principal import Principal
from app.db import UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped

RESIDENT_STATUSES = ("pending", "active", "blocked")
TOKEN_PURPOSES = ("confirm_email", "set_password", "reset_password")
STAFF_ROLES = ("admin", "clerk", "viewer")


class Resident(Principal, TenantScoped, db.Model):
    """A person or organisation that signs in to the cabinet; holds one or more accounts."""

    principal_kind = "resident"

    __tablename__ = "residents"
    __table_args__ = (
        UniqueConstraint("tenant_id", "login"),
        Index(None, "tenant_id", "email"),
        CheckConstraint(f"status IN {RESIDENT_STATUSES}", name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(24), default="individual")
    # Login or office-issued access code, lower-cased (auth.identity.normalise_login); None where
    # the tenant signs in by account number.
    login: Mapped[str | None] = mapped_column(String(64))
    full_name: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(16))  # E.164
    organisation_name: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[str | None] = mapped_column(String(200))
    inn: Mapped[str | None] = mapped_column(String(12))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Part of every session id: bumping it (password change, blocking) ends all sessions.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account_links: Mapped[list[ResidentAccount]] = relationship(
        back_populates="resident", cascade="all, delete-orphan"
    )
    # The linked accounts themselves, oldest link first: read-only, for loading them together
    # with the resident (auth.identity); links are added and removed through `account_links`.
    accounts = relationship(
        "Account",
        secondary="resident_accounts",
        primaryjoin="and_(Resident.tenant_id == ResidentAccount.tenant_id, "
        "Resident.id == ResidentAccount.resident_id)",
        secondaryjoin="and_(ResidentAccount.tenant_id == Account.tenant_id, "
        "ResidentAccount.account_id == Account.id)",
        order_by="ResidentAccount.linked_at, Account.number",
        viewonly=True,
    )

    @property
    def is_active(self) -> bool:
        # Pending (unconfirmed) and blocked identities cannot hold a session.
        return self.status == "active"


class ResidentAccount(TenantScoped, db.Model):
    """A resident's link to an account. Unlinking removes this row only, never account data."""

    __tablename__ = "resident_accounts"
    __table_args__ = (
        Index(None, "tenant_id", "account_id"),
        ForeignKeyConstraint(
            ["tenant_id", "resident_id"],
            ["residents.tenant_id", "residents.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"
        ),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resident: Mapped[Resident] = relationship(back_populates="account_links")
    # tenant_id is shared by both foreign keys; the resident side writes it.
    account = relationship("Account", overlaps="account_links,resident")


class StaffUser(Principal, TenantScoped, db.Model):
    """A utility employee working in `<tenant host>/admin`."""

    principal_kind = "staff"

    __tablename__ = "staff_users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "login"),
        CheckConstraint(f"role IN {STAFF_ROLES}", name="role"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    login: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Operator(Principal, db.Model):
    """A platform operator: onboards utilities at the platform host; belongs to no tenant."""

    principal_kind = "operator"

    __tablename__ = "operators"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(300))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthToken(TenantScoped, db.Model):
    """A single-use link sent by e-mail (confirm registration, set or reset a password).

    Only the SHA-256 of the token is stored: a database leak does not hand out working links.
    """

    __tablename__ = "auth_tokens"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_hash"),
        Index(None, "tenant_id", "resident_id"),
        ForeignKeyConstraint(
            ["tenant_id", "resident_id"],
            ["residents.tenant_id", "residents.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(f"purpose IN {TOKEN_PURPOSES}", name="purpose"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    resident_id: Mapped[uuid.UUID]
    purpose: Mapped[str] = mapped_column(String(24))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    resident: Mapped[Resident] = relationship()
