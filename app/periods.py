"""Billing periods: a month, named by its first day (SPEC §3, §4)."""

from __future__ import annotations

from datetime import date


def add_months(period: date, months: int) -> date:
    """The first day of the month `months` after (or before, if negative) `period`'s month."""
    index = period.year * 12 + period.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_spanned(earlier: date, later: date) -> int:
    """Months from `earlier`'s period to `later`'s: what one consumption step between two
    readings spans (at least one)."""
    return max(1, (later.year - earlier.year) * 12 + later.month - earlier.month)
