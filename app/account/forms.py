"""Settings forms: add an account, change the password, create a login, edit contacts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from app.account.links import parse_amount
from app.account.services import check_login, normalise_email, normalise_phone
from app.tenancy.account_numbers import InvalidAccountNumber


def _required():
    return InputRequired(message=_l("Заполните это поле."))


def _matches_password():
    return EqualTo("new_password", message=_l("Пароли не совпадают."))


class LinkAccountForm(FlaskForm):
    """Built per tenant by `link_form_for`. After validation `number.data` is canonical and
    `proof_value` holds the proof as compared (kopecks, or the surname); the amount field keeps
    what the resident typed, so a refused form shows it unchanged."""

    proof_value = None


def link_form_for(tenant, proof: str, **kwargs) -> LinkAccountForm:
    """The add-an-account form: settlement (when numbers repeat), number, the tenant's proof."""

    class Form(LinkAccountForm):
        def validate_number(self, field):
            try:
                field.data = tenant.account_numbers.normalise(field.data)
            except InvalidAccountNumber as error:
                raise ValidationError(str(error)) from None

        def validate_proof(self, field):
            if proof != "last_payment_amount":
                self.proof_value = field.data
                return
            try:
                self.proof_value = parse_amount(field.data)
            except ValueError:
                raise ValidationError(
                    _l("Введите сумму в рублях с копейками, например 1234,56.")
                ) from None

    if tenant.has_several_settlements:
        Form.settlement = SelectField(
            _l("Населённый пункт"),
            choices=[SelectChoice(s.code, s.name) for s in tenant.config.settlements],
            validators=[_required()],
        )
    Form.number = StringField(
        _l("Номер лицевого счёта"),
        validators=[_required(), Length(max=64)],
        description=_l("Например, %(example)s", example=tenant.config.account_number.example),
    )
    if proof == "last_payment_amount":
        Form.proof = StringField(
            _l("Сумма последнего платежа, ₽"),
            validators=[_required(), Length(max=32)],
            description=_l(
                "Точно, с копейками: сумма есть в последней квитанции об оплате или в чеке. "
                "Например, 1234,56. Счёт без платежей можно привязать после первой оплаты."
            ),
        )
    else:
        Form.proof = StringField(
            _l("Фамилия владельца лицевого счёта"),
            validators=[_required(), Length(max=100)],
            description=_l("Как в квитанции."),
        )
    return Form(**kwargs)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Текущий пароль"), validators=[_required(), Length(max=128)]
    )
    new_password = PasswordField(_l("Новый пароль"), validators=[_required(), Length(max=128)])
    new_password_confirmation = PasswordField(
        _l("Новый пароль ещё раз"), validators=[_required(), _matches_password()]
    )


class CreateCredentialsForm(FlaskForm):
    login = StringField(
        _l("Логин"),
        validators=[_required(), Length(max=64)],
        description=_l("Латинские буквы, цифры и знаки «.», «_», «-», «@»; от 3 символов."),
    )
    new_password = PasswordField(_l("Пароль"), validators=[_required(), Length(max=128)])
    new_password_confirmation = PasswordField(
        _l("Пароль ещё раз"), validators=[_required(), _matches_password()]
    )

    def validate_login(self, field):
        try:
            field.data = check_login(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class ContactsForm(FlaskForm):
    email = StringField(_l("Электронная почта"), validators=[Optional(), Length(max=254)])
    phone = StringField(
        _l("Мобильный телефон"),
        validators=[Optional(), Length(max=32)],
        description=_l("Например, +7 912 345-67-89"),
    )
    current_password = PasswordField(
        _l("Текущий пароль"),
        validators=[Length(max=128)],
        description=_l("Нужен, только если вы меняете адрес электронной почты."),
    )

    def validate_email(self, field):
        try:
            field.data = normalise_email(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_phone(self, field):
        try:
            field.data = normalise_phone(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None
