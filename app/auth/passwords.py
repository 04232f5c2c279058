"""Password hashing with argon2 (SPEC §7: a slow hash)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; False for a wrong password or a missing/garbled hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(
    password: str, *, min_length: int = 8, login: str | None = None, account_numbers=()
) -> list[str]:
    """Why `password` is too weak for the tenant's policy (SPEC §7); empty when it is fine."""
    problems = []
    if len(password) < min_length:
        problems.append(_("Пароль должен быть не короче %(num)d символов.", num=min_length))
    if password.isdigit():
        problems.append(_("Пароль не может состоять только из цифр."))
    lowered = password.strip().lower()
    if login and lowered == login.strip().lower():
        problems.append(_("Пароль не должен совпадать с логином."))
    digits = "".join(ch for ch in password if ch.isdigit())
    for number in account_numbers:
        number_digits = "".join(ch for ch in number if ch.isdigit())
        if lowered == number.lower() or (
            digits and digits == number_digits and len(digits) >= len(password) - 1
        ):
            problems.append(_("Пароль не должен совпадать с номером лицевого счёта."))
            break
    return problems
