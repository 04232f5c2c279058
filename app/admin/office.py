"""Office registration (SPEC §2, «office registration» row): a clerk checks the owner's ID, finds
the account and hands out a login with a one-time password that must be changed at first sign-in.

Cheboksary (seed 000): «логин и пароль выдаются» in the Отдел по работе с населением; residents sign
in by settlement + account number, so only a password is issued. Novosibirsk (seed 004): legal
entities and management companies get «код доступа и пароль» at the contracts department.
"""

from __future__ import annotations

import secrets
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import Account
from app.admin.credentials import UNAMBIGUOUS_DIGITS, one_time_password
from app.auth.identity import normalise_login
from app.auth.models import Resident, ResidentAccount
from app.auth.passwords import hash_password
from app.auth.tokens import revoke_tokens
from app.extensions import db
from app.text import fold

ACCESS_CODE_PREFIX = "ORG-"
ACCESS_CODE_ALPHABET = UNAMBIGUOUS_DIGITS + "ABCDEFGHJKLMNPQRSTUVWXYZ"
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
        "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
        "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    }
)  # fmt: skip


class LoginTaken(ValueError):
    """Another identity of the tenant already has this login."""


class AccessExists(ValueError):
    """The account already has an active login with a password: reset it instead."""


@dataclass(frozen=True)
class IssuedAccess:
    """What the clerk hands over, shown once: the password exists nowhere else in clear."""

    resident: Resident
    account: Account
    mode: object  # the tenant's login mode the resident will use
    login: str | None  # login or access code as printed; None when the account number is used
    password: str
    replaced: bool  # an existing login got a new password


def linked_identities(account_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Resident]]:
    """Identities linked to each of the accounts, oldest first, in one query."""
    found: dict[uuid.UUID, list[Resident]] = defaultdict(list)
    if not account_ids:
        return found
    rows = db.session.execute(
        select(ResidentAccount.account_id, Resident)
        .select_from(ResidentAccount)
        .join(ResidentAccount.resident)
        .where(ResidentAccount.account_id.in_(account_ids))
        .order_by(Resident.created_at)
    )
    for account_id, resident in rows:
        found[account_id].append(resident)
    return found


def get_account(account_id: uuid.UUID, *, for_update: bool = False) -> Account | None:
    """The tenant's account with this id (None for another tenant's); locked when updating, so
    two clerks cannot issue two logins for one account at once."""
    statement = select(Account).where(Account.id == account_id)
    if for_update:
        statement = statement.with_for_update(of=Account)
    return db.session.scalar(statement)


def office_login_mode(tenant, account: Account):
    """The password login mode the account's owner will use, or None when there is none.

    A mode by login or access code is preferred: those are what the office hands out.
    """
    modes = [
        mode
        for mode in tenant.config.login.modes
        if account.kind in mode.audiences and mode.secret == "password"
    ]
    for mode in modes:
        if mode.identifier in ("login", "access_code"):
            return mode
    return modes[0] if modes else None


def password_holders(account: Account) -> list[Resident]:
    """Active identities of the account that sign in with a password."""
    return [
        resident
        for resident in linked_identities([account.id]).get(account.id, [])
        if resident.status == "active" and resident.password_hash
    ]


def login_taken(login: str) -> bool:
    """True when an identity of the tenant in scope already has `login` (stored form)."""
    return db.session.scalar(select(Resident.id).where(Resident.login == login)) is not None


def suggest_login(account: Account) -> str:
    """A free login from the owner's surname in Latin letters and the number's last digits."""
    latin = fold(account.owner_surname).translate(_TRANSLIT)
    base = "".join(char for char in latin if char.isascii() and char.isalnum())
    digits = "".join(char for char in account.number if char.isdigit())[-4:]
    candidate = f"{base or 'abonent'}{digits}"
    suffix = 1
    while login_taken(candidate):
        suffix += 1
        candidate = f"{base or 'abonent'}{digits}-{suffix}"
    return candidate


def new_access_code() -> str:
    """A free access code such as `ORG-4F7K2Q` (stored lower-cased, typed in any case)."""
    while True:
        code = ACCESS_CODE_PREFIX + "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(6))
        if not login_taken(normalise_login(code)):
            return code


def _password_for(tenant) -> str:
    return one_time_password(max(10, tenant.config.registration.password_min_length))


def issue_access(
    tenant, account: Account, mode, *, login: str | None = None, email=None, phone=None
) -> IssuedAccess:
    """Create an active identity for the account's owner with a one-time password."""
    if password_holders(account):
        raise AccessExists(account.number)
    shown_login = None
    if mode.identifier == "login":
        shown_login = normalise_login(login)
        if login_taken(shown_login):
            raise LoginTaken(shown_login)
    elif mode.identifier == "access_code":
        shown_login = new_access_code()
    password = _password_for(tenant)
    resident = Resident(
        kind=account.kind,
        login=normalise_login(shown_login) if shown_login else None,
        full_name=account.owner_full_name,
        organisation_name=account.organisation_name,
        email=email or None,
        phone=phone or None,
        status="active",
        must_change_password=True,
        password_hash=hash_password(password),
    )
    resident.account_links.append(ResidentAccount(account_id=account.id))
    db.session.add(resident)
    db.session.flush()
    return IssuedAccess(resident, account, mode, shown_login, password, replaced=False)


def reset_access(tenant, account: Account, mode, resident: Resident) -> IssuedAccess:
    """Give an existing identity of the account a new one-time password; its sessions and
    e-mailed links end."""
    password = _password_for(tenant)
    resident.password_hash = hash_password(password)
    resident.must_change_password = True
    resident.end_all_sessions()
    revoke_tokens(resident)
    db.session.flush()
    shown = resident.login
    if shown and mode.identifier == "access_code":
        shown = shown.upper()
    return IssuedAccess(resident, account, mode, shown, password, replaced=True)
