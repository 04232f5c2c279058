"""The «find my account» queue (`/admin/lookup-requests`)."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.forms import LookupAnswerForm
from app.admin.lookups import get_request, handle_request, lookup_page, status_counts
from app.admin.roles import ACTING_ROLES
from app.audit import record_audit
from app.auth.access import staff_required
from app.extensions import db
from app.registration.models import LOOKUP_STATUSES
from app.staff.roster import staff_names

FILTERS = (*LOOKUP_STATUSES, "all")
VIEW_ACTION = "lookup_request.view"


@staff_required()
def lookup_requests():
    """Requests newest first, filtered by status (new ones by default)."""
    status = request.args.get("status", "new")
    if status not in FILTERS:
        status = "new"
    page = lookup_page(None if status == "all" else status, request.args.get("page", 1, type=int))
    if page.items:
        # 152-ФЗ: the requests are residents' names, addresses and phones; like the accounts
        # desk, every page of them shown to staff is a personal-data view.
        record_audit(
            VIEW_ACTION,
            target=status,
            details={
                "status": status,
                "page": page.page,
                "shown": len(page.items),
                "requests": [str(row.id) for row in page.items],
            },
        )
        db.session.commit()
    return render_template(
        "admin/lookup_requests.html",
        status=status,
        filters=FILTERS,
        counts=status_counts(),
        page=page,
        handled_by=staff_names(row.handled_by_id for row in page.items),
    )


@staff_required(*ACTING_ROLES)
def handle_lookup_request(request_id: uuid.UUID):
    """Mark a request answered or closed, with a note."""
    row = get_request(request_id)
    if row is None:
        abort(404)
    form = LookupAnswerForm()
    if form.validate_on_submit():
        handle_request(row, current_user._get_current_object(), form.status.data, form.note.data)
        db.session.commit()
        flash(_("Заявка %(name)s: статус сохранён.", name=row.full_name), "info")
    else:
        errors = [str(error) for field in form for error in field.errors]
        flash(" ".join(errors) or _("Не удалось сохранить заявку."), "error")
    back = request.form.get("back_status")
    return redirect(url_for("admin.lookup_requests", status=back if back in FILTERS else None))
