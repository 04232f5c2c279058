"""The readings desk (`/admin/readings`): the submissions of the current window with filters, the
metered accounts that have not submitted yet, and the window's progress.

The period is the office's (`office_period`): the window open now or, while it is closed, the one
that closed last. Every figure is one set-based query; lists come a page at a time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Account, Meter
from app.extensions import db
from app.readings.models import ReadingVersion, Submission

PER_PAGE = 50
SHOW = ("submitted", "flagged", "missing")


@dataclass(frozen=True)
class Progress:
    """Metered accounts of the period and how many of them have submitted readings."""

    metered: int
    submitted: int

    @property
    def percent(self) -> int:
        """The share in whole percent, rounded down: 100 only when everyone has submitted."""
        return self.submitted * 100 // self.metered if self.metered else 0

    @property
    def missing(self) -> int:
        return self.metered - self.submitted


@dataclass(frozen=True)
class DeskRow:
    """One submission of the period with its account and meters."""

    submission: Submission
    account: Account
    meters: dict[uuid.UUID, Meter]

    @property
    def flagged(self) -> bool:
        return any(version.flagged for version in self.submission.versions)


def _metered(period: date):
    """Accounts with a meter, not closed before the period began."""
    return (
        exists(select(Meter.id).where(Meter.account_id == Account.id)),
        or_(Account.closed_on.is_(None), Account.closed_on >= period),
    )


def _submitted(period: date):
    return exists(
        select(Submission.id).where(
            Submission.account_id == Account.id, Submission.period == period
        )
    )


def progress(period: date) -> Progress:
    """How many metered accounts there are and how many have submitted for `period`."""
    metered, submitted = db.session.execute(
        select(func.count(), func.count().filter(_submitted(period)))
        .select_from(Account)
        .where(*_metered(period))
    ).one()
    return Progress(metered, submitted)


def flagged_count(period: date) -> int:
    """Submissions of `period` holding a jump the resident confirmed (for staff to check)."""
    statement = select(func.count()).select_from(Submission).where(*_flagged_submissions(period))
    return db.session.scalar(statement) or 0


def _flagged_submissions(period: date):
    return (
        Submission.period == period,
        exists(
            select(ReadingVersion.id).where(
                ReadingVersion.submission_id == Submission.id, ReadingVersion.flagged
            )
        ),
    )


def submissions_page(period: date, *, flagged: bool, channel: str | None, page: int):
    """Submissions of `period`, newest first, optionally only flagged ones or one channel's;
    the page's items are `DeskRow`s (accounts and meters loaded in two more queries)."""
    statement = select(Submission).options(selectinload(Submission.versions))
    if flagged:
        statement = statement.where(*_flagged_submissions(period))
    else:
        statement = statement.where(Submission.period == period)
    if channel:
        statement = statement.where(Submission.channel == channel)
    statement = statement.order_by(Submission.created_at.desc(), Submission.id.desc())
    found = db.paginate(statement, page=page, per_page=PER_PAGE, error_out=False)
    account_ids = {submission.account_id for submission in found.items}
    accounts = {
        account.id: account
        for account in db.session.scalars(
            select(Account).where(Account.id.in_(account_ids)).options(selectinload(Account.meters))
        )
    }
    found.items = [
        DeskRow(
            submission,
            accounts[submission.account_id],
            {meter.id: meter for meter in accounts[submission.account_id].meters},
        )
        for submission in found.items
    ]
    return found


def missing_page(period: date, page: int):
    """Metered accounts without a submission for `period`, by number."""
    statement = (
        select(Account)
        .where(*_metered(period), ~_submitted(period))
        .order_by(Account.number, Account.settlement_id)
    )
    return db.paginate(statement, page=page, per_page=PER_PAGE, error_out=False)
