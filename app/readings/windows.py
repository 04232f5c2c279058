"""Reading windows from the tenant's rules, evaluated in the tenant's time zone (SPEC §2).

Two kinds: fixed days of the month (a range may run into the next month, as Sevastopol's 20th to
the 2nd) and working days on the Russian production calendar with its transferred days off
(Moscow: the last 2 working days of the month and the first 2 of the next, with the weekends and
holidays between). A window belongs to the billing period of the month in which it opens.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from app.periods import add_months


@dataclass(frozen=True)
class ReadingWindow:
    """A window of the tenant's calendar: [opens_at, closes_at) in tenant-local time."""

    opens_at: datetime
    closes_at: datetime  # exclusive: midnight after the last day
    period: date  # first day of the billing period (the month it opened in)

    def contains(self, moment: datetime) -> bool:
        return self.opens_at <= moment < self.closes_at

    @property
    def last_day(self) -> date:
        """The last calendar day readings are accepted (inclusive)."""
        return (self.closes_at - timedelta(days=1)).date()

    @property
    def period_label(self) -> str:
        return self.period.strftime("%Y-%m")


def _month(year: int, month: int, offset: int = 0) -> tuple[int, int]:
    shifted = add_months(date(year, month, 1), offset)
    return shifted.year, shifted.month


def _day(year: int, month: int, day: int) -> date:
    # A day past the end of the month (a 31st in February) means the month's last day.
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=16)
def _calendar(country: str, year: int):
    return holidays.country_holidays(country, years=[year - 1, year, year + 1])


@lru_cache(maxsize=256)
def _working_days(country: str, year: int, month: int) -> tuple[date, ...]:
    # Kept per process: every request asks for its window (issue 4), and a month's working days
    # depend on the calendar alone.
    cal = _calendar(country, year)
    days = (date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1))
    return tuple(day for day in days if cal.is_working_day(day))


def _span(window, year: int, month: int) -> tuple[date, date]:
    """First and last day (inclusive) of the window opening in `year`-`month`."""
    if window.kind == "days_of_month":
        first = _day(year, month, window.first_day)
        end_year, end_month = (
            (year, month) if window.last_day >= window.first_day else _month(year, month, 1)
        )
        return first, _day(end_year, end_month, window.last_day)
    this_month = _working_days(window.calendar, year, month)
    next_year, next_month = _month(year, month, 1)
    following = _working_days(window.calendar, next_year, next_month)
    first = (
        this_month[-window.last_working_days]
        if window.last_working_days
        else date(next_year, next_month, 1)
    )
    last = following[window.first_working_days - 1] if window.first_working_days else this_month[-1]
    return first, last


def window_opening_in(window, zone: ZoneInfo, year: int, month: int) -> ReadingWindow:
    """The window of billing period `year`-`month`, as local datetimes."""
    first, last = _span(window, year, month)
    opens = datetime.combine(first, time(), tzinfo=zone)
    closes = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    return ReadingWindow(opens, closes, date(year, month, 1))


def window_at(window, zone: ZoneInfo, moment: datetime) -> ReadingWindow | None:
    """The window open at `moment`, or None."""
    local = moment.astimezone(zone)
    for offset in (0, -1):  # a window may have opened last month
        year, month = _month(local.year, local.month, offset)
        candidate = window_opening_in(window, zone, year, month)
        if candidate.contains(local):
            return candidate
    return None


def next_window(window, zone: ZoneInfo, moment: datetime) -> ReadingWindow:
    """The first window opening after `moment`."""
    local = moment.astimezone(zone)
    for offset in range(0, 3):
        year, month = _month(local.year, local.month, offset)
        candidate = window_opening_in(window, zone, year, month)
        if candidate.opens_at > local:
            return candidate
    raise AssertionError("a window opens every month")


def upcoming_windows(window, zone: ZoneInfo, moment: datetime, count: int) -> list[ReadingWindow]:
    """The window open now (if any) and the next ones, `count` in all."""
    current = window_at(window, zone, moment)
    windows = [current] if current else []
    cursor = moment
    while len(windows) < count:
        upcoming = next_window(window, zone, cursor)
        windows.append(upcoming)
        cursor = upcoming.opens_at
    return windows


@dataclass(frozen=True)
class WindowState:
    """What residents are told: the window open now, or the next one."""

    open: ReadingWindow | None
    upcoming: ReadingWindow

    @property
    def is_open(self) -> bool:
        return self.open is not None


def window_state(tenant, moment: datetime) -> WindowState:
    """The tenant's window at `moment`: open (and until when) or closed (and the next opening)."""
    window, zone = tenant.config.readings.window, tenant.time_zone
    current = window_at(window, zone, moment)
    return WindowState(open=current, upcoming=next_window(window, zone, moment))
