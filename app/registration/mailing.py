"""The mails of registration and account lookup, and how pages name an address and a TTL."""

from __future__ import annotations

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.mail.rendering import send_templated_mail

_HOUR_FORMS = {
    "ru": {"one": "час", "few": "часа", "many": "часов", "other": "часа"},
    "en": {"one": "hour", "other": "hours"},
}
_LINK_ENDPOINTS = {
    "confirm_email": "registration.confirm",
    "set_password": "registration.set_password",
}


def mask_email(address: str) -> str:
    """`ivanov@mail.ru` → `i***@mail.ru`: enough to recognise, not to read off a screen."""
    local, _sep, domain = (address or "").rpartition("@")
    if not local:
        return address
    return f"{local[0]}***@{domain}"


def hours_in_words(hours: int) -> str:
    """`1 час`, `24 часа`, `48 часов` (the plural rules of the page's language)."""
    locale = get_locale()
    forms = _HOUR_FORMS.get(locale.language if locale else "ru", _HOUR_FORMS["ru"])
    category = locale.plural_form(hours) if locale else "other"
    return f"{hours} {forms.get(category, forms['other'])}"


def send_registration_mail(registration, tenant) -> None:
    """The confirmation (or set-password) link, how long it works, and what to do if it was not
    you. Rendered now: the absolute link needs the request's host."""
    resident = registration.resident
    link = url_for(_LINK_ENDPOINTS[registration.purpose], token=registration.token, _external=True)
    if registration.purpose == "set_password":
        subject = _(
            "%(utility)s: задайте пароль для входа в личный кабинет",
            utility=tenant.config.short_name,
        )
        template = "registration_set_password"
    else:
        subject = _(
            "%(utility)s: подтвердите регистрацию в личном кабинете",
            utility=tenant.config.short_name,
        )
        template = "registration_confirm"
    send_templated_mail(
        resident.email,
        subject,
        template,
        person=resident.full_name,
        link=link,
        ttl=hours_in_words(registration.ttl_hours),
        discard=tenant.config.registration.discard_unconfirmed,
        register_url=url_for("registration.register", _external=True),
    )


def send_account_number_mail(to: str, account, tenant) -> None:
    """The account number, to the address the resident typed on the lookup form."""
    send_templated_mail(
        to,
        _("%(utility)s: номер вашего лицевого счёта", utility=tenant.config.short_name),
        "account_number",
        number=account.number,
        login_url=url_for("auth.login", _external=True),
        register_url=url_for("registration.register", _external=True)
        if tenant.config.registration.forms
        else None,
    )
