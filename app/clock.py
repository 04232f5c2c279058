"""The current time: one function the whole app asks, so tests can move it (windows, reminders)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)
