"""Figures about one tenant for the console landing page and the operators' directory."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.accounts.models import Account
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
        new_lookup_requests=count(
            select(func.count())
            .select_from(AccountLookupRequest)
            .where(AccountLookupRequest.status == "new")
        ),
    )
