"""Reading the mail outbox in tests: every `.eml` the app wrote, oldest first.

With REDIS_URL set (CI), mail jobs wait in the job outbox and RQ: `read_outbox` first relays the
outbox and runs a burst worker over the queues, so the same test checks real queue delivery in CI
and in-process delivery without Redis.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def keeping_rate_limit_storage() -> Iterator[None]:
    """Flask-Limiter keeps one storage for all apps, the last one initialised: an extra app made
    by a test must not move the session app's rate-limit counters (reset after every test), nor
    leave it counting in its in-memory fallback (an app whose Redis is down)."""
    from app.extensions import limiter

    names = ("_storage", "_limiter", "_storage_dead", "_fallback_limiter")
    saved = {name: getattr(limiter, name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(limiter, name, value)


@contextmanager
def inline_jobs_app(test_database, tmp_path) -> Iterator:
    """An app without Redis, in its own context: jobs run in-process (the embedded default)."""
    from app.extensions import db
    from tests.conftest import make_test_app

    with keeping_rate_limit_storage():
        app = make_test_app(test_database, tmp_path, REDIS_URL=None)
    with app.app_context():
        app.extensions["tenant_cache"].directory()
        db.session.remove()  # no transaction open: an enqueue() commits its job on its own
        try:
            yield app
        finally:
            close_connections(db)


def close_connections(db) -> None:
    """Close what this app's engines opened (tests without the shared transaction use them)."""
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()


@contextmanager
def redis_jobs_app(test_database, tmp_path) -> Iterator:
    """An app queueing to Redis under a prefix of its own, removed again afterwards."""
    from app.extensions import db
    from tests.conftest import make_test_app

    prefix = f"vktest-jobs-{uuid.uuid4().hex[:8]}"
    with keeping_rate_limit_storage():
        app = make_test_app(
            test_database, tmp_path, REDIS_URL=os.environ["REDIS_URL"], REDIS_PREFIX=prefix
        )
    with app.app_context():
        # Warm the tenant cache here, so forked work horses inherit it instead of reading the
        # database through the test's (shared, uncommitted) connection.
        app.extensions["tenant_cache"].directory()
        db.session.remove()
        try:
            yield app
        finally:
            delete_queues(prefix)
            close_connections(db)


def delete_queues(prefix: str) -> None:
    from rq.job import Job

    from app.jobs import QUEUES
    from app.jobs.queue import SERIALIZER, redis_connection, rq_queue

    connection = redis_connection()
    for name in QUEUES:
        queue = rq_queue(name)
        registries = (
            queue.failed_job_registry,
            queue.finished_job_registry,
            queue.started_job_registry,
        )
        job_ids = {*queue.get_job_ids(), *(i for r in registries for i in r.get_job_ids())}
        for job_id in job_ids:
            Job.fetch(job_id, connection=connection, serializer=SERIALIZER).delete()
        queue.delete(delete_jobs=True)
    for key in connection.scan_iter(match=f"*{prefix}*"):
        connection.delete(key)


def run_worker(app, *args: str):
    """`flask jobs worker --burst ARGS` in a fresh app context (a forked horse must not commit
    the session the test itself holds)."""
    from app.jobs.cli import jobs_cli

    with app.app_context():
        result = app.test_cli_runner().invoke(jobs_cli, ["worker", "--burst", *args])
    assert result.exit_code == 0, result.output
    return result
