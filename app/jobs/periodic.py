"""Periodic jobs: `periodic("name", every_minutes=N)` after `@job("name")`; the scheduler process
(`flask --app wsgi jobs scheduler`) enqueues each one once per due minute.

A periodic job runs as no tenant (it loops over the tenants itself) and receives `now`, the ISO 8601
UTC timestamp of the minute it is due for, so a late or repeated run still works on its own minute.
Each (job, minute) becomes one outbox row with a unique key: two schedulers, or one restarted in
the middle of a minute, never enqueue the same minute twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.jobs.registry import get_handler

#: How far back a scheduler that was down catches up on minutes it missed.
CATCH_UP_MINUTES = 5


@dataclass(frozen=True)
class Periodic:
    name: str
    every_minutes: int
    queue: str


_periodic: dict[str, Periodic] = {}


def periodic(name: str, every_minutes: int = 1, *, queue: str = "default") -> Periodic:
    """Run the job registered as `name` every `every_minutes` minutes (minutes since the epoch
    divisible by it: every_minutes=60 runs at the top of each UTC hour)."""
    get_handler(name)  # the job must be registered first: a typo fails at import time
    if not isinstance(every_minutes, int) or every_minutes < 1:
        raise ValueError(f"every_minutes must be a positive whole number, not {every_minutes!r}")
    entry = Periodic(name, every_minutes, queue)
    _periodic[name] = entry
    return entry


def periodic_jobs() -> list[Periodic]:
    """Every periodic job, by name."""
    return [_periodic[name] for name in sorted(_periodic)]


def minute_of(moment: datetime) -> datetime:
    """The UTC minute `moment` falls in."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def due_minutes(
    entry: Periodic, moment: datetime, catch_up: int = CATCH_UP_MINUTES
) -> list[datetime]:
    """The minutes up to `moment` (and at most `catch_up` minutes back) when `entry` is due."""
    latest = minute_of(moment)
    minutes = (latest - timedelta(minutes=back) for back in range(catch_up, -1, -1))
    return [m for m in minutes if int(m.timestamp() // 60) % entry.every_minutes == 0]


def stamp(minute: datetime) -> str:
    """The `now` argument for `minute`: `2026-11-22T10:05:00Z`."""
    return minute.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def unique_key(entry: Periodic, minute: datetime) -> str:
    return f"periodic:{entry.name}:{stamp(minute)}"


def enqueue_due(moment: datetime, catch_up: int = CATCH_UP_MINUTES) -> list[str]:
    """Enqueue every periodic job due up to `moment` that no scheduler has enqueued yet; returns
    the unique keys of the jobs this call enqueued (commits)."""
    from app.jobs.outbox import enqueue_unique

    added = []
    for entry in periodic_jobs():
        for minute in due_minutes(entry, moment, catch_up):
            key = unique_key(entry, minute)
            if enqueue_unique(entry.name, key, queue=entry.queue, now=stamp(minute)):
                added.append(key)
    return added
