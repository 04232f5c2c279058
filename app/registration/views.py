"""Registration pages: the form per audience, «проверьте почту», the e-mailed links, account lookup."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.sessions import sign_in
from app.auth.tokens import InvalidToken
from app.extensions import db
from app.registration import confirmation
from app.registration.forms import lookup_form_for, registration_form_for, set_password_form_for
from app.registration.lookup import look_up_account_number
from app.registration.mailing import (
    hours_in_words,
    mask_email,
    send_account_number_mail,
    send_registration_mail,
)
from app.registration.offices import office_for
from app.registration.services import RegistrationRefused
from app.registration.services import register as register_resident
from app.tenancy.context import current_tenant

AUDIENCE_TABS = {
    "individual": _l("Физическое лицо"),
    "legal": _l("Юридическое лицо"),
    "management_company": _l("Управляющая компания"),
}
SENT_KEY = "registration_sent"


def _audiences(settings) -> list[str]:
    online = [form.audience for form in settings.forms]
    return online + [audience for audience in settings.office_audiences if audience not in online]


def _offices(tenant) -> list:
    offices = [s.office for s in tenant.config.settlements if s.office]
    return offices or [office_for(tenant, None)]


def register():
    """GET: the form of the chosen audience (tab). POST: check it against the account, e-mail the
    link, go to «проверьте почту». Tenants without online registration get an explanation."""
    settings = current_tenant.config.registration
    if not settings.forms:
        return render_template("registration/unavailable.html")
    audiences = _audiences(settings)
    audience = request.args.get("audience") or audiences[0]
    if audience not in audiences:
        abort(404)
    tabs = [(key, AUDIENCE_TABS[key]) for key in audiences]
    form_config = next((form for form in settings.forms if form.audience == audience), None)
    if form_config is None:  # SPEC §2: e.g. Novosibirsk's organisations register at the office
        return render_template(
            "registration/office_only.html",
            tabs=tabs,
            audience=audience,
            offices=_offices(current_tenant),
        )
    form = registration_form_for(current_tenant, form_config)
    refusal = None
    if form.validate_on_submit():
        try:
            registration = register_resident(current_tenant, form_config, form.values())
        except RegistrationRefused as refused:
            db.session.rollback()
            if refused.field:
                form[refused.field].errors.append(refused.message)
            else:
                refusal = refused
        else:
            send_registration_mail(registration, current_tenant)
            session[SENT_KEY] = {
                "email": mask_email(registration.resident.email),
                "hours": registration.ttl_hours,
                "purpose": registration.purpose,
            }
            db.session.commit()
            return redirect(url_for("registration.sent"))
    return render_template(
        "registration/register.html",
        form=form,
        form_config=form_config,
        tabs=tabs,
        audience=audience,
        refusal=refusal,
        ttl=hours_in_words(settings.confirmation_ttl_hours),
    )


def sent():
    """«Проверьте почту»: where the link went and how long it works."""
    details = session.get(SENT_KEY)
    if not details:
        return redirect(url_for("registration.register"))
    return render_template(
        "registration/sent.html",
        email=details["email"],
        ttl=hours_in_words(details["hours"]),
        purpose=details["purpose"],
    )


def _signed_in(resident, message: str):
    account = next((link.account for link in resident.account_links), None)
    sign_in(resident, **({"account_id": str(account.id)} if account is not None else {}))
    db.session.commit()
    flash(message, "info")  # after sign_in: it starts a fresh session
    return redirect(url_for("cabinet.index"))


def _invalid_link():
    return render_template("registration/link_invalid.html"), 404


def _expired_link(expired: confirmation.LinkExpired):
    db.session.commit()  # the discarded registration stays discarded
    return render_template("registration/link_expired.html", discarded=expired.discarded), 410


def confirm(token: str):
    """The confirmation link: activate, sign in, go to the cabinet."""
    try:
        resident = confirmation.confirm_registration(current_tenant, token)
    except InvalidToken:
        db.session.rollback()
        return _invalid_link()
    except confirmation.LinkExpired as expired:
        return _expired_link(expired)
    return _signed_in(resident, _("Регистрация подтверждена. Добро пожаловать в личный кабинет!"))


def set_password(token: str):
    """The set-password link (tenants that deliver access by e-mail): choose a password, enter."""
    try:
        resident = confirmation.open_set_password_link(current_tenant, token)
    except InvalidToken:
        return _invalid_link()
    except confirmation.LinkExpired as expired:
        return _expired_link(expired)
    numbers = [link.account.number for link in resident.account_links]
    form = set_password_form_for(current_tenant, login=resident.login, account_numbers=numbers)
    if form.validate_on_submit():
        resident = confirmation.set_first_password(current_tenant, token, form.password.data)
        return _signed_in(resident, _("Пароль сохранён. Добро пожаловать в личный кабинет!"))
    return render_template("registration/set_password.html", form=form, token=token)


def account_lookup():
    """«Узнать номер лицевого счёта»: e-mail a unique match, otherwise file a call-back request."""
    lookup_config = current_tenant.config.account_lookup
    if not lookup_config:
        abort(404)
    form = lookup_form_for(current_tenant, lookup_config)
    if form.validate_on_submit():
        data = form.values()
        outcome = look_up_account_number(current_tenant, data)
        if outcome.account is not None:
            send_account_number_mail(data["email"], outcome.account, current_tenant)
        db.session.commit()
        return render_template(
            "registration/lookup_done.html",
            outcome=outcome,
            email=mask_email(data.get("email") or ""),
            phone=data.get("phone"),
        )
    return render_template("registration/lookup.html", form=form)
