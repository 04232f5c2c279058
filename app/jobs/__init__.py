"""Background jobs: `enqueue()` a handler registered with `@job(name)` (SPEC §6).

Jobs go through a transactional outbox (`outbox.py`): a row in the caller's transaction, handed on
after the commit. With REDIS_URL set, RQ workers (`flask --app wsgi jobs worker`) run them; without
it they run in-process, so the embedded default needs no Redis. Periodic jobs
(`app.jobs.periodic.periodic()`) and the relay run in `flask --app wsgi jobs scheduler`.
"""

from __future__ import annotations

from flask import Flask

from app.jobs.outbox import QueuedJob, enqueue
from app.jobs.policy import QUEUES
from app.jobs.registry import UnknownJob, job

__all__ = ["QUEUES", "QueuedJob", "UnknownJob", "enqueue", "job", "register_jobs"]


def register_jobs(app: Flask) -> None:
    """Import every module that defines job handlers, so web processes and workers know them all."""
    from app.billing.exchange import tasks as billing_tasks  # noqa: F401
    from app.jobs import housekeeping  # noqa: F401
    from app.mail import tasks  # noqa: F401
    from app.notifications import mailings, reminders  # noqa: F401
    from app.readings.web import mailing as readings_mailing  # noqa: F401
    from app.registration import tasks as registration_tasks  # noqa: F401
    from app.sms import tasks as sms_tasks  # noqa: F401
