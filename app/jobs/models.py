"""The job outbox: one row per job, written in the transaction of the change that caused it.

A tenant's jobs live in `tenant_jobs` (row-level security like every tenant table); platform work
that runs as no tenant (periodic jobs, which loop over the tenants themselves) in `platform_jobs`.

Life of a row: pending → queued (handed to RQ) → running (a worker claimed it) → done; a failure
sends it back to pending with a later `run_after`, or to dead after its last attempt.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.db import JSONDocument, UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped

PENDING, QUEUED, RUNNING, DONE, DEAD = "pending", "queued", "running", "done", "dead"
JOB_STATUSES = (PENDING, QUEUED, RUNNING, DONE, DEAD)
CLAIMABLE = (PENDING, QUEUED)  # what a worker may start


class JobFields:
    """The columns both job tables share."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    queue: Mapped[str] = mapped_column(String(16))
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # Set when a job must exist at most once (a periodic job's minute).
    unique_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A running job not finished by then lost its worker: the relay counts it as failed.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    @declared_attr.directive
    def __table_args__(cls):
        tenant = ("tenant_id",) if issubclass(cls, TenantScoped) else ()
        return (
            CheckConstraint(f"status IN {JOB_STATUSES}", name="status"),
            Index(None, *tenant, "status", "run_after"),
            Index(None, *tenant, "created_at"),
            UniqueConstraint(*tenant, "unique_key"),
        )

    @property
    def tenant(self) -> int | None:
        return getattr(self, "tenant_id", None)


class TenantJob(TenantScoped, JobFields, db.Model):
    """A job that runs as its tenant (config, time zone, branding)."""

    __tablename__ = "tenant_jobs"


class PlatformJob(JobFields, db.Model):
    """A job that runs as no tenant."""

    __tablename__ = "platform_jobs"


def job_model(tenant_id: int | None) -> type[TenantJob] | type[PlatformJob]:
    """The table of jobs of `tenant_id` (None: platform work)."""
    return PlatformJob if tenant_id is None else TenantJob
