"""Blocking a resident's login from the account page, and lifting the block.

A blocked identity cannot sign in (`Resident.is_active`), its sessions end at once and its e-mailed
links stop working; lifting the block lets it sign in with the password it had."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.accounts.models import Account
from app.audit import record_audit
from app.auth.models import Resident, ResidentAccount
from app.auth.tokens import revoke_tokens
from app.extensions import db


class NotBlockable(ValueError):
    """Only an active login can be blocked, only a blocked one unblocked."""


def linked_resident(account: Account, resident_id: uuid.UUID) -> Resident | None:
    """The identity with this id if it is linked to `account` (None otherwise, or another
    tenant's); locked, so two clerks cannot change it at once."""
    return db.session.scalar(
        select(Resident)
        .join(ResidentAccount, ResidentAccount.resident_id == Resident.id)
        .where(Resident.id == resident_id, ResidentAccount.account_id == account.id)
        .with_for_update(of=Resident)
    )


def block_login(account: Account, resident: Resident) -> None:
    """Block an active login: no sign-in, every session and e-mailed link ends."""
    if resident.status != "active":
        raise NotBlockable(resident.status)
    resident.status = "blocked"
    resident.end_all_sessions()
    revoke_tokens(resident)
    record_audit("resident.block", target=account.number, details=_details(resident))
    db.session.flush()


def unblock_login(account: Account, resident: Resident) -> None:
    """Lift a block: the login signs in again with its password."""
    if resident.status != "blocked":
        raise NotBlockable(resident.status)
    resident.status = "active"
    record_audit("resident.unblock", target=account.number, details=_details(resident))
    db.session.flush()


def _details(resident: Resident) -> dict:
    return {"resident_id": str(resident.id), "login": resident.login or ""}
