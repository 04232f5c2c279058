"""Password recovery pages: `/password/forgot` and the e-mailed link `/password/reset/<token>`."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.identity import normalise_login
from app.auth.sessions import sign_in
from app.auth.throttling import attempt_key
from app.auth.tokens import ExpiredToken, InvalidToken
from app.extensions import db
from app.recovery.forms import (
    ResetPasswordForm,
    alternative_key,
    alternative_label,
    recovery_form_for,
)
from app.recovery.lookup import find_residents, normalise_email
from app.recovery.services import (
    issue_reset_links,
    linked_accounts,
    new_password_problems,
    open_reset_link,
    reset_password,
    send_reset_mails,
)
from app.tenancy.account_numbers import InvalidAccountNumber
from app.tenancy.context import current_tenant
from app.text import fold

_AUDIENCES = {
    "individual": _l("физические лица"),
    "legal": _l("юридические лица"),
    "management_company": _l("управляющие компании"),
}


def _alternative(key: str | None) -> tuple[str, ...]:
    alternatives = current_tenant.config.recovery.identify_by
    if not key:
        return alternatives[0]
    for fields in alternatives:
        if alternative_key(fields) == key:
            return fields
    abort(404)


def recovery_attempt_key() -> str:
    """Limiter key of the resident a posted recovery form names (normalised, per tenant).

    The surname is left out: it is the proof, and guessing it must count against one account.
    """
    fields = _alternative(request.values.get("by"))
    parts = [_key_part(name, request.form.get(name, "")) for name in fields if name != "surname"]
    return attempt_key(f"recovery:{alternative_key(fields)}", "/".join(parts))


def _key_part(name: str, raw: str) -> str:
    if name == "account_number":
        try:
            return current_tenant.account_numbers.normalise(raw)
        except InvalidAccountNumber:
            return fold(raw)
    if name == "login":
        return normalise_login(raw)
    if name == "email":
        return normalise_email(raw)
    return fold(raw)


def forgot():
    """GET: the form of the chosen set of fields (tab). POST: mail reset links, say the same."""
    recovery = current_tenant.config.recovery
    if not recovery.online:
        return render_template("recovery/offline.html", **_office_context())
    fields = _alternative(request.values.get("by"))
    form = recovery_form_for(current_tenant, fields)
    if form.validate_on_submit():
        mails = issue_reset_links(current_tenant, find_residents(form.identity()))
        send_reset_mails(current_tenant, mails)
        db.session.commit()
        # One answer whether or not anything matched: no one learns who is registered.
        return redirect(url_for("recovery.sent"), code=303)
    tabs = [(alternative_key(item), alternative_label(item)) for item in recovery.identify_by]
    return render_template(
        "recovery/forgot.html",
        form=form,
        current=alternative_key(fields),
        tabs=tabs,
        **_office_context(),
    )


def sent():
    """The answer to every accepted request, matched or not."""
    if not current_tenant.config.recovery.online:
        return redirect(url_for("recovery.forgot"))
    return render_template(
        "recovery/sent.html",
        hours=current_tenant.config.recovery.link_ttl_hours,
        **_office_context(),
    )


def _office_context() -> dict:
    config = current_tenant.config
    addresses = (
        [config.contacts.address]
        if config.contacts.get("address")
        else [s.office.address for s in config.settlements if s.get("office")]
    )
    names = [str(_AUDIENCES[audience]) for audience in config.recovery.in_person_audiences]
    in_person = None
    if names:
        who = (
            names[0]
            if len(names) == 1
            else _("%(first)s и %(last)s", first=", ".join(names[:-1]), last=names[-1])
        )
        in_person = who[:1].upper() + who[1:]
    surname_mode = next((m for m in config.login.modes if m.secret == "surname"), None)
    return {"addresses": addresses, "in_person": in_person, "surname_mode": surname_mode}


def reset(token: str):
    """GET: the new-password form of a valid link. POST: set it, end other sessions, sign in."""
    try:
        resident = open_reset_link(current_tenant, token)
    except ExpiredToken:
        return _link_page("recovery/link_expired.html", 410)
    except InvalidToken:
        return _link_page("recovery/link_invalid.html", 404)
    form = ResetPasswordForm(policy=partial(new_password_problems, current_tenant, resident))
    if form.validate_on_submit():
        reset_password(current_tenant, token, form.password.data)
        accounts = linked_accounts(resident)
        sign_in(resident, account_id=str(accounts[0].id) if accounts else None)
        db.session.commit()
        flash(_("Пароль изменён"), "success")
        return redirect(url_for("cabinet.index"))
    return _link_page(
        "recovery/reset.html", 200, form=form, resident=resident, accounts=linked_accounts(resident)
    )


def _link_page(template: str, status: int, **context):
    response = make_response(render_template(template, **context), status)
    # The token is in the URL: keep it out of Referer headers and shared caches.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
