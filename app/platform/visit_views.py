"""`<tenant host>/admin/operator-entry`: where an operator's pass from `/platform` lands."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.audit import record_audit
from app.auth.sessions import sign_in
from app.extensions import db
from app.platform.visits import VISIT_ROLE, redeem_entry
from app.tenancy.context import current_tenant


def operator_entry():
    """Redeem the pass, log the visit in the tenant's audit log, open the console read-only."""
    visit = redeem_entry(request.args.get("token", ""), current_tenant)
    if visit is None:
        db.session.commit()  # a used-up pass stays used up
        return render_template("platform/entry_invalid.html"), 404
    record_audit(
        "operator.console_visit",
        target=visit.login,
        details={"operator": visit.full_name, "role": VISIT_ROLE},
        actor=visit,
    )
    sign_in(visit)
    db.session.commit()
    return redirect(url_for("admin.index"))
