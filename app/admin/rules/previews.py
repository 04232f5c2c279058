"""What a set of rules would mean, shown before (or without) saving: the next reading windows, the
answer to a typed account number, the header in the brand colours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.readings.windows import ReadingWindow, upcoming_windows
from app.tenancy.account_numbers import AccountNumberFormat, InvalidAccountNumber
from app.tenancy.config import Section

WINDOW_COUNT = 12


@dataclass(frozen=True)
class WindowRow:
    window: ReadingWindow
    days: int  # calendar days readings are accepted

    @property
    def first_day(self):
        return self.window.opens_at.date()


def window_preview(config: Section, moment: datetime) -> list[WindowRow]:
    """The window open at `moment` (if any) and the next ones, 12 in all, in the tenant's zone."""
    zone = ZoneInfo(config.time_zone)
    windows = upcoming_windows(config.readings.window, zone, moment, WINDOW_COUNT)
    return [
        WindowRow(window, (window.last_day - window.opens_at.date()).days + 1) for window in windows
    ]


@dataclass(frozen=True)
class NumberCheck:
    typed: str
    private_house: bool
    canonical: str | None = None
    error: str | None = None


def try_number(section: Section, typed: str, *, private_house: bool = False) -> NumberCheck:
    """How the account-number rules read what a resident might type."""
    typed = (typed or "").strip()[:64]
    fmt = AccountNumberFormat.from_config(section)
    try:
        canonical = fmt.normalise(typed, private_house=private_house)
    except InvalidAccountNumber as exc:
        return NumberCheck(typed, private_house, error=str(exc))
    return NumberCheck(typed, private_house, canonical=canonical)
