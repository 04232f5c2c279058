"""One `enqueue()` for background work: RQ with REDIS_URL, in-process without (issue: jobs and mail)."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from rq.job import Job, JobStatus

from app.extensions import db
from app.jobs import UnknownJob, enqueue, job, register_jobs
from app.jobs.cli import jobs_cli
from app.jobs.models import PlatformJob
from app.jobs.queue import SERIALIZER, redis_connection, rq_queue
from app.jobs.registry import get_handler
from app.mail.tasks import send_mail_job
from app.tenancy.context import get_current_tenant, tenant_scope
from tests.support.outbox import (
    inline_jobs_app,
    outbox_dir,
    read_outbox,
    redis_jobs_app,
    run_worker,
)


@job("tests.record_tenant")
def record_tenant(path: str, note: str) -> str | None:
    """Append the tenant in scope to a file: visible across a fork, and needs no database rows."""
    tenant = get_current_tenant()
    slug = tenant.slug if tenant is not None else None
    with open(path, "a", encoding="utf-8") as log:
        log.write(
            json.dumps({"tenant": slug, "note": note, "pid": os.getpid()}, ensure_ascii=False)
            + "\n"
        )
    return slug


@job("tests.fail")
def fail(reason: str) -> None:
    raise RuntimeError(reason)


def recorded(path: Path, *, with_pid: bool = False) -> list[dict]:
    if not path.exists():
        return []
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return entries if with_pid else [{k: v for k, v in e.items() if k != "pid"} for e in entries]


@pytest.fixture
def inline_app(test_database, tmp_path):
    """An app without Redis: jobs run in-process (the embedded default, SPEC §6)."""
    with inline_jobs_app(test_database, tmp_path) as app:
        yield app


def test_register_jobs_makes_the_mail_job_known(app):
    register_jobs(app)
    assert get_handler("mail.send") is send_mail_job


def test_without_redis_the_job_runs_at_once_as_the_given_tenant(inline_app, tmp_path):
    angarsk = inline_app.extensions["tenant_cache"].directory().by_slug["angarsk"]
    log = tmp_path / "log.jsonl"

    queued = enqueue("tests.record_tenant", tenant_id=angarsk.id, path=str(log), note="сразу")

    assert queued.inline and queued.result == "angarsk"
    assert recorded(log) == [{"tenant": "angarsk", "note": "сразу"}]
    assert get_current_tenant() is None


def test_a_job_runs_as_the_enqueuing_tenant_unless_told_otherwise(inline_app, tmp_path):
    moscow = inline_app.extensions["tenant_cache"].directory().by_slug["moscow"]
    log = tmp_path / "log.jsonl"

    with tenant_scope(moscow):
        enqueue("tests.record_tenant", path=str(log), note="свой")
        enqueue("tests.record_tenant", tenant_id=None, path=str(log), note="платформа")
        assert get_current_tenant() is moscow

    assert recorded(log) == [
        {"tenant": "moscow", "note": "свой"},
        {"tenant": None, "note": "платформа"},
    ]


def test_an_inline_failure_is_kept_on_the_job_for_a_retry(inline_app):
    queued = enqueue("tests.fail", reason="нет связи")  # the caller is not disturbed

    row = db.session.get(PlatformJob, uuid.UUID(queued.id))
    assert (row.status, row.attempts) == ("pending", 1)
    assert "RuntimeError: нет связи" in row.last_error
    assert row.run_after > row.started_at
    assert get_current_tenant() is None


def test_unknown_job_queue_or_tenant_is_refused(inline_app):
    with pytest.raises(UnknownJob, match=r"tests\.nothing"):
        enqueue("tests.nothing")
    with pytest.raises(ValueError, match="unknown queue 'urgent'"):
        enqueue("tests.fail", queue="urgent", reason="x")
    with pytest.raises(LookupError, match="no tenant with id 999999"):
        enqueue("tests.fail", tenant_id=999999, reason="x")


def test_jobs_take_plain_arguments_only(inline_app, tmp_path):
    tenant = inline_app.extensions["tenant_cache"].directory().by_slug["moscow"]
    with pytest.raises(TypeError, match="not JSON serializable"):
        enqueue("tests.record_tenant", path=tmp_path / "log.jsonl", note=tenant)


def test_inline_mail_job_lands_in_the_outbox_from_the_tenant(inline_app):
    moscow = inline_app.extensions["tenant_cache"].directory().by_slug["moscow"]

    queued = enqueue(
        "mail.send",
        tenant_id=moscow.id,
        queue="high",
        to="resident@example.ru",
        subject="Показания приняты",
        text="Спасибо!",
        html="<p>Спасибо!</p>",
    )

    [message] = read_outbox(inline_app)
    assert message["Message-ID"] == queued.result
    assert message["Subject"] == "Показания приняты"
    assert message["From"].addresses[0].display_name == "Мосводоканал"
    assert message.get_body(("html",)).get_content().strip() == "<p>Спасибо!</p>"


def test_worker_command_needs_redis(inline_app):
    result = inline_app.test_cli_runner().invoke(jobs_cli, ["worker", "--burst"])
    assert result.exit_code == 1
    assert "jobs run in-process when REDIS_URL is unset; no worker needed" in result.output


# --- with Redis (CI sets REDIS_URL) -------------------------------------------------------------

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is unset; RQ tests need a Redis server"
)


@pytest.fixture
def rq_app(test_database, tmp_path):
    """An app queueing to Redis under a prefix of its own, removed again after the test."""
    with redis_jobs_app(test_database, tmp_path) as app:
        yield app


_run_worker = run_worker


@needs_redis
@pytest.mark.redis
@pytest.mark.parametrize("fork", ["--fork", "--no-fork"])
def test_with_redis_the_job_waits_for_a_worker_and_runs_as_its_tenant(rq_app, tmp_path, fork):
    novosibirsk = rq_app.extensions["tenant_cache"].directory().by_slug["novosibirsk"]
    log = tmp_path / "log.jsonl"

    queued = enqueue(
        "tests.record_tenant", tenant_id=novosibirsk.id, path=str(log), note="в очереди"
    )

    assert not queued.inline
    assert not log.exists()
    assert rq_queue("default").get_job_ids() == [queued.id]
    _run_worker(rq_app, fork)
    [entry] = recorded(log, with_pid=True)
    assert (entry["tenant"], entry["note"]) == ("novosibirsk", "в очереди")
    assert (entry["pid"] != os.getpid()) == (fork == "--fork")  # the horse is a forked child
    rq_job = Job.fetch(queued.id, connection=redis_connection(), serializer=SERIALIZER)
    assert rq_job.get_status() == JobStatus.FINISHED
    assert rq_job.return_value() == "novosibirsk"


@needs_redis
@pytest.mark.redis
def test_worker_takes_only_the_queues_it_is_given(rq_app, tmp_path):
    log = tmp_path / "log.jsonl"
    enqueue("tests.record_tenant", queue="low", path=str(log), note="потом")
    enqueue("tests.record_tenant", queue="high", path=str(log), note="срочно")

    _run_worker(rq_app, "--no-fork", "high")

    assert [entry["note"] for entry in recorded(log)] == ["срочно"]
    assert rq_queue("low").count == 1


@needs_redis
@pytest.mark.redis
def test_queued_mail_is_sent_by_the_worker(rq_app):
    angarsk = rq_app.extensions["tenant_cache"].directory().by_slug["angarsk"]

    enqueue(
        "mail.send",
        tenant_id=angarsk.id,
        queue="high",
        to="resident@example.ru",
        subject="Квитанция за ноябрь",
        text="Квитанция во вложении.",
    )

    assert not list(outbox_dir(rq_app).glob("*.eml"))  # queued, not sent
    assert rq_queue("high").count == 1
    _run_worker(rq_app, "--no-fork")
    [message] = read_outbox(rq_app)
    assert message["Subject"] == "Квитанция за ноябрь"
    assert message["From"].addresses[0].display_name == "Ангарский водоканал"
    assert message["Reply-To"] == "uchet@avk.irtel.ru"


@needs_redis
@pytest.mark.redis
@pytest.mark.parametrize("fork", ["--fork", "--no-fork"])
def test_failing_job_ends_in_the_failed_registry(rq_app, fork):
    queued = enqueue("tests.fail", reason="счётчик не найден")

    _run_worker(rq_app, fork)

    queue = rq_queue("default")
    assert queued.id in queue.failed_job_registry.get_job_ids()
    rq_job = Job.fetch(queued.id, connection=redis_connection(), serializer=SERIALIZER)
    assert rq_job.get_status() == JobStatus.FAILED
    assert "RuntimeError: счётчик не найден" in rq_job.latest_result().exc_string
