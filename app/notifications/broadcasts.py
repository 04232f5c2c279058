"""Notices staff broadcast from the console (tariff change, planned works) to all residents of
the tenant or of one settlement; delivered in batches on the "low" queue, so the console answers
at once and shows the progress."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.extensions import db
from app.notifications.mailings import public_base_url, start_mailing
from app.notifications.models import Mailing
from app.tenancy.models import Settlement

RECENT = 50


class UnknownSettlement(LookupError):
    """The notice names a settlement the tenant does not serve."""


def broadcast_notice(
    tenant, author, *, topic: str, subject: str, body: str, settlement_code: str | None
) -> Mailing:
    """Record the notice and queue its delivery; returns it (flushed)."""
    settlement_id = None
    if settlement_code:
        settlement_id = db.session.scalar(
            select(Settlement.id).where(Settlement.code == settlement_code)
        )
        if settlement_id is None:
            raise UnknownSettlement(settlement_code)
    notice = Mailing(
        kind="notice",
        topic=topic,
        subject=subject.strip(),
        body=body.strip(),
        settlement_id=settlement_id,
        author_id=author.id,
        author_name=author.full_name,
    )
    db.session.add(notice)
    start_mailing(notice, public_base_url(tenant))
    return notice


def recent_notices() -> list[Mailing]:
    """The tenant's latest notices, newest first."""
    return list(
        db.session.scalars(
            select(Mailing)
            .where(Mailing.kind == "notice")
            .order_by(Mailing.created_at.desc())
            .limit(RECENT)
        )
    )


def get_notice(notice_id: uuid.UUID) -> Mailing | None:
    """A notice of the tenant in scope (None for another tenant's, or a reminder)."""
    return db.session.scalar(
        select(Mailing).where(Mailing.id == notice_id, Mailing.kind == "notice")
    )


def settlement_names() -> dict[uuid.UUID, str]:
    """Names of the tenant's settlements by id, for the audience column."""
    return {row.id: row.name for row in db.session.scalars(select(Settlement))}
