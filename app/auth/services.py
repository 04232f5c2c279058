"""Checking who is signing in, for every login mode a tenant can configure (SPEC §2, §7)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Account
from app.auth.identity import normalise_login
from app.auth.models import Resident, ResidentAccount
from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from app.templating import format_phone
from app.tenancy.account_numbers import InvalidAccountNumber
from app.tenancy.models import Settlement
from app.text import fold


@cache
def _dummy_hash() -> str:
    # Verified when no identity matches, so a wrong account number costs as long as a wrong password.
    return hash_password("timing-equaliser")


class LoginRefused(Exception):
    """The attempt fails; `message` is safe to show (it never says whether the account exists)."""

    def __init__(self, message: str, *, counts_as_failure: bool = True):
        super().__init__(message)
        self.message = message
        self.counts_as_failure = counts_as_failure


@dataclass(frozen=True)
class SignIn:
    resident: Resident
    account: Account | None


def normalise_identifier(tenant, mode, raw: str) -> str:
    """The identifier in stored form; InvalidAccountNumber for a malformed account number."""
    if mode.identifier == "account_number":
        return tenant.account_numbers.normalise(raw)
    return normalise_login(raw)


def attempt_identity(tenant, mode, form_data) -> tuple[str, str]:
    """(scope, identifier) of an attempt, for per-account limits, also for malformed input."""
    raw = form_data.get("identifier", "")
    try:
        identifier = normalise_identifier(tenant, mode, raw)
    except InvalidAccountNumber:
        identifier = fold(raw)
    settlement = form_data.get("settlement", "") if mode.settlement else ""
    return mode.key, f"{settlement}/{identifier}"


def _generic_refusal(mode) -> LoginRefused:
    if mode.secret == "surname":
        return LoginRefused(_("Неверный номер лицевого счёта или фамилия."))
    what = {
        "account_number": _("номер лицевого счёта"),
        "login": _("логин"),
        "access_code": _("код доступа"),
    }[mode.identifier]
    return LoginRefused(_("Неверный %(what)s или пароль.", what=what))


def _find_account(mode, settlement_code: str | None, number: str) -> Account | None:
    query = select(Account).where(Account.number == number)
    if mode.settlement:
        query = query.join(Settlement, Settlement.id == Account.settlement_id).where(
            Settlement.code == settlement_code
        )
    return db.session.scalars(query).first()


def _linked_residents(account: Account) -> list[Resident]:
    query = (
        select(Resident)
        .join(ResidentAccount)
        .where(ResidentAccount.account_id == account.id, Resident.password_hash.is_not(None))
    )
    return list(db.session.scalars(query))


def _own_identities(account: Account) -> list[Resident]:
    """Identities holding this account and no other, passwordless first.

    Only these may be entered with the owner's surname: an identity that also holds other
    accounts would otherwise open them too.
    """
    holders = db.session.scalars(
        select(Resident).join(ResidentAccount).where(ResidentAccount.account_id == account.id)
    ).all()
    own = [r for r in holders if len(r.account_links) == 1]
    return sorted(own, key=lambda r: (r.password_hash is not None, r.created_at))


def _first_account(resident: Resident) -> Account | None:
    return db.session.scalars(
        select(Account)
        .join(ResidentAccount)
        .where(ResidentAccount.resident_id == resident.id)
        .order_by(ResidentAccount.linked_at)
    ).first()


def _check_status(resident: Resident, tenant) -> None:
    # Only someone who proved the password learns that the identity exists and why it cannot enter.
    if resident.status == "pending":
        raise LoginRefused(
            _("Регистрация ещё не подтверждена: перейдите по ссылке из письма."),
            counts_as_failure=False,
        )
    if resident.status == "blocked":
        phones = tenant.config.contacts.phones
        message = (
            _(
                "Вход заблокирован. Обратитесь в водоканал по телефону %(phone)s.",
                phone=format_phone(phones[0].number),
            )
            if phones
            else _("Вход заблокирован. Обратитесь в водоканал.")
        )
        raise LoginRefused(message, counts_as_failure=False)


def authenticate(
    tenant, mode, *, identifier: str, secret: str, settlement_code: str | None = None
) -> SignIn:
    """The identity and account a login attempt proves, or LoginRefused."""
    try:
        key = normalise_identifier(tenant, mode, identifier)
    except InvalidAccountNumber:
        verify_password(_dummy_hash(), secret)
        raise _generic_refusal(mode) from None
    if mode.identifier == "account_number":
        account = _find_account(mode, settlement_code, key)
        if mode.secret == "surname":
            return _by_surname(tenant, mode, account, secret)
        candidates = _linked_residents(account) if account else []
    else:
        account = None
        candidates = list(db.session.scalars(select(Resident).where(Resident.login == key)))
    for resident in candidates:
        if verify_password(resident.password_hash, secret) and resident.kind in mode.audiences:
            _check_status(resident, tenant)
            return SignIn(resident, account or _first_account(resident))
    if not candidates:
        verify_password(_dummy_hash(), secret)
    raise _generic_refusal(mode)


def _by_surname(tenant, mode, account: Account | None, surname: str) -> SignIn:
    """Angarsk's passwordless mode: the owner's surname proves the account."""
    if (
        account is None
        or account.kind not in mode.audiences
        or not fold(surname)
        or (fold(surname) != fold(account.owner_surname))
    ):
        raise _generic_refusal(mode)
    existing = _own_identities(account)
    if existing:
        resident = existing[0]
        _check_status(resident, tenant)
        return SignIn(resident, account)
    # The account's own passwordless identity, made on first use so the cabinet works as usual.
    resident = Resident(
        kind=account.kind,
        full_name=account.owner_full_name,
        status="active",
        organisation_name=account.organisation_name,
    )
    resident.account_links.append(ResidentAccount(account_id=account.id))
    db.session.add(resident)
    db.session.flush()
    return SignIn(resident, account)
