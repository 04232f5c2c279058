"""Login forms, built per login mode from the tenant's configuration (SPEC §2, login row)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

IDENTIFIER_LABELS = {
    "account_number": _l("Номер лицевого счёта"),
    "login": _l("Логин"),
    "access_code": _l("Код доступа"),
}
SECRET_LABELS = {"password": _l("Пароль"), "surname": _l("Фамилия владельца лицевого счёта")}


class LoginForm(FlaskForm):
    mode = HiddenField()


def login_form_for(tenant, mode, *, with_captcha: bool, **kwargs) -> LoginForm:
    """The form of one login mode: settlement, identifier, password or surname, captcha, remember."""

    class ModeForm(LoginForm):
        pass

    required = InputRequired(message=_l("Заполните это поле."))
    if mode.settlement:
        ModeForm.settlement = SelectField(
            _l("Населённый пункт"),
            choices=[SelectChoice(s.code, s.name) for s in tenant.config.settlements],
            validators=[required],
        )
    hint = None
    if mode.identifier == "account_number":
        numbers = tenant.config.account_number
        hint = _l("Например, %(example)s", example=numbers.example)
        if numbers.note:  # e.g. Sevastopol: not the settlement centre's number
            hint = f"{hint}. {numbers.note}"
    ModeForm.identifier = StringField(
        IDENTIFIER_LABELS[mode.identifier], validators=[required, Length(max=64)], description=hint
    )
    secret_field = PasswordField if mode.secret == "password" else StringField
    ModeForm.secret = secret_field(
        SECRET_LABELS[mode.secret], validators=[required, Length(max=128)]
    )
    if with_captcha:
        from app.captcha.fields import CaptchaField

        ModeForm.captcha = CaptchaField(_l("Контрольный код"))
    if mode.remember_me:
        ModeForm.remember = BooleanField(_l("Запомнить меня на этом устройстве"))
    form = ModeForm(**kwargs)
    form.mode.data = mode.key
    return form
