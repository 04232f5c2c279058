"""A real worker killed mid-job (issue 7): `flask --app wsgi jobs worker` is SIGKILLed, work horse
and all, while it sends a mail; once the job's lease has run out the relay hands it on again and
the resident gets the mail once. Needs PostgreSQL and Redis: the worker is another process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select

from app.extensions import db
from app.jobs import enqueue
from app.jobs.models import TenantJob
from app.jobs.queue import rq_queue
from app.jobs.relay import relay
from app.mail.message import new_message_id
from app.tenancy.context import tenant_scope
from tests.support.databases import configured_server_url
from tests.support.outbox import redis_jobs_app, run_worker

ROOT = Path(__file__).resolve().parent.parent
NO_WAIT = timedelta(0)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not (os.environ.get("REDIS_URL") and configured_server_url()),
        reason="a worker in another process needs PostgreSQL and Redis",
    ),
]


class Collector:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def rq_app(test_database, tmp_path):
    with redis_jobs_app(test_database, tmp_path) as app:
        yield app


@pytest.fixture
def silent_smtp():
    """The SMTP server's port, held first by a listener that takes connections and never
    answers: a worker sending a mail waits there, inside the job, for the server's greeting."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(60)
    yield listener
    listener.close()


def start_worker(app, test_database, port: int, log: Path) -> subprocess.Popen:
    """`flask --app wsgi jobs worker`, configured through the environment as in production."""
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": test_database.app_url,
        "REDIS_URL": app.config["REDIS_URL"],
        "REDIS_PREFIX": app.config["REDIS_PREFIX"],
        "PLATFORM_DOMAIN": "localhost",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_TIMEOUT": "120",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"]
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def kill_with_its_horse(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its work horse (which RQ puts in a process group of its own), as
    when the machine goes: nobody is left to report the job's end."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    os.kill(worker.pid, signal.SIGKILL)
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    worker.wait(timeout=30)


def row_of(tenant, job_id: str) -> TenantJob:
    db.session.rollback()
    with tenant_scope(tenant):
        return db.session.scalar(
            select(TenantJob)
            .where(TenantJob.id == uuid.UUID(job_id))
            .execution_options(populate_existing=True)
        )


@pytest.mark.no_transaction  # the worker process reads what the test committed
def test_a_mail_whose_worker_was_killed_mid_job_is_sent_once_after_the_lease(
    rq_app, test_database, silent_smtp, tmp_path, monkeypatch
):
    moscow = rq_app.extensions["tenant_cache"].directory().by_slug["moscow"]
    port = silent_smtp.getsockname()[1]
    message_id = new_message_id()
    with tenant_scope(moscow):
        queued = enqueue(
            "mail.send",
            queue="high",
            to="resident@example.ru",
            subject="Ссылка для смены пароля",
            text="Ссылка действует сутки.",
            message_id=message_id,
        )
    worker = start_worker(rq_app, test_database, port, tmp_path / "worker.log")
    try:
        connection, _address = silent_smtp.accept()  # the job is sending: mid-job
        kill_with_its_horse(worker)
        connection.close()
        silent_smtp.close()

        row = row_of(moscow, queued.id)
        assert (row.status, row.attempts) == ("running", 1)
        lease_until = row.lease_until
        report = relay(grace=NO_WAIT)  # the lease still runs: nobody knows the worker is gone
        assert (report.lost, report.handed_on) == (0, 0)

        # The lease runs out (RQ's time limit and its kill grace, a few minutes for mail).
        expired = lease_until + timedelta(seconds=1)
        monkeypatch.setattr("app.clock.now", lambda: expired)
        rq_app.config.update(JOBS_RETRY_SECONDS=0)
        report = relay(grace=NO_WAIT)
        assert (report.lost, report.handed_on) == (1, 1)
        assert rq_queue("high").get_job_ids() == [queued.id]

        collector = Collector()
        controller = Controller(collector, hostname="127.0.0.1", port=port)
        controller.start()  # the mail server answers again, on the same port
        try:
            rq_app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
            run_worker(rq_app, "--fork")
            relay(grace=NO_WAIT)
            run_worker(rq_app, "--fork")  # nothing more to send
        finally:
            controller.stop()

        [envelope] = collector.envelopes
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert envelope.rcpt_tos == ["resident@example.ru"]
        assert message["Message-ID"] == message_id
        assert message["Subject"] == "Ссылка для смены пароля"
        row = row_of(moscow, queued.id)
        assert (row.status, row.attempts) == ("done", 2)
        assert "worker running this job was stopped or lost" in row.last_error
    finally:
        if worker.poll() is None:
            kill_with_its_horse(worker)
        db.session.rollback()
        with tenant_scope(moscow):
            db.session.execute(delete(TenantJob).where(TenantJob.id == uuid.UUID(queued.id)))
            db.session.commit()
