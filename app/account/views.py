"""The resident's settings (`/settings`): linked accounts, password, contacts, their own data."""

from __future__ import annotations

import json

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.account import links, services
from app.account.forms import (
    ChangePasswordForm,
    ContactsForm,
    CreateCredentialsForm,
    link_form_for,
)
from app.account.my_data import resident_data
from app.account.preferences import preferences_form
from app.auth.access import resident_required, safe_next
from app.auth.models import Resident
from app.auth.passwords import verify_password
from app.auth.sessions import sign_in
from app.auth.throttling import address_key, attempt_key
from app.cabinet.context import SESSION_KEY, current_account, linked_accounts
from app.db import utcnow
from app.extensions import db
from app.recovery import services as recovery
from app.templating import format_phone
from app.tenancy.context import current_tenant


def _resident() -> Resident:
    return current_user._get_current_object()


def resident_attempt_key(scope: str) -> str:
    """Rate-limit key of the signed-in resident for `scope` (the client address when signed out)."""
    user = current_user._get_current_object()
    if not isinstance(user, Resident):
        return address_key()
    return attempt_key(scope, str(user.id))


def _linking():
    """The tenant's linked-accounts settings; 404 where the feature is off."""
    feature = current_tenant.feature("linked_accounts")
    if feature is None:
        abort(404)
    return feature


def _can_create_credentials(resident: Resident) -> bool:
    # Only Angarsk-style passwordless identities, where the tenant also has a login mode.
    return (
        resident.password_hash is None
        and resident.login is None
        and services.password_login_mode(current_tenant, resident) is not None
    )


def _settings_page(*, link_form=None, contacts_form=None, preferences=None):
    resident = _resident()
    feature = current_tenant.feature("linked_accounts")
    if feature is not None and link_form is None:
        link_form = link_form_for(current_tenant, feature.proof, formdata=None)
    contacts_editable = current_tenant.feature("contacts_edit") is not None
    if contacts_editable and contacts_form is None:
        contacts_form = ContactsForm(
            formdata=None,
            email=resident.email,
            phone=format_phone(resident.phone) if resident.phone else None,
        )
    return render_template(
        "account/settings.html",
        resident=resident,
        accounts=linked_accounts(),
        current=current_account(),
        link_form=link_form,
        contacts_form=contacts_form,
        can_create_credentials=_can_create_credentials(resident),
        preferences=preferences or preferences_form(resident),
    )


def _keep_this_session(resident: Resident) -> None:
    """After `end_all_sessions()`: this browser goes on in a fresh session, every other one ends."""
    account = current_account()
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    sign_in(
        resident,
        remember=remember_cookie in request.cookies,
        account_id=str(account.id) if account else None,
    )


@resident_required
def settings():
    """Linked accounts, password, contacts and the data download, on one page."""
    return _settings_page()


@resident_required
def link_account():
    """Add an account to this login by its number and the tenant's proof of ownership."""
    proof = _linking().proof
    form = link_form_for(current_tenant, proof)
    if form.validate_on_submit():
        try:
            account = links.link_account(
                _resident(),
                proof=proof,
                number=form.number.data,
                proof_value=form.proof_value,
                settlement_code=form.settlement.data if "settlement" in form else None,
            )
        except links.LinkRefused as refusal:
            form.form_errors.append(refusal.message)
        else:
            session[SESSION_KEY] = str(account.id)
            db.session.commit()
            flash(_("Лицевой счёт %(number)s привязан и выбран текущим.", number=account.number))
            return redirect(url_for("account.settings"))
    return _settings_page(link_form=form)


@resident_required
def unlink_account(account_id):
    """Remove one account from this login; its data stays with the utility."""
    _linking()
    try:
        account = links.unlink_account(_resident(), account_id)
    except LookupError:
        abort(404)
    except links.UnlinkRefused:
        flash(_("Единственный лицевой счёт отвязать нельзя."), "error")
        return redirect(url_for("account.settings"))
    if session.get(SESSION_KEY) == str(account_id):
        session.pop(SESSION_KEY)
    db.session.commit()
    flash(_("Лицевой счёт %(number)s отвязан от вашего входа.", number=account.number))
    return redirect(url_for("account.settings"))


def _accepted(form, problems: list[str]) -> bool:
    form.new_password.errors.extend(problems)
    return not problems


@resident_required
def change_password():
    """Change the password (also where an office-issued one-time password must be replaced)."""
    resident = _resident()
    if resident.password_hash is None:
        if _can_create_credentials(resident):
            return redirect(url_for("account.create_credentials"))
        abort(404)
    next_url = safe_next(request.args.get("next"), url_for("account.settings"))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(resident.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Неверный текущий пароль."))
        elif form.new_password.data == form.current_password.data:
            form.new_password.errors.append(_("Новый пароль должен отличаться от текущего."))
        elif _accepted(
            form, recovery.new_password_problems(current_tenant, resident, form.new_password.data)
        ):
            # One place for every password change: it also kills open e-mail links.
            recovery.change_password(resident, form.new_password.data)
            _keep_this_session(resident)
            db.session.commit()
            flash(_("Пароль изменён. На других устройствах войдите заново."))
            return redirect(next_url)
    return render_template(
        "account/change_password.html",
        form=form,
        next_url=next_url,
        forced=resident.must_change_password,
    )


@resident_required
def create_credentials():
    """Give a passwordless identity a login and password, so the tenant's login mode works."""
    resident = _resident()
    if not _can_create_credentials(resident):
        abort(404)
    form = CreateCredentialsForm()
    if form.validate_on_submit() and _accepted(
        form,
        services.credentials_problems(
            current_tenant, resident, form.login.data, form.new_password.data
        ),
    ):
        try:
            services.create_credentials(resident, form.login.data, form.new_password.data)
        except services.LoginTaken:
            form.login.errors.append(_("Этот логин уже занят, выберите другой."))
        else:
            _keep_this_session(resident)
            db.session.commit()
            flash(_("Логин и пароль созданы: теперь можно входить по логину и паролю."))
            return redirect(url_for("account.settings"))
    return render_template("account/create_credentials.html", form=form)


@resident_required
def update_contacts():
    """Save the e-mail and mobile phone; a new e-mail needs the current password."""
    if current_tenant.feature("contacts_edit") is None:
        abort(404)
    resident = _resident()
    form = ContactsForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip() or None
        phone = (form.phone.data or "").strip() or None
        password = form.current_password.data or ""
        # The e-mail is the recovery channel: a borrowed session must not redirect it.
        if (
            services.email_changes(resident, email)
            and resident.password_hash is not None
            and not verify_password(resident.password_hash, password)
        ):
            form.current_password.errors.append(
                _("Неверный текущий пароль.")
                if password
                else _("Чтобы сменить адрес электронной почты, введите текущий пароль.")
            )
        else:
            services.update_contacts(resident, email=email, phone=phone)
            db.session.commit()
            flash(_("Контактные данные сохранены."))
            return redirect(url_for("account.settings"))
    return _settings_page(contacts_form=form)


@resident_required
def my_data():
    """The resident's data as a JSON file (SPEC §7, 152-ФЗ); never the password hash."""
    data = {
        "utility": current_tenant.name,
        "exported_at": utcnow().isoformat(),
        **resident_data(_resident()),
    }
    response = current_app.response_class(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
