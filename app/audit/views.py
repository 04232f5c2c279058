"""The audit log page of the staff console (`/admin/audit`): admins and viewers read it."""

from __future__ import annotations

from flask import render_template, request

from app.audit import labels
from app.audit.log import audit_page, known_actions, parse_filter, show_value
from app.auth.access import staff_required
from app.tenancy.context import current_tenant

AUDIT_READERS = ("admin", "viewer")


@staff_required(*AUDIT_READERS)
def audit_log():
    """Entries newest first: who, when, what, old → new; filtered by action, dates and target."""
    actions = known_actions()
    wanted, errors = parse_filter(request.args, actions)
    page = audit_page(wanted, current_tenant.time_zone, request.args.get("page", 1, type=int))
    query = {
        "action": wanted.action or None,
        "date_from": wanted.date_from.isoformat() if wanted.date_from else None,
        "date_to": wanted.date_to.isoformat() if wanted.date_to else None,
        "target": wanted.target or None,
    }
    return render_template(
        "admin/audit.html",
        page=page,
        wanted=wanted,
        errors=errors,
        actions=actions,
        query=query,
        audit_labels=labels,
        show=show_value,
    )
