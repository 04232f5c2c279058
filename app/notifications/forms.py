"""The console's notice form (`/admin/notices`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length

TOPIC_LABELS = {
    "tariff": _l("Изменение тарифа"),
    "works": _l("Плановые работы"),
    "other": _l("Другое"),
}
EVERYONE = ""


def _required():
    return InputRequired(message=_l("Заполните это поле."))


def _filled():
    # Blank after trimming counts as empty: a notice of spaces is no notice.
    return DataRequired(message=_l("Заполните это поле."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _one_of(values):
    # WTForms' own choice check answers in English; this one in the console's language.
    return AnyOf(list(values), message=_l("Выберите значение из списка."))


def notice_form_for(tenant, **kwargs) -> FlaskForm:
    """Topic, audience (everyone, or one of the tenant's settlements), subject and text."""

    class NoticeForm(FlaskForm):
        topic = SelectField(
            _l("Тема"),
            choices=[SelectChoice(code, label) for code, label in TOPIC_LABELS.items()],
            validators=[_required(), _one_of(TOPIC_LABELS)],
            validate_choice=False,
        )
        audience = SelectField(
            _l("Кому"),
            choices=[SelectChoice(EVERYONE, _l("Всем абонентам"))]
            + [SelectChoice(s.code, s.name) for s in tenant.config.settlements],
            validators=[_one_of([EVERYONE, *(s.code for s in tenant.config.settlements)])],
            validate_choice=False,
        )
        subject = StringField(
            _l("Заголовок"),
            filters=[_strip],
            validators=[
                _filled(),
                Length(max=150, message=_l("Не длиннее %(max)d символов.")),
            ],
            description=_l("Попадает в тему письма и в начало SMS."),
        )
        body = TextAreaField(
            _l("Текст сообщения"),
            filters=[_strip],
            validators=[
                _filled(),
                Length(max=4000, message=_l("Не длиннее %(max)d символов.")),
            ],
            description=_l("В SMS уйдёт начало текста: до двух SMS."),
        )

    if not tenant.has_several_settlements:
        del NoticeForm.audience
    return NoticeForm(**kwargs)
