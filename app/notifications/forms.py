"""The console's notice form (`/admin/notices`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

TOPIC_LABELS = {
    "tariff": _l("Изменение тарифа"),
    "works": _l("Плановые работы"),
    "other": _l("Другое"),
}
EVERYONE = ""


def _required():
    return InputRequired(message=_l("Заполните это поле."))


def _one_of(values):
    # WTForms' own choice check answers in English; this one in the console's language.
    return AnyOf(list(values), message=_l("Выберите значение из списка."))


def notice_form_for(tenant, **kwargs) -> FlaskForm:
    """Topic, audience (everyone, or one of the tenant's settlements), subject and text."""

    class NoticeForm(FlaskForm):
        topic = SelectField(
            _l("Тема"),
            choices=list(TOPIC_LABELS.items()),
            validators=[_required(), _one_of(TOPIC_LABELS)],
            validate_choice=False,
        )
        audience = SelectField(
            _l("Кому"),
            choices=[(EVERYONE, _l("Всем абонентам"))]
            + [(s.code, s.name) for s in tenant.config.settlements],
            validators=[_one_of([EVERYONE, *(s.code for s in tenant.config.settlements)])],
            validate_choice=False,
        )
        subject = StringField(
            _l("Заголовок"),
            validators=[
                _required(),
                Length(max=150, message=_l("Не длиннее %(max)d символов.")),
            ],
            description=_l("Попадает в тему письма и в начало SMS."),
        )
        body = TextAreaField(
            _l("Текст сообщения"),
            validators=[
                _required(),
                Length(max=4000, message=_l("Не длиннее %(max)d символов.")),
            ],
            description=_l("В SMS уйдёт начало текста: до двух SMS."),
        )

    if not tenant.has_several_settlements:
        del NoticeForm.audience
    return NoticeForm(**kwargs)
