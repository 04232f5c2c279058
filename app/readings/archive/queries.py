"""The database reads behind the history, chart and protocol: each one query, whatever the rows."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Account, Contract
from app.extensions import db
from app.readings.models import Reading, ReadingVersion, Submission


def recent_periods(
    account: Account, meter_ids: list[uuid.UUID], first: date | None, last: date | None, limit: int
) -> tuple[list[date], bool]:
    """Up to `limit` billing periods with readings of the meters, newest first, and whether older
    ones were left out."""
    if not meter_ids:
        return [], False
    query = (
        select(ReadingVersion.period)
        .join(Submission, Submission.id == ReadingVersion.submission_id)
        .where(Submission.account_id == account.id, ReadingVersion.meter_id.in_(meter_ids))
        .distinct()
        .order_by(ReadingVersion.period.desc())
        .limit(limit + 1)
    )
    if first:
        query = query.where(ReadingVersion.period >= first)
    if last:
        query = query.where(ReadingVersion.period <= last)
    periods = list(db.session.scalars(query))
    return periods[:limit], len(periods) > limit


def versions_between(
    account: Account, meter_ids: list[uuid.UUID], first: date, last: date
) -> list[tuple[ReadingVersion, Submission]]:
    """Every version of the meters' readings for periods `first`..`last`, with its submission,
    newest submission first."""
    rows = db.session.execute(
        select(ReadingVersion, Submission)
        .join(Submission, Submission.id == ReadingVersion.submission_id)
        .where(
            Submission.account_id == account.id,
            ReadingVersion.meter_id.in_(meter_ids),
            ReadingVersion.period.between(first, last),
        )
        .order_by(Submission.created_at.desc(), Submission.id.desc())
    )
    return [(version, submission) for version, submission in rows]


def readings_until(meter_ids: list[uuid.UUID], last: date | None) -> list[Reading]:
    """The current readings of the meters up to `last`, oldest first: the chart needs the reading
    before its first bar, however far back it is."""
    if not meter_ids:
        return []
    query = select(Reading).where(Reading.meter_id.in_(meter_ids)).order_by(Reading.period)
    if last:
        query = query.where(Reading.period <= last)
    return list(db.session.scalars(query))


def submission_of(submission_id: uuid.UUID, accounts: list[Account]) -> Submission | None:
    """The submission if it belongs to one of `accounts` (the resident's), with its versions."""
    if not accounts:
        return None
    return db.session.scalar(
        select(Submission)
        .where(
            Submission.id == submission_id,
            Submission.account_id.in_([account.id for account in accounts]),
        )
        .options(selectinload(Submission.versions))
    )


def contract(contract_id: uuid.UUID | None) -> Contract | None:
    if contract_id is None:
        return None
    return db.session.scalar(select(Contract).where(Contract.id == contract_id))
