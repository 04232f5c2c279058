"""Nothing lost (issue 7): jobs live in the outbox with the change that caused them, survive Redis
being down, are retried with backoff after a failure or a killed worker, and end as dead letters."""

from __future__ import annotations

import os
import signal
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import delete, select

from app.extensions import db
from app.jobs import enqueue, job
from app.jobs import periodic as periodic_module
from app.jobs.models import PlatformJob, TenantJob
from app.jobs.periodic import periodic
from app.jobs.queue import JobRef, push, rq_queue
from app.jobs.relay import relay
from app.jobs.scheduler import tick
from app.registration.models import AccountLookupRequest
from app.tenancy.context import tenant_scope
from tests.support.outbox import deliver_queued_jobs, inline_jobs_app, redis_jobs_app, run_worker
from tests.support.recovery import ask, links_in, make_novocheboksarsk_resident
from tests.test_jobs import needs_redis, recorded

NOW = datetime(2026, 11, 22, 10, 5, 20, tzinfo=UTC)
NO_WAIT = timedelta(0)


@pytest.fixture
def inline_app(test_database, tmp_path):
    with inline_jobs_app(test_database, tmp_path) as app:
        yield app


@pytest.fixture
def rq_app(test_database, tmp_path):
    with redis_jobs_app(test_database, tmp_path) as app:
        yield app


@pytest.fixture
def moment(monkeypatch):
    """The app's clock, moved by the test (`moment[0] = ...`)."""
    holder = [NOW]
    monkeypatch.setattr("app.clock.now", lambda: holder[0])
    return holder


@job("tests.outbox.die_once")
def die_once(path: str) -> str:
    """The first try kills the process running it (a work horse killed mid-job); later ones run."""
    marker = Path(path)
    if not marker.exists():
        marker.write_text("started\n", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)
    with marker.open("a", encoding="utf-8") as log:
        log.write("ran\n")
    return "ran"


@job("tests.outbox.minute")
def every_minute(now: str, path: str = "") -> str:
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(now + "\n")
    return now


def platform_rows(name: str) -> list[PlatformJob]:
    return list(db.session.scalars(select(PlatformJob).where(PlatformJob.name == name)))


def tenant_row(tenant, job_id: str) -> TenantJob:
    with tenant_scope(tenant):
        return db.session.scalar(
            select(TenantJob)
            .where(TenantJob.id == uuid.UUID(job_id))
            .execution_options(populate_existing=True)
        )


# --- the transaction decides ---------------------------------------------------------------


def test_a_job_runs_after_its_transaction_commits_and_not_after_a_rollback(inline_app, tmp_path):
    moscow = inline_app.extensions["tenant_cache"].directory().by_slug["moscow"]
    log = tmp_path / "log.jsonl"

    with tenant_scope(moscow):
        db.session.add(AccountLookupRequest(full_name="Петров Пётр", phone="+79161234567"))
        db.session.flush()
        kept = enqueue("tests.record_tenant", path=str(log), note="сохранено")
        assert not log.exists()  # the change is not committed yet, nor is the job
        db.session.commit()
    assert recorded(log) == [{"tenant": "moscow", "note": "сохранено"}]
    assert tenant_row(moscow, kept.id).status == "done"

    with tenant_scope(moscow):
        db.session.add(AccountLookupRequest(full_name="Сидоров Иван", phone="+79161234568"))
        db.session.flush()
        dropped = enqueue("tests.record_tenant", path=str(log), note="отменено")
        db.session.rollback()
    assert [entry["note"] for entry in recorded(log)] == ["сохранено"]
    assert tenant_row(moscow, dropped.id) is None
    assert relay(grace=NO_WAIT).handed_on == 0


