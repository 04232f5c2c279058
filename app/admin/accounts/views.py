"""The accounts desk (`/admin/accounts`): search, the account page, blocking a login."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import clock
from app.admin.accounts.blocking import NotBlockable, block_login, linked_resident, unblock_login
from app.admin.accounts.profile import account_profile
from app.admin.accounts.search import CRITERIA, SearchRefused, search_accounts
from app.admin.accounts.viewing import log_account_view
from app.admin.office import get_account
from app.admin.roles import ACTING_ROLES
from app.audit import record_audit
from app.auth.access import staff_required
from app.extensions import db
from app.tenancy.context import current_tenant

QUERY_MAX_LENGTH = 100


@staff_required()
def accounts():
    """Search by number (every settlement), surname, address or meter serial, a page at a time."""
    query = request.args.get("q", "").strip()[:QUERY_MAX_LENGTH]
    by = request.args.get("by", "any")
    if by not in CRITERIA:
        by = "any"
    search, error = None, None
    if query:
        try:
            search = search_accounts(
                current_tenant, by, query, page=request.args.get("page", 1, type=int)
            )
        except SearchRefused as exc:
            error = str(exc)
        else:
            # The results name owners and addresses: the search is personal-data access too.
            record_audit(
                "account.search",
                target=query,
                details={"by": by, "found": search.page.total, "page": search.page.page},
            )
            db.session.commit()
    return render_template(
        "admin/accounts.html", query=query, by=by, criteria=CRITERIA, search=search, error=error
    )


@staff_required()
def account_page(account_id: uuid.UUID):
    """The account with its meters, readings, charges, payments and logins."""
    account = get_account(account_id)
    if account is None:
        abort(404)
    today = clock.now().astimezone(current_tenant.time_zone).date()
    profile = account_profile(current_tenant, account, today)
    log_account_view(account, "account")
    return render_template("admin/account.html", account=account, profile=profile)


@staff_required(*ACTING_ROLES)
def block_resident(account_id: uuid.UUID, resident_id: uuid.UUID):
    """Block one of the account's logins (admins and clerks)."""
    return _change_block(account_id, resident_id, block=True)


@staff_required(*ACTING_ROLES)
def unblock_resident(account_id: uuid.UUID, resident_id: uuid.UUID):
    """Lift the block of one of the account's logins (admins and clerks)."""
    return _change_block(account_id, resident_id, block=False)


def _change_block(account_id: uuid.UUID, resident_id: uuid.UUID, *, block: bool):
    account = get_account(account_id)
    resident = linked_resident(account, resident_id) if account is not None else None
    if resident is None:
        abort(404)
    name = resident.login or resident.full_name or account.number
    try:
        if block:
            block_login(account, resident)
        else:
            unblock_login(account, resident)
    except NotBlockable:
        db.session.rollback()
        flash(_("Состояние входа уже изменилось: обновите страницу."), "error")
    else:
        db.session.commit()
        if block:
            flash(_("Вход %(name)s заблокирован, его сеансы завершены.", name=name), "info")
        else:
            flash(_("Вход %(name)s разблокирован.", name=name), "info")
    return redirect(url_for("admin.account_page", account_id=account_id), code=303)
