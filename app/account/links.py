"""Several accounts under one login (SPEC §2, Moscow, seed 003: «Привязка нескольких лицевых
счетов»): a resident adds an account by its number plus a proof of ownership the tenant chooses
(`features.linked_accounts.proof`), and may remove a link without touching the account's data."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Account
from app.auth.models import Resident, ResidentAccount
from app.billing.models import Payment
from app.billing.money import parse_kopecks
from app.extensions import db
from app.tenancy.models import Settlement
from app.text import fold

# Roubles with up to two kopeck digits; a comma or a dot separates them (Russian receipts use the
# comma). Twelve rouble digits is far beyond any utility bill and keeps the integer small.


class LinkRefused(Exception):
    """The account cannot be linked; `message` is safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnlinkRefused(Exception):
    """The link cannot be removed (it is the resident's last one)."""


def parse_amount(raw: str | None) -> int:
    """A payment amount as typed, in integer kopecks; ValueError when not a positive amount."""
    kopecks = parse_kopecks(raw)
    if kopecks < 0:
        raise ValueError(raw)
    return kopecks


def last_payment_kopecks(account: Account) -> int | None:
    """The amount of the account's most recent payment, or None when it has none yet."""
    return db.session.scalar(
        select(Payment.amount_kopecks)
        .where(Payment.account_id == account.id)
        .order_by(Payment.paid_on.desc(), Payment.created_at.desc())
        .limit(1)
    )


def proof_matches(proof: str, account: Account, value) -> bool:
    """Whether `value` (kopecks, or a surname) proves that the resident holds `account`."""
    if proof == "owner_surname":
        return bool(fold(value)) and fold(value) == fold(account.owner_surname)
    last = last_payment_kopecks(account)
    return last is not None and last == value


def find_account(number: str, settlement_code: str | None = None) -> Account | None:
    """The tenant's account with this canonical number (in the settlement, when given)."""
    query = select(Account).where(Account.number == number)
    if settlement_code is not None:
        query = query.join(Settlement, Settlement.id == Account.settlement_id).where(
            Settlement.code == settlement_code
        )
    return db.session.scalars(query).first()


def _linked_ids(resident: Resident) -> set[uuid.UUID]:
    return set(
        db.session.scalars(
            select(ResidentAccount.account_id).where(ResidentAccount.resident_id == resident.id)
        )
    )


def link_account(
    resident: Resident, *, proof: str, number: str, proof_value, settlement_code: str | None = None
) -> Account:
    """Link the account `number` to `resident` when `proof_value` proves it; LinkRefused otherwise.

    A missing account, a wrong proof and (for the payment proof) an account with no payments get
    one answer, so the form cannot be used to learn which account numbers exist.
    """
    account = find_account(number, settlement_code)
    if account is not None and account.id in _linked_ids(resident):
        raise LinkRefused(_("Этот лицевой счёт уже привязан к вашему входу."))
    if account is None or not proof_matches(proof, account, proof_value):
        raise LinkRefused(_("Лицевой счёт с такими данными не найден."))
    try:
        with db.session.begin_nested():
            resident.account_links.append(ResidentAccount(account_id=account.id))
    except IntegrityError:  # the same form submitted twice at once
        raise LinkRefused(_("Этот лицевой счёт уже привязан к вашему входу.")) from None
    return account


def unlink_account(resident: Resident, account_id: uuid.UUID) -> Account:
    """Remove the link to `account_id`; the account, its meters and payments stay.

    LookupError when the account is not linked to `resident`, UnlinkRefused for the last link
    (a login without accounts would show an empty cabinet).
    """
    link = db.session.scalar(
        select(ResidentAccount).where(
            ResidentAccount.resident_id == resident.id, ResidentAccount.account_id == account_id
        )
    )
    if link is None:
        raise LookupError(account_id)
    links = db.session.scalar(
        select(func.count())
        .select_from(ResidentAccount)
        .where(ResidentAccount.resident_id == resident.id)
    )
    if links <= 1:
        raise UnlinkRefused(account_id)
    account = link.account
    resident.account_links.remove(link)
    db.session.flush()
    return account
