"""The «find my account» queue: requests no account matched, for staff to call back (Angarsk,
SPEC §2 «online registration» row)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from app.auth.models import StaffUser
from app.db import utcnow
from app.extensions import db
from app.registration.models import LOOKUP_STATUSES, AccountLookupRequest

PER_PAGE = 50


def lookup_page(status: str | None, page: int):
    """One page of requests, newest first, of one status (all when None)."""
    statement = select(AccountLookupRequest).order_by(
        AccountLookupRequest.created_at.desc(), AccountLookupRequest.id.desc()
    )
    if status in LOOKUP_STATUSES:
        statement = statement.where(AccountLookupRequest.status == status)
    return db.paginate(statement, page=page, per_page=PER_PAGE, error_out=False)


def status_counts() -> dict[str, int]:
    """How many requests have each status."""
    rows = db.session.execute(
        select(AccountLookupRequest.status, func.count()).group_by(AccountLookupRequest.status)
    )
    counts = dict.fromkeys(LOOKUP_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


def get_request(request_id: uuid.UUID) -> AccountLookupRequest | None:
    """The tenant's request with this id (None for another tenant's)."""
    return db.session.scalar(
        select(AccountLookupRequest).where(AccountLookupRequest.id == request_id)
    )


def handle_request(row: AccountLookupRequest, staff: StaffUser, status: str, note: str | None):
    """Record what staff did: the new status, their note, when and who."""
    row.status = status
    row.staff_note = (note or "").strip() or None
    row.handled_at = utcnow()
    row.handled_by_id = staff.id
    db.session.flush()
