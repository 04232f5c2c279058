"""Inviting staff by e-mail: a single-use link on the tenant host that expires; whoever opens it
chooses a login and a password and becomes an active staff user with the invited role."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.admin.credentials import new_password_problems
from app.admin.labels import ROLE_LABELS
from app.auth.identity import is_valid_login, login_rule, normalise_login
from app.auth.models import StaffUser
from app.auth.passwords import hash_password
from app.db import use_once, utcnow
from app.extensions import db
from app.mail.rendering import send_templated_mail
from app.registration.mailing import hours_in_words
from app.staff.models import StaffInvitation
from app.tenancy.urls import tenant_url

INVITATION_TTL_HOURS = 72


class StaffProblem(ValueError):
    """A staff change cannot be made as asked; `field` names the form field it concerns."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class InvalidInvitation(LookupError):
    """No such invitation link, or it was used, revoked or has expired."""


def token_digest(raw: str) -> str:
    """What is stored of a link token: its SHA-256 (a database leak hands out no working link)."""
    return hashlib.sha256((raw or "").encode()).hexdigest()


def inviter_label(user) -> str:
    """How an invitation records who sent it: `staff:<login>`, `operator:<login>` or `system`."""
    kind = getattr(user, "principal_kind", "")
    if kind and getattr(user, "is_authenticated", False):
        return f"{kind}:{user.login}"
    return "system"


def invite_staff(
    email: str, full_name: str, role: str, *, invited_by: str
) -> tuple[StaffInvitation, str]:
    """A new invitation of the tenant in scope (and the raw link token); an earlier open
    invitation to the same address stops working. StaffProblem when the address is taken."""
    email = email.strip()
    taken = db.session.scalar(
        select(StaffUser.id).where(func.lower(StaffUser.email) == email.lower())
    )
    if taken:
        raise StaffProblem(
            "email", _("У сотрудника с этой почтой уже есть вход; при необходимости включите его.")
        )
    revoke_open_invitations(email)
    raw = secrets.token_urlsafe(32)
    invitation = StaffInvitation(
        email=email,
        full_name=full_name.strip(),
        role=role,
        token_hash=token_digest(raw),
        invited_by=invited_by,
        expires_at=utcnow() + timedelta(hours=INVITATION_TTL_HOURS),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, raw


def revoke_open_invitations(email: str) -> None:
    """Every open invitation to `email` stops working."""
    db.session.execute(
        update(StaffInvitation)
        .where(
            func.lower(StaffInvitation.email) == email.lower(),
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def send_invitation(tenant, invitation: StaffInvitation, raw: str) -> None:
    """Mail the link (always on the tenant's platform subdomain, which every tenant has)."""
    send_templated_mail(
        invitation.email,
        _("%(utility)s: приглашение в кабинет сотрудника", utility=tenant.config.short_name),
        "staff_invitation",
        person=invitation.full_name,
        role=ROLE_LABELS[invitation.role],
        link=tenant_url(tenant, f"/admin/invitation/{raw}"),
        ttl=hours_in_words(INVITATION_TTL_HOURS),
        login_url=tenant_url(tenant, "/admin/login"),
    )


def open_invitation(raw: str) -> StaffInvitation:
    """The open invitation behind a link; InvalidInvitation otherwise."""
    invitation = db.session.scalar(
        select(StaffInvitation).where(StaffInvitation.token_hash == token_digest(raw))
    )
    if invitation is None or not invitation.is_open:
        raise InvalidInvitation(raw)
    return invitation


def suggested_login(invitation: StaffInvitation) -> str:
    """The part of the address before `@`, when it makes a valid login."""
    local = normalise_login(invitation.email.partition("@")[0])
    return local if is_valid_login(local) else ""


def accept_invitation(raw: str, login: str, password: str) -> StaffUser:
    """Use the invitation up and create the staff user; StaffProblem names a bad field,
    InvalidInvitation when the link no longer works (also when two tabs race)."""
    invitation = open_invitation(raw)
    login = normalise_login(login)
    if not is_valid_login(login):
        raise StaffProblem("login", login_rule())
    if db.session.scalar(select(StaffUser.id).where(StaffUser.login == login)):
        raise StaffProblem("login", _("Этот логин уже занят. Выберите другой."))
    problems = new_password_problems(password, login=login)
    if problems:
        raise StaffProblem("password", " ".join(problems))
    if not use_once(db.session, StaffInvitation.accepted_at, invitation.id):
        raise InvalidInvitation(raw)
    staff = StaffUser(
        login=login,
        email=invitation.email,
        full_name=invitation.full_name,
        role=invitation.role,
        password_hash=hash_password(password),
        active=True,
        must_change_password=False,
    )
    db.session.add(staff)
    db.session.flush()
    invitation.staff_user_id = staff.id
    return staff
