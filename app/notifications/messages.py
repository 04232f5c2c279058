"""What a mailing says: the subject, the mail templates and the SMS text for each kind."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _

from app.notifications.models import Mailing
from app.readings.web.rows import period_name

#: The preference category each kind of mailing falls under.
CATEGORY = {"window_opens": "reminders", "window_closes": "reminders", "notice": "notices"}


@dataclass(frozen=True)
class Content:
    """The parts of a mailing every recipient shares; `context` goes to the mail templates."""

    category: str
    template: str
    subject: str
    sms: str
    context: dict


def mailing_content(tenant, mailing: Mailing) -> Content:
    """Subject, template and SMS of `mailing` (inside a request context on the tenant's host)."""
    utility = tenant.config.short_name
    if mailing.kind == "notice":
        return Content(
            category="notices",
            template="notice",
            subject=_("%(utility)s: %(subject)s", utility=utility, subject=mailing.subject),
            sms=f"{utility}: {mailing.subject}. {mailing.body}",
            context={"notice": mailing, "link": url_for("cabinet.index", _external=True)},
        )
    last_day = format_date(mailing.closes_on, "d MMMM")
    link = url_for("readings.form", _external=True)
    if mailing.kind == "window_opens":
        subject = _(
            "%(utility)s: открыт приём показаний до %(last_day)s",
            utility=utility,
            last_day=last_day,
        )
        sms = _(
            "%(utility)s: открыт приём показаний счётчиков, до %(last_day)s. Передать: %(link)s",
            utility=utility,
            last_day=last_day,
            link=link,
        )
    else:
        subject = _(
            "%(utility)s: приём показаний заканчивается %(last_day)s",
            utility=utility,
            last_day=last_day,
        )
        sms = _(
            "%(utility)s: приём показаний счётчиков заканчивается %(last_day)s. Передать: %(link)s",
            utility=utility,
            last_day=last_day,
            link=link,
        )
    return Content(
        category="reminders",
        template=mailing.kind,
        subject=subject,
        sms=sms,
        context={"period": period_name(mailing.period), "last_day": last_day, "link": link},
    )
