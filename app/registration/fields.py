"""Every field a registration or «узнать номер лицевого счёта» form can have, by its config name.

A tenant lists field names in its YAML (`registration.forms[].fields`, `account_lookup.fields`); the
forms are assembled from this registry: label, hint, validators (which also normalise the value —
an account number to its canonical form, a phone to E.164) and how the input is rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo

from app.captcha.fields import CaptchaField
from app.registration.validators import (
    AccountNumber,
    PhoneNumber,
    email_address,
    inn_number,
    login_name,
    longest,
    required,
    strip,
)

PERSONAL_DATA_NOTICE = _l(
    "Персональные данные обрабатываются и охраняются в соответствии с Федеральным законом "
    "от 27.07.2006 № 152-ФЗ «О персональных данных»."
)


@dataclass(frozen=True)
class FieldSpec:
    """How one named field is built (`build(tenant, form_config)`) and rendered."""

    build: Callable[..., Field]
    autocomplete: str | None = None
    input_type: str | None = None
    inputmode: str | None = None
    widget: str = "field"  # "field", "checkbox" or "captcha"


def _text(label, *, max_length: int, hint=None, extra=()):
    return lambda _tenant, _form_config: StringField(
        label,
        validators=[required(), longest(max_length), *extra],
        filters=[strip],
        description=hint,
    )


def _settlement(tenant, _form_config):
    choices = [SelectChoice("", _l("— выберите —"))]
    choices += [SelectChoice(s.code, s.name) for s in tenant.config.settlements]
    return SelectField(
        _l("Населённый пункт"),
        choices=choices,
        validate_choice=False,
        validators=[
            required(_l("Выберите населённый пункт.")),
            AnyOf([s.code for s in tenant.config.settlements], _l("Выберите населённый пункт.")),
        ],
    )


def _account_number(tenant, _form_config):
    section = tenant.config.account_number
    hint = section.note or _l("Например, %(example)s", example=section.example)
    return StringField(
        _l("Номер лицевого счёта"),
        validators=[required(), longest(32), AccountNumber(tenant)],
        filters=[strip],
        description=hint,
    )


def _full_name(_tenant, form_config):
    representative = form_config is not None and form_config.audience != "individual"
    label = _l("ФИО представителя") if representative else _l("Фамилия, имя, отчество")
    return StringField(
        label,
        validators=[required(), longest(300)],
        filters=[strip],
        description=None if representative else _l("Как в квитанции, полностью."),
    )


def _phone(*, mobile: bool):
    label = _l("Мобильный телефон") if mobile else _l("Телефон для связи")
    return lambda _tenant, _form_config: StringField(
        label,
        validators=[required(), longest(32), PhoneNumber(mobile=mobile)],
        filters=[strip],
        description=_l("Например, +7 912 345-67-89"),
    )


def _email(_tenant, form_config):
    if form_config is None:  # «узнать номер лицевого счёта»
        hint = _l("Если лицевой счёт найдётся, его номер придёт на этот адрес.")
    elif form_config.access_delivery == "set_password_link":
        hint = _l("На этот адрес придёт письмо со ссылкой, чтобы задать пароль.")
    else:
        hint = _l("На этот адрес придёт письмо со ссылкой для подтверждения регистрации.")
    return StringField(
        _l("Электронная почта"),
        validators=[required(), longest(254), email_address],
        filters=[strip],
        description=hint,
    )


def _password(tenant, form_config):
    names = form_config.field_names if form_config is not None else ()
    minimum = tenant.config.registration.password_min_length
    if "login" in names:
        hint = _l("Не короче %(n)s символов, не только цифры и не совпадает с логином.", n=minimum)
    elif "account_number" in names:
        hint = _l(
            "Не короче %(n)s символов, не только цифры и не совпадает с номером лицевого счёта.",
            n=minimum,
        )
    else:
        hint = _l("Не короче %(n)s символов и не только цифры.", n=minimum)
    return PasswordField(_l("Пароль"), validators=[required(), longest(128)], description=hint)


def _password_confirmation(_tenant, _form_config):
    return PasswordField(
        _l("Пароль ещё раз"),
        validators=[required(), EqualTo("password", message=_l("Пароли не совпадают."))],
    )


def _consent(tenant, _form_config):
    notice = tenant.feature("personal_data_notice")
    return BooleanField(
        _l(
            "Я принимаю условия использования личного кабинета и даю согласие на обработку "
            "моих персональных данных"
        ),
        validators=[DataRequired(_l("Без согласия с условиями зарегистрироваться нельзя."))],
        description=notice.text if notice else PERSONAL_DATA_NOTICE,
    )


def _captcha(_tenant, _form_config):
    return CaptchaField(_l("Контрольный код"))


def _private_house(_tenant, _form_config):
    return BooleanField(
        _l("Частный дом"), description=_l("Отметьте, если живёте в частном секторе.")
    )


_ADDRESS_HINT = _l("Улица, дом, квартира — как в квитанции, например: ул. Ленина, д. 5, кв. 12")
_SERIAL_HINT = _l(
    "Номер любого прибора учёта на этом лицевом счёте: он указан на корпусе счётчика и в его "
    "паспорте."
)

REGISTRATION_FIELDS: dict[str, FieldSpec] = {
    "settlement": FieldSpec(_settlement),
    "account_number": FieldSpec(_account_number, autocomplete="off"),
    "surname": FieldSpec(
        _text(_l("Фамилия владельца лицевого счёта"), max_length=100),
        autocomplete="family-name",
    ),
    "full_name": FieldSpec(_full_name, autocomplete="name"),
    "address": FieldSpec(
        _text(_l("Адрес"), max_length=500, hint=_ADDRESS_HINT), autocomplete="street-address"
    ),
    "meter_serial": FieldSpec(
        _text(_l("Заводской номер счётчика"), max_length=40, hint=_SERIAL_HINT),
        autocomplete="off",
    ),
    "phone": FieldSpec(_phone(mobile=True), autocomplete="tel", input_type="tel", inputmode="tel"),
    "email": FieldSpec(_email, autocomplete="email", input_type="email", inputmode="email"),
    "login": FieldSpec(
        _text(
            _l("Логин"),
            max_length=64,
            hint=_l("От 3 до 64 символов: латинские буквы, цифры, точка, дефис, подчёркивание."),
            extra=(login_name,),
        ),
        autocomplete="username",
    ),
    "password": FieldSpec(_password, autocomplete="new-password"),
    "password_confirmation": FieldSpec(_password_confirmation, autocomplete="new-password"),
    "organisation_name": FieldSpec(
        _text(_l("Название организации"), max_length=300), autocomplete="organization"
    ),
    "position": FieldSpec(
        _text(_l("Должность представителя"), max_length=200), autocomplete="organization-title"
    ),
    "inn": FieldSpec(
        _text(
            _l("ИНН"),
            max_length=20,
            hint=_l("10 цифр у организации, 12 — у индивидуального предпринимателя"),
            extra=(inn_number,),
        ),
        autocomplete="off",
        inputmode="numeric",
    ),
    "consent": FieldSpec(_consent, widget="checkbox"),
    "captcha": FieldSpec(_captcha, widget="captcha"),
}

LOOKUP_FIELDS: dict[str, FieldSpec] = {
    "full_name": REGISTRATION_FIELDS["full_name"],
    "surname": FieldSpec(_text(_l("Фамилия"), max_length=100), autocomplete="family-name"),
    "address": REGISTRATION_FIELDS["address"],
    "private_house": FieldSpec(_private_house, widget="checkbox"),
    "email": REGISTRATION_FIELDS["email"],
    "phone": FieldSpec(_phone(mobile=False), autocomplete="tel", input_type="tel", inputmode="tel"),
}
