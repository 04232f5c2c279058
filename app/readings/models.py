"""Submissions of readings, every version of every reading, and the current value per period."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped

CHANNELS = ("web", "api", "office", "email", "import")
AUTHOR_KINDS = ("resident", "staff", "system")


class Submission(TenantScoped, db.Model):
    """One transmission of readings for an account (the protocol). The idempotency key of the
    form makes a double click, a second tab or a retried request one submission (SPEC §3)."""

    __tablename__ = "reading_submissions"
    __tenant_foreign_key__ = False  # the composite keys below pin the tenant
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index(None, "tenant_id", "account_id", "created_at"),
        # The staff readings desk: a period's submissions and who has not submitted yet.
        Index(None, "tenant_id", "period", "account_id"),
        ForeignKeyConstraint(
            ["tenant_id", "account_id"], ["accounts.tenant_id", "accounts.id"], ondelete="CASCADE"
        ),
        CheckConstraint(f"channel IN {CHANNELS}", name="channel"),
        CheckConstraint(f"author_kind IN {AUTHOR_KINDS}", name="author_kind"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID]
    contract_id: Mapped[uuid.UUID | None]
    period: Mapped[date]
    idempotency_key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    author_kind: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[uuid.UUID | None]
    author_name: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[ReadingVersion]] = relationship(
        back_populates="submission", order_by="ReadingVersion.meter_id, ReadingVersion.zone"
    )

    @property
    def number(self) -> str:
        """A short protocol number residents can quote on the phone."""
        return self.id.hex[-8:].upper()


class ReadingVersion(TenantScoped, db.Model):
    """Every value ever submitted for a meter, zone and period, with who, when and how."""

    __tablename__ = "reading_versions"
    __tenant_foreign_key__ = False  # the composite keys below pin the tenant
    __table_args__ = (
        Index(None, "tenant_id", "meter_id", "period", "created_at"),
        Index(None, "tenant_id", "submission_id"),
        ForeignKeyConstraint(
            ["tenant_id", "meter_id"], ["meters.tenant_id", "meters.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "submission_id"],
            ["reading_submissions.tenant_id", "reading_submissions.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("zone IN (1, 2)", name="zone"),
        CheckConstraint("value_milli >= 0", name="value"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    submission_id: Mapped[uuid.UUID]
    meter_id: Mapped[uuid.UUID]
    zone: Mapped[int] = mapped_column(SmallInteger, default=1)
    period: Mapped[date]
    # Thousandths of the unit: readings may have up to 3 decimals and never become floats.
    value_milli: Mapped[int] = mapped_column(BigInteger)
    consumption_milli: Mapped[int | None] = mapped_column(BigInteger)
    calculation_type: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(16))
    flagged: Mapped[bool] = mapped_column(default=False)  # a jump the resident confirmed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="versions")


class Reading(TenantScoped, db.Model):
    """The value that counts for a meter, zone and period: the newest version (SPEC §3: one
    reading per meter per billing period; a re-submission replaces it)."""

    __tablename__ = "readings"
    __tenant_foreign_key__ = False  # the composite keys below pin the tenant
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "meter_id"], ["meters.tenant_id", "meters.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "version_id"], ["reading_versions.tenant_id", "reading_versions.id"]
        ),
    )

    meter_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period: Mapped[date] = mapped_column(primary_key=True)
    zone: Mapped[int] = mapped_column(SmallInteger, primary_key=True, default=1)
    value_milli: Mapped[int] = mapped_column(BigInteger)
    version_id: Mapped[uuid.UUID]
    flagged: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