def test_a_failing_job_is_retried_with_growing_pauses_then_dead(inline_app, moment):
    inline_app.config.update(JOBS_MAX_ATTEMPTS=3, JOBS_RETRY_SECONDS=30)
    queued = enqueue("tests.fail", reason="сервер почты не отвечает")

    row = db.session.get(PlatformJob, uuid.UUID(queued.id))
    assert (row.status, row.attempts, row.run_after) == ("pending", 1, NOW + timedelta(seconds=30))
    assert relay(grace=NO_WAIT).handed_on == 0  # not due yet

    moment[0] = NOW + timedelta(seconds=30)
    assert relay(grace=NO_WAIT).handed_on == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.run_after == moment[0] + timedelta(seconds=60)  # the pause doubles

    moment[0] += timedelta(seconds=60)
    relay(grace=NO_WAIT)
    db.session.refresh(row)
    assert (row.status, row.attempts, row.finished_at) == ("dead", 3, moment[0])
    assert "RuntimeError: сервер почты не отвечает" in row.last_error
    moment[0] += timedelta(days=1)
    assert relay(grace=NO_WAIT).handed_on == 0  # a dead letter waits for «Повторить»


# --- periodic jobs -------------------------------------------------------------------------


@pytest.fixture
def only_test_periodic(monkeypatch):
    monkeypatch.setattr(periodic_module, "_periodic", {})
    periodic("tests.outbox.minute", every_minutes=1)
    periodic("jobs.purge", every_minutes=60, queue="low")


def test_the_scheduler_enqueues_each_due_minute_once(inline_app, moment, only_test_periodic):
    first = tick(NOW)
    assert [key for key in first.enqueued if "tests.outbox.minute" in key] == [
        f"periodic:tests.outbox.minute:2026-11-22T10:0{minute}:00Z" for minute in range(6)
    ]  # five minutes caught up, and the current one
    assert "periodic:jobs.purge:2026-11-22T10:00:00Z" in first.enqueued
    assert tick(NOW + timedelta(seconds=30)).enqueued == []  # a second scheduler, same minute
    assert tick(NOW + timedelta(seconds=39)).enqueued == []
    assert tick(NOW + timedelta(minutes=1)).enqueued == [
        "periodic:tests.outbox.minute:2026-11-22T10:06:00Z"
    ]

    rows = platform_rows("tests.outbox.minute")
    assert len(rows) == 7 and {row.status for row in rows} == {"done"}
    assert sorted(row.kwargs["now"] for row in rows)[-1] == "2026-11-22T10:06:00Z"


def test_every_n_minutes_means_minutes_divisible_by_n():
    entry = periodic_module.Periodic("x", 15, "default")
    minutes = periodic_module.due_minutes(entry, datetime(2026, 11, 22, 10, 47, tzinfo=UTC), 60)
    assert [m.strftime("%H:%M") for m in minutes] == ["10:00", "10:15", "10:30", "10:45"]
    with pytest.raises(ValueError, match="positive whole number"):
        periodic("jobs.purge", every_minutes=0)


# --- with Redis ----------------------------------------------------------------------------


@needs_redis
@pytest.mark.redis
def test_a_reset_asked_while_redis_is_down_is_mailed_once_when_it_is_back(
    app, client, outbox, monkeypatch, tenants
):
    make_novocheboksarsk_resident(tenants)
    closed_port = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    monkeypatch.setitem(app.extensions, "jobs_redis", closed_port)

    response = ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})

    assert response.status_code == 303  # the resident is answered as usual
    with tenant_scope(tenants["cheboksary"]):
        [row] = db.session.scalars(select(TenantJob).where(TenantJob.name == "mail.send")).all()
    assert row.status == "pending"  # waiting in the outbox
    with app.app_context():
        assert relay(grace=NO_WAIT).redis_down

    monkeypatch.undo()  # Redis is back
    [mail] = outbox()  # a relay pass, then the worker
    assert len(links_in(mail)) == 1
    deliver_queued_jobs(app)  # another pass and worker find nothing more to send
    assert len(outbox()) == 1
    assert tenant_row(tenants["cheboksary"], str(row.id)).status == "done"


@needs_redis
@pytest.mark.redis
def test_a_job_handed_to_rq_twice_runs_once(rq_app, tmp_path):
    log = tmp_path / "log.jsonl"
    queued = enqueue("tests.record_tenant", tenant_id=None, path=str(log), note="один раз")
    push([JobRef(queued.id, None, "tests.record_tenant", "default")])  # at-least-once delivery
    assert rq_queue("default").get_job_ids() == [queued.id, queued.id]

    run_worker(rq_app, "--no-fork")

    assert [entry["note"] for entry in recorded(log)] == ["один раз"]
    assert db.session.get(PlatformJob, uuid.UUID(queued.id)).status == "done"


