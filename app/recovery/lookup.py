"""Finding whose password to reset from what a resident typed (SPEC §2, password recovery row).

The fields come from one set of the tenant's `recovery.identify_by`: `account_number` (canonical
form) with an optional `settlement` code, the owner's `surname`, a `login`, an `email`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.accounts.models import Account
from app.auth.identity import normalise_login
from app.auth.models import Resident, ResidentAccount
from app.extensions import db
from app.tenancy.models import Settlement
from app.text import fold


@dataclass(frozen=True)
class Found:
    """A resident the typed data name, with all their linked accounts (oldest link first)."""

    resident: Resident
    accounts: tuple[Account, ...]


def normalise_email(raw: str | None) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    return (raw or "").strip().lower()


def find_residents(identity: Mapping[str, str]) -> list[Found]:
    """Residents with a password or login whose data match every field of `identity`.

    Identities with neither (Angarsk's passwordless surname sign-in) have nothing to reset. The
    same two queries run whether or not anything matches, so the time taken does not tell.
    """
    query = select(Resident).where(
        or_(Resident.password_hash.is_not(None), Resident.login.is_not(None))
    )
    if "login" in identity:
        query = query.where(Resident.login == normalise_login(identity["login"]))
    if "email" in identity:
        query = query.where(func.lower(Resident.email) == normalise_email(identity["email"]))
    if "account_number" in identity or "settlement" in identity:
        holders = (
            select(ResidentAccount.resident_id)
            .join(Account, Account.id == ResidentAccount.account_id)
            .where(*_account_criteria(identity))
        )
        query = query.where(Resident.id.in_(holders))
    residents = list(db.session.scalars(query.order_by(Resident.created_at, Resident.id)))
    accounts = _accounts_of([resident.id for resident in residents])
    found = [Found(resident, accounts.get(resident.id, ())) for resident in residents]
    if "surname" in identity:
        found = [item for item in found if _surname_matches(item, identity)]
    return found


def _account_criteria(identity: Mapping[str, str]) -> list:
    criteria = []
    if "account_number" in identity:
        criteria.append(Account.number == identity["account_number"])
    if "settlement" in identity:
        codes = select(Settlement.id).where(Settlement.code == identity["settlement"])
        criteria.append(Account.settlement_id.in_(codes))
    return criteria


def _accounts_of(resident_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[Account, ...]]:
    rows = db.session.execute(
        select(ResidentAccount.resident_id, Account)
        .join(Account, Account.id == ResidentAccount.account_id)
        .where(ResidentAccount.resident_id.in_(resident_ids))
        .order_by(ResidentAccount.linked_at, Account.number)
    )
    accounts: dict[uuid.UUID, list[Account]] = {}
    for resident_id, account in rows:
        accounts.setdefault(resident_id, []).append(account)
    return {resident_id: tuple(items) for resident_id, items in accounts.items()}


def _surname_matches(item: Found, identity: Mapping[str, str]) -> bool:
    # The owner's surname of the account named (or, without a number, of any linked account).
    surname = fold(identity["surname"])
    named = [
        account
        for account in item.accounts
        if identity.get("account_number", account.number) == account.number
        and identity.get("settlement", account.settlement.code) == account.settlement.code
    ]
    return bool(surname) and any(fold(account.owner_surname) == surname for account in named)
