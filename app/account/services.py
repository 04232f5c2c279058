"""The resident's own settings: a login and password for passwordless identities, contacts.

Password changes go through `app.recovery.services.change_password`, the one route for all of them.
"""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.identity import is_valid_login, login_rule, normalise_login
from app.auth.models import Resident
from app.auth.passwords import password_problems
from app.extensions import db
from app.recovery.services import change_password, linked_accounts

_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


class LoginTaken(Exception):
    """Another identity of the tenant already uses this login."""


def credentials_problems(tenant, resident: Resident, login: str, password: str) -> list[str]:
    """Why `password` cannot go with the new `login` (tenant minimum, login, account numbers)."""
    return password_problems(
        password,
        min_length=tenant.config.registration.password_min_length,
        login=login,
        account_numbers=[account.number for account in linked_accounts(resident)],
    )


def password_login_mode(tenant, resident: Resident):
    """The tenant's login-and-password mode open to this resident's kind, or None."""
    for mode in tenant.config.login.modes:
        if (
            mode.identifier == "login"
            and mode.secret == "password"
            and resident.kind in mode.audiences
        ):
            return mode
    return None


def check_login(raw: str) -> str:
    """The login in stored form; ValueError with a message when it is not an acceptable login."""
    login = normalise_login(raw)
    if not is_valid_login(login):
        raise ValueError(login_rule())
    return login


def create_credentials(resident: Resident, login: str, password: str) -> None:
    """Give a passwordless identity (Angarsk's surname mode) a login and password of its own."""
    if db.session.scalar(select(Resident.id).where(Resident.login == login)) is not None:
        raise LoginTaken(login)
    try:
        with db.session.begin_nested():
            resident.login = login
            change_password(resident, password)
    except IntegrityError:  # taken by someone else in the same instant
        raise LoginTaken(login) from None


def normalise_phone(raw: str) -> str:
    """A Russian mobile number in E.164 (`+79123456789`); ValueError when it is not one."""
    try:
        number = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise ValueError(_("Введите номер мобильного телефона, например +7 912 345-67-89."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    """The e-mail address in normalised form; ValueError when it is not an address."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(_("Введите адрес электронной почты, например ivanov@mail.ru.")) from None


def email_changes(resident: Resident, email: str | None) -> bool:
    """Whether storing `email` changes the resident's address (case aside)."""
    return (email or "").lower() != (resident.email or "").lower()


def update_contacts(resident: Resident, *, email: str | None, phone: str | None) -> bool:
    """Store the resident's contacts; True when the e-mail changed (it is then unconfirmed)."""
    email_changed = email_changes(resident, email)
    if email_changed:
        resident.email = email
        resident.email_confirmed_at = None
    resident.phone = phone
    db.session.flush()
    return email_changed
