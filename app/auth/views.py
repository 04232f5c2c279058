"""Resident sign-in and sign-out (`/login`, `/logout`)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import safe_next
from app.auth.forms import login_form_for
from app.auth.services import LoginRefused, attempt_identity, authenticate
from app.auth.sessions import sign_in, sign_out
from app.auth.throttling import attempt_key, clear_failures, failures, record_failure
from app.extensions import db
from app.tenancy.context import current_tenant


def _find_mode(key: str | None):
    modes = current_tenant.config.login.modes
    if not key:
        return modes[0]
    return next((mode for mode in modes if mode.key == key), None)


def _mode(key: str | None):
    mode = _find_mode(key)
    if mode is None:
        abort(404)
    return mode


def login_attempt_key() -> str:
    """Limiter key of the account a posted login form names (normalised, per mode and tenant)."""
    mode = _find_mode(request.values.get("mode"))
    if mode is None:
        # The view answers 404. No error here: Flask-Limiter takes any error in a key function
        # for its storage being down and counts in per-process memory for a while.
        return "login:unknown-mode"
    return attempt_key(*attempt_identity(current_tenant, mode, request.form))


def _needs_captcha(mode, key: str) -> bool:
    if mode.captcha == "always":
        return True
    return mode.captcha == "after_failures" and failures(key) >= mode.captcha_after_failures


def login():
    """GET: the form of the chosen mode (tab). POST: check it, sign in, go to the cabinet."""
    mode = _mode(request.values.get("mode"))
    key = login_attempt_key()
    form = login_form_for(current_tenant, mode, with_captcha=_needs_captcha(mode, key))
    next_url = safe_next(request.values.get("next"), url_for("cabinet.index"))
    if form.validate_on_submit():
        try:
            result = authenticate(
                current_tenant,
                mode,
                identifier=form.identifier.data,
                secret=form.secret.data,
                settlement_code=form.settlement.data if mode.settlement else None,
            )
        except LoginRefused as refusal:
            if refusal.counts_as_failure:
                record_failure(key, current_tenant.config.login.failure_limit_per_account)
            form.form_errors.append(refusal.message)
            db.session.commit()
            # The captcha may have become due with this failure: show the form as it now is.
            form = _fresh_form(mode, key, form)
        else:
            clear_failures(key)
            account_id = str(result.account.id) if result.account else None
            sign_in(
                result.resident,
                remember=bool(getattr(form, "remember", None) and form.remember.data),
                account_id=account_id,
            )
            db.session.commit()
            return redirect(next_url)
    return render_template(
        "auth/login.html",
        form=form,
        mode=mode,
        next_url=next_url,
        modes=current_tenant.config.login.modes,
    ), 200


def _fresh_form(mode, key, submitted):
    form = login_form_for(
        current_tenant, mode, with_captcha=_needs_captcha(mode, key), formdata=None
    )
    for name in ("settlement", "identifier", "remember"):
        if hasattr(form, name) and hasattr(submitted, name):
            getattr(form, name).data = getattr(submitted, name).data
    form.form_errors.extend(submitted.form_errors)
    return form


def logout():
    """GET: a page with the sign-out button. POST (with CSRF): sign out and go home."""
    if request.method == "POST":
        sign_out()
        return redirect(url_for("home.index"))
    return render_template("auth/logout.html", signed_in=current_user.is_authenticated)
