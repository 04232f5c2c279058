"""Forms of the staff pages: invite, change a role, accept an invitation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from app.admin.labels import ROLE_LABELS
from app.auth.models import STAFF_ROLES

_required = InputRequired(message=_l("Заполните это поле."))


def _role_field(label) -> SelectField:
    return SelectField(
        label,
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in STAFF_ROLES],
        validators=[_required],
    )


class InviteForm(FlaskForm):
    """Whom to invite and with what role."""

    full_name = StringField(_l("ФИО сотрудника"), validators=[_required, Length(max=300)])
    email = EmailField(
        _l("Рабочая электронная почта"),
        validators=[_required, Length(max=254), Email(message=_l("Неверный адрес почты."))],
        description=_l("Сюда придёт ссылка-приглашение; она действует 72 часа и только один раз."),
    )
    role = _role_field(_l("Роль"))


class RoleForm(FlaskForm):
    """A new role for one staff user (a form per row of the staff list)."""

    role = _role_field(_l("Новая роль"))


class ActionForm(FlaskForm):
    """A bare button (deactivate, reactivate, revoke): only the CSRF token."""


class AcceptInvitationForm(FlaskForm):
    """The login and password the invitee chooses."""

    login = StringField(_l("Логин"), validators=[_required, Length(max=64)])
    password = PasswordField(_l("Пароль"), validators=[_required, Length(max=128)])
    confirmation = PasswordField(
        _l("Пароль ещё раз"),
        validators=[_required, EqualTo("password", message=_l("Пароли не совпадают."))],
    )
