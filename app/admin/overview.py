"""Figures about one tenant for the console landing page and the operators' directory, and the
queues of work residents hand to staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.models import Account
from app.admin.office_readings import office_period
from app.admin.readings_desk import flagged_count, progress
from app.auth.models import Resident
from app.extensions import db
from app.registration.models import AccountLookupRequest


@dataclass(frozen=True)
class TenantCounts:
    accounts: int
    active_residents: int
    new_lookup_requests: int


def tenant_counts() -> TenantCounts:
    """Accounts, residents who can sign in, and unanswered lookup requests of the tenant in scope."""

    def count(statement) -> int:
        return db.session.scalar(statement) or 0

    return TenantCounts(
        accounts=count(select(func.count()).select_from(Account)),
        active_residents=count(
            select(func.count()).select_from(Resident).where(Resident.status == "active")
        ),
        new_lookup_requests=new_lookup_requests(),
    )


@dataclass(frozen=True)
class Queue:
    """Items a resident flow handed to staff, waiting for someone: a count and where to go."""

    key: str
    label: str
    count: int
    endpoint: str
    args: dict[str, str] = field(default_factory=dict)


def staff_queues(tenant, period: date) -> list[Queue]:
    """The queues of the tenant in scope: «find my account» requests nobody answered yet (where
    the tenant offers the form, or some are left over) and the jumps residents confirmed in the
    readings of `period`."""
    queues = []
    lookups = new_lookup_requests()
    if tenant.config.account_lookup or lookups:
        queues.append(
            Queue(
                "lookup_requests",
                _l("Заявки «Узнать номер лицевого счёта»"),
                lookups,
                "admin.lookup_requests",
                {"status": "new"},
            )
        )
    queues.append(
        Queue(
            "flagged_readings",
            _l("Показания с резким скачком расхода"),
            flagged_count(period),
            "admin.readings_desk",
            {"show": "flagged"},
        )
    )
    return queues


def new_lookup_requests() -> int:
    """Unanswered «find my account» requests of the tenant in scope."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AccountLookupRequest)
            .where(AccountLookupRequest.status == "new")
        )
        or 0
    )


def console_home(tenant, moment) -> dict:
    """What the console's landing page shows besides the counts: the queues and the progress of
    the office's reading window."""
    office = office_period(tenant, moment)
    return {
        "queues": staff_queues(tenant, office.period),
        "window": office,
        "progress": progress(office.period),
    }
