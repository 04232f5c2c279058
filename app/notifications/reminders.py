"""Window reminders (issue 7): when a tenant's reading window opens, and shortly before it closes,
at 10:00 in the tenant's time zone, to residents who still have to submit for the period.

The scheduler runs `notifications.reminders_tick` every minute with no tenant. The tick walks the
tenants; for a reminder that is due it records the mailing (one per tenant, kind and period: the
unique key makes a repeated or concurrent tick harmless) and queues its planning. A tick missed at
10:00 (a deploy, say) is caught up later the same day, but never in the evening.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.jobs import job
from app.jobs.periodic import periodic
from app.notifications.mailings import public_base_url, start_mailing
from app.notifications.models import Mailing
from app.readings.windows import ReadingWindow, window_at
from app.tenancy.context import tenant_scope

REMINDER_AT = time(10, 0)
QUIET_FROM = time(21, 0)  # a missed reminder is not sent late in the evening
SHORT_WINDOW_DAYS = 4  # a window this short (Moscow's four working days) is reminded a day ahead


def window_length(window_rule, window: ReadingWindow) -> int:
    """The window's length as its rule states it: working days, or calendar days."""
    if window_rule.kind == "working_days":
        return window_rule.last_working_days + window_rule.first_working_days
    return (window.closes_at.date() - window.opens_at.date()).days


def reminder_days(window_rule, window: ReadingWindow) -> dict[str, date]:
    """The local day of each reminder of `window`: the day it opens, and two days before it
    closes (one day when the window is at most four days long)."""
    lead = 1 if window_length(window_rule, window) <= SHORT_WINDOW_DAYS else 2
    opens_on = window.opens_at.date()
    closing_on = window.closes_at.date() - timedelta(days=lead)
    days = {"window_opens": opens_on}
    if closing_on > opens_on:  # a window too short for both gets the opening one
        days["window_closes"] = closing_on
    return days


def due_reminders(tenant, moment: datetime) -> list[tuple[str, ReadingWindow]]:
    """The reminders of `tenant` due at `moment` (sent or not)."""
    local = moment.astimezone(tenant.time_zone)
    if not REMINDER_AT <= local.time() < QUIET_FROM:
        return []
    rule = tenant.config.readings.window
    window = window_at(rule, tenant.time_zone, moment)
    if window is None:
        return []
    return [
        (kind, window) for kind, day in reminder_days(rule, window).items() if day == local.date()
    ]


def claim_reminder(kind: str, window: ReadingWindow) -> Mailing | None:
    """Record the reminder of `kind` for the window's period, or None when it already exists."""
    existing = db.session.scalar(
        select(Mailing.id).where(Mailing.kind == kind, Mailing.period == window.period)
    )
    if existing is not None:
        return None
    mailing = Mailing(kind=kind, period=window.period, closes_on=window.last_day)
    try:
        with db.session.begin_nested():  # a concurrent tick may win the unique key
            db.session.add(mailing)
    except IntegrityError:
        return None
    return mailing


def parse_minute(now: str | None) -> datetime:
    """The scheduler's `now` (ISO, UTC when it names no zone), or the clock's."""
    if not now:
        return clock.now()
    moment = datetime.fromisoformat(now)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@job("notifications.reminders_tick")
def reminders_tick(now: str | None = None) -> list[str]:
    """Start every reminder due at `now` in every active tenant; returns what was started."""
    moment = parse_minute(now)
    started = []
    for tenant in current_app.extensions["tenant_cache"].directory().by_id.values():
        if tenant.is_suspended:
            continue
        with tenant_scope(tenant):
            for kind, window in due_reminders(tenant, moment):
                mailing = claim_reminder(kind, window)
                if mailing is not None:
                    start_mailing(mailing, public_base_url(tenant))
                    started.append(f"{tenant.slug}:{kind}:{window.period_label}")
    return started


# The scheduler process enqueues the tick every minute (with `now`, as no tenant).
periodic("notifications.reminders_tick", every_minutes=1)
