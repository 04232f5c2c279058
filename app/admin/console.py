"""Sign-in, sign-out and password pages shared by the staff console and the operators' console:
the same steps, another model, template and home page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.credentials import (
    CONSOLE_PASSWORD_MIN_LENGTH,
    SignInRefused,
    authenticate,
    new_password_problems,
    set_password,
)
from app.admin.forms import ChangePasswordForm, ConsoleLoginForm
from app.auth.access import safe_next
from app.auth.identity import normalise_login
from app.auth.passwords import verify_password
from app.auth.sessions import sign_in, sign_out
from app.auth.throttling import attempt_key
from app.extensions import db


def login_attempt_key(scope: str) -> str:
    """Limiter key of the login a posted console sign-in form names (per tenant or platform)."""
    return attempt_key(scope, normalise_login(request.form.get("login")))


def login_page(model, *, template: str, home: str):
    """GET: the form. POST: check login and password, start a fresh session, go on."""
    next_url = safe_next(request.values.get("next"), url_for(home))
    if isinstance(current_user._get_current_object(), model):
        return redirect(next_url)
    form = ConsoleLoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(model, form.login.data, form.password.data)
        except SignInRefused as refusal:
            form.form_errors.append(refusal.message)
        else:
            sign_in(user)
            db.session.commit()
            return redirect(next_url)
    return render_template(template, form=form, next_url=next_url)


def logout_page(login_endpoint: str):
    """End the session (POST with the CSRF token) and show the sign-in form again."""
    sign_out()
    flash(_("Вы вышли."), "info")
    return redirect(url_for(login_endpoint))


def password_page(*, template: str, home: str):
    """Change the signed-in user's password; also where a one-time password must be replaced."""
    user = current_user._get_current_object()
    next_url = safe_next(request.values.get("next"), url_for(home))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Неверный текущий пароль."))
        else:
            problems = new_password_problems(form.new_password.data, login=user.login)
            if form.new_password.data == form.current_password.data:
                problems.append(_("Новый пароль должен отличаться от текущего."))
            if problems:
                form.new_password.errors.extend(problems)
            else:
                set_password(user, form.new_password.data)
                # Every other session ends with the new version; this one goes on, signed in anew.
                sign_in(user)
                db.session.commit()
                flash(_("Пароль изменён."), "info")
                return redirect(next_url)
    return render_template(
        template, form=form, user=user, next_url=next_url, min_length=CONSOLE_PASSWORD_MIN_LENGTH
    )
