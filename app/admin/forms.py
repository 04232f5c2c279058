"""Forms of the staff console (also the operators' sign-in and password forms)."""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from app.admin.labels import LOOKUP_STATUS_LABELS
from app.auth.identity import is_valid_login, login_rule

_required = InputRequired(message=_l("Заполните это поле."))


class ConsoleLoginForm(FlaskForm):
    """Login and password of a staff user or an operator."""

    login = StringField(_l("Логин"), validators=[_required, Length(max=64)])
    password = PasswordField(_l("Пароль"), validators=[_required, Length(max=128)])


class ChangePasswordForm(FlaskForm):
    """Current password, new password and its confirmation."""

    current_password = PasswordField(_l("Текущий пароль"), validators=[_required, Length(max=128)])
    new_password = PasswordField(_l("Новый пароль"), validators=[_required, Length(max=128)])
    confirmation = PasswordField(
        _l("Новый пароль ещё раз"),
        validators=[_required, EqualTo("new_password", message=_l("Пароли не совпадают."))],
    )


def phone_number(_form, field) -> None:
    """Accept a Russian or international number and keep it in E.164."""
    if not field.data:
        return
    try:
        parsed = phonenumbers.parse(field.data, "RU")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_l("Неверный номер телефона. Пример: +7 912 345-67-89."))
    field.data = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class ContactsForm(FlaskForm):
    """Optional e-mail and phone of the person who gets access (for recovery and notices)."""

    email = EmailField(
        _l("Электронная почта"),
        validators=[Optional(), Length(max=254), Email(message=_l("Неверный адрес почты."))],
    )
    phone = TelField(_l("Мобильный телефон"), validators=[Optional(), phone_number])


def issue_login_form(*, with_login: bool, **kwargs) -> ContactsForm:
    """The issue form: contacts, plus the login when the tenant signs in by login."""

    class IssueLoginForm(ContactsForm):
        pass

    if with_login:
        IssueLoginForm.login = StringField(
            _l("Логин"),
            validators=[
                _required,
                _valid_login,
            ],
            description=_l("Предложен по фамилии и номеру лицевого счёта; можно изменить."),
        )
    return IssueLoginForm(**kwargs)


def _valid_login(_form, field):
    if not is_valid_login(field.data):
        raise ValidationError(login_rule())


class ResetAccessForm(FlaskForm):
    """Replace the password of a login the account already has, after an explicit tick."""

    resident = SelectField(_l("Вход"), validators=[_required])
    confirm = BooleanField(
        _l("Личность владельца проверена: заменить пароль и завершить все сеансы этого входа"),
        validators=[DataRequired(message=_l("Подтвердите замену пароля."))],
    )

    def __init__(self, holders, **kwargs):
        super().__init__(**kwargs)
        self.resident.choices = [
            SelectChoice(str(holder.id), holder_label(holder)) for holder in holders
        ]


def holder_label(resident) -> str:
    """How a resident's login is named to staff: the login or code, else who signs in."""
    name = resident.organisation_name or resident.full_name or ""
    login = resident.login or str(_l("вход по номеру лицевого счёта"))
    return f"{login} — {name}" if name else login


class LookupAnswerForm(FlaskForm):
    """What staff did with a «find my account» request (rendered per row by the queue page)."""

    status = SelectField(
        _l("Статус"),
        choices=[SelectChoice(code, LOOKUP_STATUS_LABELS[code]) for code in ("answered", "closed")],
        validators=[_required],
    )
    note = TextAreaField(_l("Заметка сотрудника"), validators=[Optional(), Length(max=1000)])


class OfficeReadingsForm(FlaskForm):
    """The fixed part of the office reading sheet; `check_sheet` reads the rows' own inputs."""

    # One transmission per form however often it is posted (SPEC §3).
    idempotency_key = HiddenField(validators=[InputRequired(), Regexp(r"^[0-9a-f]{32}$")])
    period = HiddenField(validators=[InputRequired(), Regexp(r"^\d{4}-\d{2}$")])
    checked = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-f]{32}$")])
