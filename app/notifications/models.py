"""What residents want to receive, and every mailing sent to them (reminders, staff notices)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped

MAILING_KINDS = ("window_opens", "window_closes", "notice")
MAILING_STATUSES = ("planning", "sending")
NOTICE_TOPICS = ("tariff", "works", "other")


class NotificationPreference(TenantScoped, db.Model):
    """How a resident wants reminders, notices and receipts; no row means the defaults (e-mail
    yes, SMS no). Security mail (confirmation, reset, password) ignores these: always e-mail."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "resident_id"],
            ["residents.tenant_id", "residents.id"],
            ondelete="CASCADE",
        ),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reminders_email: Mapped[bool] = mapped_column(default=True)
    reminders_sms: Mapped[bool] = mapped_column(default=False)
    notices_email: Mapped[bool] = mapped_column(default=True)
    notices_sms: Mapped[bool] = mapped_column(default=False)
    receipts_email: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Mailing(TenantScoped, db.Model):
    """One message to many residents: a window reminder or a notice staff broadcast.

    A reminder exists once per tenant, kind and period (the unique key makes the minute tick
    idempotent); notices have no period, so any number of them may exist."""

    __tablename__ = "mailings"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "period"),
        Index(None, "tenant_id", "created_at"),
        ForeignKeyConstraint(
            ["tenant_id", "settlement_id"], ["settlements.tenant_id", "settlements.id"]
        ),
        CheckConstraint(f"kind IN {MAILING_KINDS}", name="kind"),
        CheckConstraint(f"status IN {MAILING_STATUSES}", name="status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[date | None]  # reminders: the billing period of the window
    closes_on: Mapped[date | None]  # reminders: the window's last day
    topic: Mapped[str | None] = mapped_column(String(16))  # notices: NOTICE_TOPICS
    settlement_id: Mapped[uuid.UUID | None]  # notices: one settlement only, or everyone
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None]
    author_name: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="planning")
    recipients: Mapped[int] = mapped_column(default=0)
    batches: Mapped[int] = mapped_column(default=0)
    # Raised by each batch in one UPDATE, so two workers finishing at once both count.
    batches_done: Mapped[int] = mapped_column(default=0)
    emails_sent: Mapped[int] = mapped_column(default=0)
    sms_sent: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def finished(self) -> bool:
        """Every batch delivered (a mailing without recipients finishes when planned)."""
        return self.status == "sending" and self.batches_done >= self.batches


class MailingBatch(TenantScoped, db.Model):
    """A slice of a mailing's recipients delivered by one job; `done_at` marks it sent, so a
    redelivered job skips it and the mailing's counters are raised once."""

    __tablename__ = "mailing_batches"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "mailing_id"], ["mailings.tenant_id", "mailings.id"], ondelete="CASCADE"
        ),
    )

    mailing_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    recipients: Mapped[int] = mapped_column(default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
