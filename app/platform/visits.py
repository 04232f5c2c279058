"""An operator in a tenant's console: the hand-off from `/platform` and the session it starts.

Sessions are bound to the host that issued them, so an operator session on the platform host
means nothing on `<tenant host>`. The hand-off: `/platform` issues a random pass (stored hashed in
the tenant it opens, valid for a minute, usable once) and redirects to
`<tenant host>/admin/operator-entry?token=…`, which redeems it, writes `operator.console_visit` to
the tenant's audit log and starts a console session for the operator on that host.

Decision: the visit is read-only — the console with the viewer role. Operators support utilities
and may look at everything, but changes to a utility (its first admin, suspension) are made from
`/platform`, and changes inside it by the utility's own staff, each under their own name.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select

from app.auth.models import Operator
from app.auth.principal import Principal
from app.db import use_once, utcnow
from app.extensions import db
from app.platform.models import OperatorEntry
from app.tenancy.context import tenant_scope
from app.tenancy.snapshot import TenantSnapshot

ENTRY_TTL = timedelta(seconds=60)
VISIT_ROLE = "viewer"


class OperatorVisit(Principal):
    """A platform operator signed in to one tenant's console, with the viewer role.

    Quacks like a `StaffUser` for the console (role, login, full name) but is recorded in the
    audit log as the operator it is (`principal_kind` "operator").
    """

    principal_kind = "operator"
    role = VISIT_ROLE
    must_change_password = False
    is_operator_visit = True

    def __init__(self, operator: Operator, tenant_id: int):
        self.operator = operator
        self.tenant_id = tenant_id
        self.id = operator.id
        self.login = operator.login
        self.full_name = operator.full_name
        self.email = operator.email
        self.active = operator.active
        self.session_version = operator.session_version
        self.last_login_at = None

    def get_id(self) -> str:
        return f"visit:{self.tenant_id}:{self.id}:{self.session_version}"

    def end_all_sessions(self) -> None:
        self.operator.end_all_sessions()


def token_digest(raw: str) -> str:
    return hashlib.sha256((raw or "").encode()).hexdigest()


def is_operator_visit(user) -> bool:
    return isinstance(user, OperatorVisit)


def load_visit(tenant: TenantSnapshot, operator_id: uuid.UUID) -> OperatorVisit | None:
    """The visit behind a `visit:` session id on `tenant`'s host (the session loader checks the
    version and that the operator is still active)."""
    operator = db.session.get(Operator, operator_id)
    return OperatorVisit(operator, tenant.id) if operator is not None else None


def issue_entry(operator: Operator, tenant: TenantSnapshot) -> str:
    """A one-minute, single-use pass into `tenant`'s console (flushed, not committed)."""
    raw = secrets.token_urlsafe(32)
    with tenant_scope(tenant):
        db.session.add(
            OperatorEntry(
                operator_id=operator.id,
                token_hash=token_digest(raw),
                expires_at=utcnow() + ENTRY_TTL,
            )
        )
        db.session.flush()
    return raw


def redeem_entry(raw: str, tenant: TenantSnapshot) -> OperatorVisit | None:
    """The visit a pass opens on the tenant in scope, using it up; None when the pass is unknown
    (or another tenant's), used, expired, or its operator was switched off."""
    entry = db.session.scalar(
        select(OperatorEntry).where(OperatorEntry.token_hash == token_digest(raw))
    )
    if entry is None or entry.used_at is not None or entry.expires_at <= utcnow():
        return None
    used = use_once(db.session, OperatorEntry.used_at, entry.id)
    operator = db.session.get(Operator, entry.operator_id)
    if not used or operator is None or not operator.active:
        return None
    return OperatorVisit(operator, tenant.id)
