"""«Скачать мои данные» (SPEC §7, 152-ФЗ): what the portal holds about the signed-in resident."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import Account
from app.auth.models import Resident, ResidentAccount
from app.extensions import db

# Everything about the identity except secrets (the password hash) and internal counters.
RESIDENT_FIELDS = (
    "kind",
    "login",
    "full_name",
    "email",
    "phone",
    "organisation_name",
    "position",
    "inn",
    "status",
    "email_confirmed_at",
    "created_at",
    "last_login_at",
)
ACCOUNT_FIELDS = (
    "number",
    "kind",
    "owner_surname",
    "owner_full_name",
    "organisation_name",
    "address",
    "private_house",
    "common_house_meter",
    "email",
    "phone",
    "closed_on",
)
METER_FIELDS = ("serial", "service", "zones", "digits", "verified_until", "installed_on")


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _pick(row, names) -> dict:
    return {name: _plain(getattr(row, name)) for name in names}


def resident_data(resident: Resident) -> dict:
    """The resident's identity and linked accounts with their meters, as JSON-ready values."""
    rows = db.session.execute(
        select(Account, ResidentAccount.linked_at)
        .join(ResidentAccount, ResidentAccount.account_id == Account.id)
        .where(ResidentAccount.resident_id == resident.id)
        .options(selectinload(Account.meters))
        .order_by(ResidentAccount.linked_at, Account.number)
    ).all()
    accounts = []
    for account, linked_at in rows:
        accounts.append(
            {
                **_pick(account, ACCOUNT_FIELDS),
                "settlement": account.settlement.name if account.settlement else None,
                "linked_at": _plain(linked_at),
                "meters": [_pick(meter, METER_FIELDS) for meter in account.meters],
            }
        )
    return {"resident": _pick(resident, RESIDENT_FIELDS), "accounts": accounts}
