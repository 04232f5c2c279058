"""The history filter: a meter and a range of months, read from the query string."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, ValidationError

# «2026-11» from <input type="month">; «11.2026» where the browser shows a plain text box.
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RUSSIAN_MONTH = re.compile(r"^(\d{1,2})\.(\d{4})$")


def parse_month(raw: str) -> date:
    """«2026-11» or «11.2026» → the first day of that month; ValueError otherwise."""
    text = raw.strip()
    if match := _ISO_MONTH.match(text):
        year, month = match.groups()
    elif match := _RUSSIAN_MONTH.match(text):
        month, year = match.groups()
    else:
        raise ValueError(text)
    if not (1 <= int(month) <= 12 and 2000 <= int(year) <= 2100):
        raise ValueError(text)
    return date(int(year), int(month), 1)


class MonthField(StringField):
    """A month as «ГГГГ-ММ»; `data` is the first day of the month, or None."""

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        try:
            self.data = parse_month(raw)
        except ValueError:
            raise ValueError(
                _("Укажите месяц в виде ГГГГ-ММ, например %(example)s.", example="2026-01")
            ) from None

    def _value(self):
        if self.data:
            return self.data.strftime("%Y-%m")
        return self.raw_data[0] if self.raw_data else ""


class HistoryFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    meter = SelectField(
        _l("Прибор учёта"),
        choices=[],
        validate_choice=False,  # the view checks the meter is the account's (404 otherwise)
        description=_l("Один прибор или все приборы счёта"),
    )
    period_from = MonthField(_l("Период с"), name="from", description=_l("Месяц: ГГГГ-ММ"))
    period_to = MonthField(_l("Период по"), name="to", description=_l("Месяц: ГГГГ-ММ"))

    def validate_period_to(self, field):
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError(_("Конец периода раньше его начала."))
