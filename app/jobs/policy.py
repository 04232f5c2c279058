"""How hard the platform tries: attempts, backoff, time limits (each overridable in the app config,
e.g. by tests)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

QUEUES = ("high", "default", "low")  # a worker drains them in this order

DEFAULTS = {
    "JOBS_MAX_ATTEMPTS": 5,  # then the job is dead until someone presses «Повторить»
    "JOBS_RETRY_SECONDS": 30,  # wait after the first failure; doubles after each further one
    "JOBS_RETRY_MAX_SECONDS": 3600,
    # RQ stops a job after this long; high: mail, default: page-sized work, low: imports, exports.
    "JOBS_TIMEOUTS": {"high": 120, "default": 600, "low": 3600},
    # Rows younger than this are left to the committing process, which hands them on itself.
    "JOBS_RELAY_GRACE_SECONDS": 10,
    # A queued row whose RQ job vanished (Redis lost its data) is queued again after this long.
    "JOBS_QUEUED_CHECK_SECONDS": 300,
    "JOBS_KEEP_DAYS": 14,  # finished jobs are deleted after this many days
}


def setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def max_attempts() -> int:
    return int(setting("JOBS_MAX_ATTEMPTS"))


def backoff(attempts: int) -> timedelta:
    """How long to wait after failed attempt number `attempts` (1, 2, …)."""
    seconds = setting("JOBS_RETRY_SECONDS") * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, setting("JOBS_RETRY_MAX_SECONDS")))


def timeout(queue: str) -> int:
    """Seconds a job of `queue` may run."""
    return int(setting("JOBS_TIMEOUTS")[queue])


def lease(queue: str) -> timedelta:
    """How long a claimed job may stay running before it counts as lost with its worker: RQ's time
    limit, plus the minute RQ's worker waits before killing a horse that ignores it."""
    return timedelta(seconds=timeout(queue) + 90)


def relay_grace() -> timedelta:
    return timedelta(seconds=setting("JOBS_RELAY_GRACE_SECONDS"))


def queued_check() -> timedelta:
    return timedelta(seconds=setting("JOBS_QUEUED_CHECK_SECONDS"))


def keep() -> timedelta:
    return timedelta(days=setting("JOBS_KEEP_DAYS"))
