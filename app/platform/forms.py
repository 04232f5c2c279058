"""Forms of the operators' console: onboarding from a template or a YAML file, inviting an admin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp

from app.admin.forms import phone_number

_required = InputRequired(message=_l("Заполните это поле."))
_colour = Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Цвет в виде #rrggbb, например #0b5fa5."))


class FirstAdminForm(FlaskForm):
    """Who becomes the utility's first admin (invited by e-mail)."""

    admin_name = StringField(_l("ФИО администратора"), validators=[_required, Length(max=300)])
    admin_email = EmailField(
        _l("Почта администратора"),
        validators=[_required, Length(max=254), Email(message=_l("Неверный адрес почты."))],
        description=_l("Придёт приглашение: ссылка на адрес водоканала, где задаётся пароль."),
    )


class TemplateTenantForm(FirstAdminForm):
    """A new utility: the rules of an existing one, its own identity and requisites."""

    template = SelectField(_l("Правила взять у водоканала"), validators=[_required])
    slug = StringField(
        _l("Адрес (поддомен)"),
        filters=[lambda value: (value or "").strip().lower()],
        validators=[
            _required,
            Regexp(
                r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$",
                message=_l(
                    "От 3 до 63 символов: латинские буквы, цифры и дефис; начинается с буквы, "
                    "не кончается дефисом."
                ),
            ),
        ],
        description=_l("Латинские буквы, цифры и дефис, например «tver»: tver.<домен платформы>."),
    )
    name = StringField(_l("Полное название"), validators=[_required, Length(max=200)])
    short_name = StringField(
        _l("Краткое название"),
        validators=[Optional(), Length(max=60)],
        description=_l("В шапке сайта и в темах писем; пусто — полное название."),
    )
    city = StringField(_l("Город"), validators=[_required, Length(max=100)])
    time_zone = StringField(
        _l("Часовой пояс"),
        validators=[Optional(), Length(max=64)],
        description=_l("Например Europe/Moscow или Asia/Irkutsk; пусто — как у образца."),
    )
    domains = TextAreaField(
        _l("Собственные домены"),
        validators=[Optional(), Length(max=2000)],
        description=_l("По одному в строке; необязательно."),
    )
    phone = StringField(_l("Телефон для абонентов"), validators=[_required, phone_number])
    settlements = TextAreaField(
        _l("Населённые пункты"),
        validators=[Optional(), Length(max=4000)],
        description=_l(
            "По одному в строке: код и название, например «kimry г. Кимры». Пусто — один, город."
        ),
    )
    primary_colour = StringField(
        _l("Основной цвет"), default="#0b5fa5", validators=[_required, _colour]
    )
    accent_colour = StringField(
        _l("Дополнительный цвет"), default="#00a3e0", validators=[_required, _colour]
    )
    logo_url = StringField(_l("Логотип (адрес картинки)"), validators=[Optional(), Length(max=500)])
    recipient = StringField(_l("Получатель платежа"), validators=[_required, Length(max=200)])
    inn = StringField(_l("ИНН"), validators=[_required])
    kpp = StringField(_l("КПП"), validators=[_required])
    bank_name = StringField(_l("Банк"), validators=[_required, Length(max=200)])
    bic = StringField(_l("БИК"), validators=[_required])
    settlement_account = StringField(_l("Расчётный счёт"), validators=[_required])
    correspondent_account = StringField(_l("Корреспондентский счёт"), validators=[_required])


class YamlTenantForm(FirstAdminForm):
    """A new utility from a complete tenant file, the same format as tenants/*.yaml."""

    document = FileField(
        _l("Файл водоканала (YAML)"),
        validators=[
            FileRequired(message=_l("Выберите файл.")),
            FileAllowed(["yaml", "yml"], message=_l("Нужен файл .yaml или .yml.")),
        ],
        description=_l(
            "Формат — как у файлов tenants/*.yaml; справка: flask --app wsgi tenants schema."
        ),
    )


class InviteAdminForm(FirstAdminForm):
    """Another admin for an existing utility (e.g. when its only admin has left)."""
