"""Helpers of the notification tests: run the reminder tick, read the SMS outbox, read mail."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.jobs import enqueue
from app.notifications.models import Mailing
from app.tenancy.context import tenant_scope
from tests.support.outbox import deliver_queued_jobs


def tick(now: str) -> None:
    """The scheduler's minute: queue the reminder tick for `now` (ISO UTC) as no tenant; the
    commit hands it on (run in-process without Redis; the outbox fixture runs RQ's jobs)."""
    enqueue("notifications.reminders_tick", tenant_id=None, now=now)
    db.session.commit()


def sms_outbox(app) -> list[dict]:
    """Every SMS written so far (after running queued jobs), oldest first."""
    deliver_queued_jobs(app)
    directory = Path(app.config["SMS_OUTBOX_DIR"])
    return [json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))]


def clear_sms_outbox(app) -> None:
    deliver_queued_jobs(app)
    shutil.rmtree(app.config["SMS_OUTBOX_DIR"], ignore_errors=True)


def recipients(messages) -> list[str]:
    """The To address of each message, sorted."""
    return sorted(message["To"] for message in messages)


def mailings(tenant, kind: str | None = None) -> list[Mailing]:
    """The tenant's mailings as the database has them now."""
    with tenant_scope(tenant):
        db.session.expire_all()
        query = select(Mailing).order_by(Mailing.created_at)
        if kind:
            query = query.where(Mailing.kind == kind)
        return list(db.session.scalars(query))
