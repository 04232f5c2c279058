"""Office registration: issue or reset the login of an account found on the accounts desk."""

from __future__ import annotations

import uuid

from flask import abort, render_template, request
from flask_babel import gettext as _

from app.admin.accounts.viewing import log_account_view
from app.admin.forms import ResetAccessForm, issue_login_form
from app.admin.office import (
    AccessExists,
    IssuedAccess,
    LoginTaken,
    get_account,
    issue_access,
    office_login_mode,
    password_holders,
    reset_access,
    suggest_login,
)
from app.admin.roles import ACTING_ROLES
from app.auth.access import staff_required
from app.extensions import db
from app.tenancy.context import current_tenant


@staff_required(*ACTING_ROLES)
def issue_login(account_id: uuid.UUID):
    """Issue a login with a one-time password for the account's owner, or reset the existing one."""
    account = get_account(account_id, for_update=request.method == "POST")
    if account is None:
        abort(404)
    if request.method == "GET":
        log_account_view(account, "issue_login")
    mode = office_login_mode(current_tenant, account)
    holders = password_holders(account)
    form = None
    if mode is not None and holders:
        form = ResetAccessForm(holders)
        if form.validate_on_submit():
            chosen = next(holder for holder in holders if str(holder.id) == form.resident.data)
            return _issued(reset_access(current_tenant, account, mode, chosen))
    elif mode is not None:
        defaults = {"email": account.email, "phone": account.phone}
        if mode.identifier == "login" and request.method == "GET":
            defaults["login"] = suggest_login(account)
        form = issue_login_form(with_login=mode.identifier == "login", data=defaults)
        if form.validate_on_submit():
            try:
                issued = issue_access(
                    current_tenant,
                    account,
                    mode,
                    login=form.login.data if mode.identifier == "login" else None,
                    email=form.email.data,
                    phone=form.phone.data,
                )
            except LoginTaken:
                form.login.errors.append(_("Этот логин уже занят: выберите другой."))
            except AccessExists:
                form.form_errors.append(_("У лицевого счёта уже есть вход: обновите страницу."))
            else:
                return _issued(issued)
    return render_template(
        "admin/issue_login.html", account=account, mode=mode, holders=holders, form=form
    )


def _issued(issued: IssuedAccess):
    db.session.commit()
    response = render_template("admin/issued.html", issued=issued)
    # The one-time password is on this page only: no cache may keep a copy.
    return response, 200, {"Cache-Control": "no-store"}
