"""Login + password checks and password changes for the two consoles: utility staff (`/admin`)
and platform operators (`/platform`). Residents sign in through `app.auth.services` instead."""

from __future__ import annotations

import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.identity import is_valid_login, normalise_login
from app.auth.passwords import hash_password, password_problems, verify_password
from app.extensions import db

# Console users see the personal data of many residents: a longer minimum than residents get.
CONSOLE_PASSWORD_MIN_LENGTH = 10
# No 0/O, 1/l/I: one-time passwords and access codes are read off paper and typed by hand.
UNAMBIGUOUS_LETTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
UNAMBIGUOUS_DIGITS = "23456789"


class SignInRefused(Exception):
    """The sign-in fails; `message` is safe to show (it never says whether the login exists)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@cache
def _dummy_hash() -> str:
    # Verified when no login matches, so an unknown login costs as long as a wrong password.
    return hash_password("timing-equaliser")


def authenticate(model, raw_login: str, password: str):
    """The `model` row (StaffUser or Operator) that `raw_login` and `password` prove."""
    login = normalise_login(raw_login)
    user = db.session.scalar(select(model).where(model.login == login)) if login else None
    if user is None:
        verify_password(_dummy_hash(), password)
        raise SignInRefused(_("Неверный логин или пароль."))
    if not verify_password(user.password_hash, password):
        raise SignInRefused(_("Неверный логин или пароль."))
    if not user.active:
        # Only someone who knows the password learns that the login exists but is switched off.
        raise SignInRefused(_("Вход отключён. Обратитесь к администратору."))
    return user


class InvalidConsoleUser(ValueError):
    """A new staff user or operator cannot be created as given; the message says why."""


def checked_console_user(login: str, email: str, password: str | None) -> tuple[str, str]:
    """The stored login and e-mail of a new console user; InvalidConsoleUser when one of
    login, e-mail or password is unacceptable."""
    if not is_valid_login(login):
        raise InvalidConsoleUser(
            f"login {login!r}: 3 to 64 latin letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit"
        )
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidConsoleUser(f"e-mail {email!r}: {exc}") from None
    if password is not None:
        problems = new_password_problems(password, login=login)
        if problems:
            raise InvalidConsoleUser("weak password: " + " ".join(problems))
    return normalise_login(login), email


def new_password_problems(password: str, *, login: str | None = None) -> list[str]:
    """Why `password` is too weak for a console user; empty when it is fine."""
    return password_problems(password, min_length=CONSOLE_PASSWORD_MIN_LENGTH, login=login)


def set_password(user, password: str, *, temporary: bool = False) -> None:
    """Give `user` a new password and end every session it had; `temporary` forces a change."""
    user.password_hash = hash_password(password)
    user.must_change_password = temporary
    user.end_all_sessions()


def one_time_password(length: int = 10) -> str:
    """A random password of letters and digits that are hard to misread on paper."""
    alphabet = UNAMBIGUOUS_LETTERS + UNAMBIGUOUS_DIGITS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        # Mixed letters and digits, so it also passes every tenant's password policy.
        if any(ch.isdigit() for ch in password) and any(ch.isalpha() for ch in password):
            return password
