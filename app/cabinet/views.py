"""The resident's cabinet: the current account at a glance, and switching between accounts."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from app import clock
from app.auth.access import resident_required, safe_next
from app.cabinet.context import choose_account, current_account, linked_accounts
from app.tenancy.context import current_tenant


@resident_required
def index():
    """Who the account belongs to, where, and its meters with their verification dates."""
    account = current_account()
    today = clock.now().astimezone(current_tenant.time_zone).date()
    return render_template(
        "cabinet/index.html", account=account, accounts=linked_accounts(), today=today
    )


@resident_required
def switch_account():
    """Make another of the resident's accounts current (the header's switcher)."""
    if choose_account(request.form.get("account_id")) is None:
        abort(404)
    return redirect(safe_next(request.form.get("next"), url_for("cabinet.index")))