@needs_redis
@pytest.mark.redis
def test_dead_letter_after_the_last_attempt_in_the_worker(rq_app):
    rq_app.config.update(JOBS_MAX_ATTEMPTS=3, JOBS_RETRY_SECONDS=0)
    queued = enqueue("tests.fail", reason="нет ответа от банка")
    row_id = uuid.UUID(queued.id)

    for attempt in (1, 2, 3):
        relay(grace=NO_WAIT)
        run_worker(rq_app, "--no-fork")
        row = db.session.scalar(
            select(PlatformJob)
            .where(PlatformJob.id == row_id)
            .execution_options(populate_existing=True)
        )
        assert row.attempts == attempt
    assert row.status == "dead"
    assert "RuntimeError: нет ответа от банка" in row.last_error
    assert queued.id in rq_queue("default").failed_job_registry.get_job_ids()
    assert relay(grace=NO_WAIT).handed_on == 0


@needs_redis
@pytest.mark.redis
def test_a_job_whose_worker_vanished_is_tried_again_after_its_lease(rq_app, tmp_path, moment):
    log = tmp_path / "log.jsonl"
    queued = enqueue("tests.record_tenant", tenant_id=None, path=str(log), note="снова")
    # A worker took it and died with its horse (machine gone): RQ never reports back.
    row = db.session.get(PlatformJob, uuid.UUID(queued.id))
    row.status, row.attempts, row.lease_until = "running", 1, NOW + timedelta(minutes=5)
    db.session.commit()
    rq_queue("default").empty()

    assert relay(grace=NO_WAIT).lost == 0  # the lease still runs
    moment[0] = NOW + timedelta(minutes=6)
    report = relay(grace=NO_WAIT)
    assert report.lost == 1
    moment[0] += timedelta(minutes=1)  # after the pause
    assert relay(grace=NO_WAIT).handed_on == 1
    run_worker(rq_app, "--no-fork")
    assert [entry["note"] for entry in recorded(log)] == ["снова"]
    db.session.refresh(row)
    assert (row.status, row.attempts) == ("done", 2)
    assert "worker running this job was stopped or lost" in row.last_error


@needs_redis
@pytest.mark.redis
@pytest.mark.no_transaction  # forked work horses read what the test committed
def test_a_worker_killed_mid_job_is_retried(rq_app, tmp_path):
    rq_app.config.update(JOBS_RETRY_SECONDS=0)
    angarsk = rq_app.extensions["tenant_cache"].directory().by_slug["angarsk"]
    marker = tmp_path / "marker.txt"
    queued = enqueue("tests.outbox.die_once", tenant_id=angarsk.id, path=str(marker))
    try:
        run_worker(rq_app, "--fork")  # the horse is killed; the worker records the failure
        row = tenant_row(angarsk, queued.id)
        assert (row.status, row.attempts) == ("pending", 1)
        assert "terminated unexpectedly (signal 9)" in row.last_error
        db.session.rollback()

        assert relay(grace=NO_WAIT).handed_on == 1
        run_worker(rq_app, "--fork")

        assert marker.read_text(encoding="utf-8") == "started\nran\n"
        row = tenant_row(angarsk, queued.id)
        assert (row.status, row.attempts) == ("done", 2)
    finally:
        db.session.rollback()
        with tenant_scope(angarsk):
            db.session.execute(delete(TenantJob).where(TenantJob.id == uuid.UUID(queued.id)))
            db.session.commit()


def test_the_scheduler_and_relay_commands(inline_app, moment, only_test_periodic, tmp_path):
    from app.jobs.cli import jobs_cli

    runner = inline_app.test_cli_runner()
    result = runner.invoke(jobs_cli, ["scheduler", "--ticks", "2", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert len(platform_rows("tests.outbox.minute")) == 6  # two ticks, one set of minutes

    moment[0] += timedelta(minutes=10)
    enqueue("tests.fail", reason="ещё раз")
    moment[0] += timedelta(minutes=1)
    result = runner.invoke(jobs_cli, ["relay"])
    assert result.exit_code == 0, result.output
    assert "handed on: 1" in result.output
