"""`record_audit(...)`: add an entry to the caller's transaction, committed with the change."""

from __future__ import annotations

import json
from typing import Any

from flask import has_request_context, request

from app.audit.models import AuditEntry
from app.extensions import db
from app.tenancy.context import get_current_tenant

SYSTEM = "system"


class NoTenantInScope(RuntimeError):
    """`record_audit` was called with no tenant in scope (the platform host, a bare CLI step)."""


def _actor_fields(actor: Any) -> tuple[str, Any, str]:
    """(kind, id, label) of a StaffUser / Operator / Resident; anything else is the system."""
    kind = getattr(actor, "principal_kind", "") if actor is not None else ""
    if not kind or not getattr(actor, "is_authenticated", False):
        return SYSTEM, None, ""
    # Residents signing in by account number have no login: their name or e-mail stands in.
    label = actor.login or getattr(actor, "full_name", None) or getattr(actor, "email", None)
    return kind, actor.id, label or ""


def _current_actor() -> Any:
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user._get_current_object()


def _json_ready(details: dict | None) -> dict:
    # Dates, decimals and UUIDs become strings: the stored document is plain JSON everywhere.
    return json.loads(json.dumps(details or {}, default=str, ensure_ascii=False))


def record_audit(
    action: str, *, target: str = "", details: dict | None = None, actor: Any = None
) -> AuditEntry:
    """Add an audit entry for the tenant in scope to the current session (not committed here:
    the caller's commit stores it together with the change it describes, a rollback drops both).

    `actor` defaults to the signed-in user of the request (StaffUser, Operator or Resident) and
    to the system outside a request or for anonymous visitors; `details` is any JSON-ready
    mapping, e.g. `{"old": ..., "new": ...}`.
    """
    tenant = get_current_tenant()
    if tenant is None:
        raise NoTenantInScope(f"audit entry {action!r} needs a tenant in scope (tenant_scope)")
    kind, actor_id, label = _actor_fields(actor if actor is not None else _current_actor())
    entry = AuditEntry(
        tenant_id=tenant.id,
        actor_kind=kind,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        target=target or "",
        details=_json_ready(details),
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
