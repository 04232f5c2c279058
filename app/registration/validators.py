"""Field validators that check and normalise what residents type: the tenant's account-number
format, phones in E.164, e-mail syntax, logins, INN checksums. Messages are Russian, at the field."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from stdnum.ru import inn as ru_inn
from wtforms.validators import InputRequired, Length, StopValidation

from app.auth.identity import is_valid_login, login_rule, normalise_login
from app.tenancy.account_numbers import InvalidAccountNumber

_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def strip(value):
    """Filter: leading and trailing spaces go (pasted text carries them)."""
    return value.strip() if isinstance(value, str) else value


def required(message=None) -> InputRequired:
    """Something must be typed (or chosen)."""
    return InputRequired(message=message or _l("Заполните это поле."))


def longest(length: int) -> Length:
    """At most `length` characters."""
    return Length(max=length, message=_l("Не длиннее %(max)d символов."))


class AccountNumber:
    """Normalises the number with the tenant's format; the error quotes the tenant's example."""

    def __init__(self, tenant):
        self.tenant = tenant

    def __call__(self, _form, field):
        try:
            field.data = self.tenant.account_numbers.normalise(field.data or "")
        except InvalidAccountNumber as exc:
            raise StopValidation(str(exc)) from None


class PhoneNumber:
    """A Russian (or international) phone number, stored in E.164; `mobile` refuses landlines."""

    def __init__(self, *, mobile: bool):
        self.mobile = mobile

    def __call__(self, _form, field):
        try:
            parsed = phonenumbers.parse(field.data or "", "RU")
        except phonenumbers.NumberParseException:
            parsed = None
        if (
            parsed is None
            or not phonenumbers.is_valid_number(parsed)
            or (self.mobile and phonenumbers.number_type(parsed) not in _MOBILE_TYPES)
        ):
            if self.mobile:
                raise StopValidation(
                    _("Введите номер мобильного телефона, например +7 912 345-67-89.")
                )
            raise StopValidation(_("Введите номер телефона, например +7 912 345-67-89."))
        field.data = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def email_address(_form, field):
    """E-mail syntax (no DNS lookup), stored normalised (the domain lower-cased)."""
    try:
        field.data = validate_email(field.data or "", check_deliverability=False).normalized
    except EmailNotValidError:
        raise StopValidation(
            _("Введите адрес электронной почты, например ivanov@mail.ru.")
        ) from None


def login_name(_form, field):
    """Latin letters, digits, «.», «_», «-»; stored lower-cased (auth.identity.normalise_login)."""
    field.data = normalise_login(field.data)
    if not is_valid_login(field.data):
        raise StopValidation(login_rule())


def inn_number(_form, field):
    """An INN with a valid checksum: 10 digits (organisation) or 12 (entrepreneur)."""
    digits = re.sub(r"\s+", "", field.data or "")
    if not re.fullmatch(r"\d{10}|\d{12}", digits) or not ru_inn.is_valid(digits):
        raise StopValidation(
            _("Неверный ИНН: проверьте цифры (10 цифр у организации, 12 — у предпринимателя).")
        )
    field.data = digits
