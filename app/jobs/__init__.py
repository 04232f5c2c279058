"""Background jobs: `enqueue()` a handler registered with `@job(name)` (SPEC §6).

With REDIS_URL set, jobs go to RQ and `flask --app wsgi jobs worker` runs them; without it they run
in-process right away, so the embedded default needs no Redis.
"""

from __future__ import annotations

from flask import Flask

from app.jobs.queue import QUEUES, QueuedJob, enqueue
from app.jobs.registry import UnknownJob, job

__all__ = ["QUEUES", "QueuedJob", "UnknownJob", "enqueue", "job", "register_jobs"]


def register_jobs(app: Flask) -> None:
    """Import every module that defines job handlers, so web processes and workers know them all."""
    from app.billing.exchange import tasks as billing_tasks  # noqa: F401
    from app.mail import tasks  # noqa: F401
    from app.notifications import mailings, reminders  # noqa: F401
    from app.readings.web import mailing as readings_mailing  # noqa: F401
    from app.registration import tasks as registration_tasks  # noqa: F401
    from app.sms import tasks as sms_tasks  # noqa: F401
