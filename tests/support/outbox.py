"""Reading the mail outbox in tests: every `.eml` the app wrote, oldest first.

With REDIS_URL set (CI), mail jobs wait in the job outbox and RQ: `read_outbox` first relays the
outbox and runs a burst worker over the queues, so the same test checks real queue delivery in CI
and in-process delivery without Redis.
"""

from __future__ import annotations

import shutil
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path


def outbox_dir(app) -> Path:
    """Where `app` writes mail when MAIL_BACKEND is `outbox`."""
    return Path(app.config["MAIL_OUTBOX_DIR"])


def deliver_queued_jobs(app) -> None:
    """Run every queued job now: a relay pass (jobs still in the outbox go to RQ), then a burst
    worker in this process. No-op without Redis, where jobs run when their transaction commits."""
    if not app.config["REDIS_URL"]:
        return
    from datetime import timedelta

    from app.jobs import QUEUES
    from app.jobs.relay import relay
    from app.jobs.worker import make_worker

    with app.app_context():
        relay(grace=timedelta(0))
    with app.app_context():
        make_worker(QUEUES, fork=False).work(burst=True, logging_level="WARNING")


def read_outbox(app) -> list[EmailMessage]:
    """Every message in the outbox, parsed, sorted by the time it was written."""
    deliver_queued_jobs(app)
    directory = outbox_dir(app)
    if not directory.is_dir():
        return []
    # File names start with the UTC send time, so name order is time order.
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(directory.glob("*.eml"))
    ]


def clear_outbox(app) -> None:
    """Forget every message written so far (and any job still queued)."""
    deliver_queued_jobs(app)
    shutil.rmtree(outbox_dir(app), ignore_errors=True)
