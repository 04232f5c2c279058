"""Forms of the exchange page: a billing file to import, a period to export."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, ValidationError

from app.billing.exchange.values import Invalid, period

KIND_LABELS = {
    "accounts": _l("Лицевые счета"),
    "meters": _l("Приборы учёта"),
    "charges": _l("Начисления"),
    "payments": _l("Оплаты"),
}


class ImportForm(FlaskForm):
    kind = SelectField(
        _l("Что в файле"),
        choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Выберите, что в файле."))],
    )
    file = FileField(
        _l("Файл CSV"),
        validators=[FileRequired(message=_l("Выберите файл CSV для загрузки."))],
    )


class ExportForm(FlaskForm):
    class Meta:
        csrf = False  # a download by GET: nothing changes

    period = StringField(
        _l("Период"), validators=[InputRequired(message=_l("Укажите период: ГГГГ-ММ."))]
    )

    def validate_period(self, field) -> None:
        try:
            field.parsed = period(field.data or "")
        except Invalid as exc:
            raise ValidationError(exc.reason) from None
