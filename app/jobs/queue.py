"""The RQ side of the outbox: queues under the app's Redis prefix, and handing jobs to them.

An RQ job carries only the outbox row's id and tenant (its id is the row's id); the worker reads
the job's name and arguments from the database (`runner.run_job`).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass

from flask import current_app
from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from app.jobs import policy
from app.jobs.policy import QUEUES

# JSON rather than RQ's default pickle: a job can only carry ids and strings (STYLE.md), and a
# payload stays readable in Redis.
SERIALIZER = JSONSerializer
# States in which RQ will still run a job by itself.
LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
FAILED_JOB_TTL = 7 * 24 * 3600  # the outbox keeps the history; RQ's copy is for debugging


@dataclass(frozen=True)
class JobRef:
    """What RQ needs to know about an outbox row."""

    id: str
    tenant_id: int | None
    name: str
    queue: str


def rq_queue(queue: str) -> Queue:
    """The RQ queue `queue` ("high", "default", "low") under this app's REDIS_PREFIX."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; expected one of {', '.join(QUEUES)}")
    return Queue(
        f"{current_app.config['REDIS_PREFIX']}:{queue}",
        connection=redis_connection(),
        serializer=SERIALIZER,
    )


def redis_connection() -> Redis:
    """This app's Redis client for jobs (created on first use; it connects lazily).

    Connecting gives up after two seconds, so a request that commits while Redis is down answers
    anyway (its jobs wait in the outbox). No read timeout: a worker blocks on its queues for longer.
    """
    connection = current_app.extensions.get("jobs_redis")
    if connection is None:
        connection = Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=2)
        current_app.extensions["jobs_redis"] = connection
    return connection


def push(refs: Iterable[JobRef]) -> None:
    """Put the jobs on their RQ queues in one Redis round trip (MULTI/EXEC: all of them or none);
    raises redis.RedisError when Redis cannot be reached."""
    from app.jobs.runner import run_job

    refs = list(refs)
    if not refs:
        return
    with redis_connection().pipeline() as pipeline:
        for ref in refs:
            rq_queue(ref.queue).enqueue(
                run_job,
                args=(ref.id, ref.tenant_id),
                job_id=ref.id,
                description=ref.name
                if ref.tenant_id is None
                else f"{ref.name} (tenant {ref.tenant_id})",
                job_timeout=policy.timeout(ref.queue),
                failure_ttl=FAILED_JOB_TTL,
                pipeline=pipeline,
            )
        pipeline.execute()


def in_flight(job_id: str) -> bool:
    """True when RQ still holds job `job_id` to run; an earlier, finished copy is removed, so the
    id can be queued again."""
    try:
        job = Job.fetch(job_id, connection=redis_connection(), serializer=SERIALIZER)
    except NoSuchJobError:
        return False
    if job.get_status(refresh=False) in LIVE:
        return True
    job.delete()
    return False


def discard(job_id: str) -> None:
    """Forget RQ's copy of job `job_id`, if any (the outbox row decides what runs)."""
    with suppress(NoSuchJobError):
        Job.fetch(job_id, connection=redis_connection(), serializer=SERIALIZER).delete()
