"""Single-use e-mail links: confirm a registration, set or reset a password.

The link carries a random token; the database keeps its SHA-256, when it expires and when it was
used. A token works once, until it expires, and dies when the password changes (`revoke`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from app.auth.models import AuthToken, Resident
from app.db import use_once, utcnow
from app.extensions import db


class InvalidToken(LookupError):
    """No such token, already used, or for another purpose."""


class ExpiredToken(LookupError):
    """The token existed but its time ran out; `resident` says whose it was."""

    def __init__(self, resident: Resident):
        super().__init__("expired")
        self.resident = resident


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(resident: Resident, purpose: str, ttl: timedelta) -> str:
    """A new link token for `resident`; only its hash is stored."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        AuthToken(
            resident=resident, purpose=purpose, token_hash=_digest(raw), expires_at=utcnow() + ttl
        )
    )
    db.session.flush()
    return raw


def _open_token(raw: str, purpose: str) -> AuthToken:
    token = db.session.scalar(
        select(AuthToken).where(
            AuthToken.token_hash == _digest(raw or ""), AuthToken.purpose == purpose
        )
    )
    if token is None or token.used_at is not None:
        raise InvalidToken(purpose)
    if token.expires_at <= utcnow():
        raise ExpiredToken(token.resident)
    return token


def peek_token(raw: str, purpose: str) -> Resident:
    """Whose the token is, without using it up (to show the form the link leads to)."""
    return _open_token(raw, purpose).resident


def redeem_token(raw: str, purpose: str) -> Resident:
    """Whose the token is, marking it used; InvalidToken or ExpiredToken otherwise."""
    token = _open_token(raw, purpose)
    if not use_once(db.session, AuthToken.used_at, token.id):
        raise InvalidToken(purpose)
    return token.resident


def revoke_tokens(resident: Resident, *purposes: str) -> None:
    """Use up every open token of `resident` (all purposes unless named)."""
    statement = update(AuthToken).where(
        AuthToken.resident_id == resident.id, AuthToken.used_at.is_(None)
    )
    if purposes:
        statement = statement.where(AuthToken.purpose.in_(purposes))
    db.session.execute(statement.values(used_at=utcnow()))
