"""The range of months of the billing page and its CSV (`?from=YYYY-MM&to=YYYY-MM`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError

from app.periods import add_months
from app.readings.archive.forms import MonthField

DEFAULT_MONTHS = 12


class RangeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    period_from = MonthField(_l("Период с"), name="from", description=_l("Месяц: ГГГГ-ММ"))
    period_to = MonthField(_l("Период по"), name="to", description=_l("Месяц: ГГГГ-ММ"))

    def validate_period_to(self, field):
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError(_("Конец периода раньше его начала."))


@dataclass(frozen=True)
class Range:
    first: date  # first day of the first month
    last: date  # first day of the last month

    def query_args(self) -> dict[str, str]:
        return {"from": self.first.strftime("%Y-%m"), "to": self.last.strftime("%Y-%m")}


def default_range(this_month: date) -> Range:
    """The last 12 months, this one included."""
    return Range(add_months(this_month, 1 - DEFAULT_MONTHS), this_month)


def chosen_range(form: RangeForm, this_month: date) -> Range:
    """The months asked for; a bound with an error (shown at its field) is left at its default:
    «to» this month, «from» 12 months before «to»."""
    form.validate()
    last = form.period_to.data if form.period_to.data and not form.period_to.errors else None
    first = form.period_from.data if not form.period_from.errors else None
    last = last or this_month
    first = first or add_months(last, 1 - DEFAULT_MONTHS)
    if first > last:
        return default_range(this_month)
    return Range(first, last)
