"""Who is signed in: Flask-Login set up so that a session only ever means something on the host
(and tenant) that issued it (SPEC §7)."""

from __future__ import annotations

import re
import uuid
from functools import cache

from flask import Flask
from flask_babel import gettext as _
from flask_login import LoginManager
from sqlalchemy.orm import joinedload

from app.accounts.models import Account
from app.auth.models import Operator, Resident, StaffUser
from app.extensions import db
from app.tenancy.context import get_current_tenant

login_manager = LoginManager()

_TENANT_KINDS = {"resident": Resident, "staff": StaffUser}


@cache
def _load_options(model) -> tuple:
    """A resident comes with the linked accounts and their meters, in the same statement: nearly
    every resident request needs them (the header's account switcher, the reading form), and a
    statement less per request counts at the submission peak (issue 4). Built on first use, once
    every model is mapped."""
    if model is Resident:
        return (joinedload(Resident.accounts).joinedload(Account.meters),)
    return ()


# One rule for every login a person chooses or is given (residents, staff, operators).
LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


def normalise_login(raw: str | None) -> str:
    """Logins and access codes compare case-insensitively; they are stored lower-cased."""
    return (raw or "").strip().lower()


def is_valid_login(login: str) -> bool:
    """True for 3–64 latin letters, digits, «.», «_», «-», starting with a letter or digit."""
    return LOGIN_PATTERN.fullmatch(normalise_login(login)) is not None


def login_rule() -> str:
    """The login rule in words, for hints and errors."""
    return _(
        "Логин: от 3 до 64 символов — латинские буквы, цифры, точка, дефис, подчёркивание; "
        "начинается с буквы или цифры."
    )


def load_principal(session_id: str):
    """The identity behind a session id, or None when it is stale, foreign or unknown."""
    try:
        kind, tenant_part, row_id, version = session_id.split(":")
        row_uuid, version_number = uuid.UUID(row_id), int(version)
    except ValueError:
        return None
    tenant = get_current_tenant()
    if kind == "operator":
        # Operators work on the platform host only; a tenant host never honours their session.
        row = db.session.get(Operator, row_uuid) if tenant is None else None
    elif kind in _TENANT_KINDS and tenant is not None and tenant_part == str(tenant.id):
        model = _TENANT_KINDS[kind]
        row = db.session.get(model, (tenant.id, row_uuid), options=_load_options(model))
    elif kind == "visit" and tenant is not None and tenant_part == str(tenant.id):
        # An operator in this tenant's console, let in by a pass from /platform (read-only).
        from app.platform.visits import load_visit

        row = load_visit(tenant, row_uuid)
    else:
        row = None
    if row is None or row.session_version != version_number or not row.is_active:
        return None
    return row


def init_identity(app: Flask) -> None:
    """Install Flask-Login with host-only, HttpOnly, SameSite=Lax remember-me cookies."""
    app.config.update(
        REMEMBER_COOKIE_DOMAIN=None,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=app.config["SESSION_COOKIE_SECURE"],
    )
    login_manager.init_app(app)
    login_manager.user_loader(load_principal)
    login_manager.session_protection = "basic"
