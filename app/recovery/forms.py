"""Recovery forms: one per `recovery.identify_by` set of fields, and the new-password form."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from app.tenancy.account_numbers import InvalidAccountNumber

# Tab titles read «По номеру лицевого счёта и фамилии»; the settlement goes with the number.
_TAB_PARTS = {
    "account_number": _l("номеру лицевого счёта"),
    "surname": _l("фамилии"),
    "login": _l("логину"),
    "email": _l("адресу e-mail"),
}


_AND = _l(" и ")  # its own entry: Babel does not extract a call nested inside another


def alternative_key(fields) -> str:
    """The id of a set of fields in URLs (`?by=settlement-account_number`)."""
    return "-".join(fields)


def alternative_label(fields) -> str:
    """Tab title of a set of fields, e.g. «По логину и адресу e-mail»."""
    parts = [str(_TAB_PARTS[name]) for name in fields if name in _TAB_PARTS]
    return str(_l("По %(what)s", what=str(_AND).join(parts)))


def _strip(value):
    # Addresses and logins are often pasted with spaces around them.
    return value.strip() if isinstance(value, str) else value


class AccountNumber:
    """Normalise the typed number in the tenant's format; its error is shown at the field."""

    def __init__(self, tenant):
        self.numbers = tenant.account_numbers

    def __call__(self, form, field):
        try:
            field.data = self.numbers.normalise(field.data)
        except InvalidAccountNumber as error:
            raise ValidationError(str(error)) from None


class RecoveryForm(FlaskForm):
    by = HiddenField()
    field_names: tuple[str, ...] = ()

    def identity(self) -> dict[str, str]:
        """The checked values of the set's fields, as `lookup.find_residents` takes them."""
        return {name: self[name].data for name in self.field_names}


def recovery_form_for(tenant, fields, **kwargs) -> RecoveryForm:
    """The form of one `identify_by` set, fields in the configured order."""

    class AlternativeForm(RecoveryForm):
        pass

    required = InputRequired(message=_l("Заполните это поле."))
    makers: dict[str, Callable] = {
        "settlement": lambda: SelectField(
            _l("Населённый пункт"),
            choices=[SelectChoice(s.code, s.name) for s in tenant.config.settlements],
            validators=[required],
        ),
        "account_number": lambda: StringField(
            _l("Номер лицевого счёта"),
            validators=[required, Length(max=64), AccountNumber(tenant)],
            description=tenant.config.account_number.get("note")
            or _l("Например, %(example)s", example=tenant.config.account_number.example),
        ),
        "surname": lambda: StringField(
            _l("Фамилия владельца лицевого счёта"),
            validators=[required, Length(max=100)],
            filters=[_strip],
        ),
        "login": lambda: StringField(
            _l("Логин"), validators=[required, Length(max=64)], filters=[_strip]
        ),
        "email": lambda: EmailField(
            _l("E-mail, указанный при регистрации"),
            validators=[
                required,
                Length(max=254),
                Email(message=_l("Введите адрес e-mail, например ivanova@mail.ru.")),
            ],
            filters=[_strip],
        ),
    }
    for name in fields:
        setattr(AlternativeForm, name, makers[name]())
    AlternativeForm.field_names = tuple(fields)
    form = AlternativeForm(**kwargs)
    form.by.data = alternative_key(fields)
    return form


class ResetPasswordForm(FlaskForm):
    """A new password twice; `policy(password)` lists why it is too weak (empty: fine)."""

    password = PasswordField(
        _l("Новый пароль"),
        validators=[InputRequired(message=_l("Придумайте пароль.")), Length(max=128)],
    )
    password_confirmation = PasswordField(
        _l("Повторите пароль"),
        validators=[
            InputRequired(message=_l("Повторите пароль.")),
            EqualTo("password", message=_l("Пароли не совпадают.")),
        ],
    )

    def __init__(self, *args, policy: Callable[[str], list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy

    def validate_password(self, field):
        problems = self.policy(field.data)
        if problems:
            raise ValidationError(" ".join(problems))
