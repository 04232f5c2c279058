"""Signing in and out: a fresh session on every sign-in, nothing carried over (fixation)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import session
from flask_login import login_user, logout_user

from app.db import utcnow

REMEMBER_FOR = timedelta(days=30)


def sign_in(principal, *, remember: bool = False, **session_values) -> None:
    """Start a new session for `principal`; `session_values` are stored in it (e.g. the account)."""
    session.clear()  # the pre-login session (and anything planted in it) is discarded
    login_user(principal, remember=remember, duration=REMEMBER_FOR, force=True)
    session["sid"] = secrets.token_urlsafe(16)  # a new session identity for every sign-in
    session.update(session_values)
    principal.last_login_at = utcnow()


def sign_out() -> None:
    """End the session and forget the remember-me cookie."""
    logout_user()
    session.clear()
