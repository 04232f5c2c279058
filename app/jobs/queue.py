"""`enqueue()`: the one way to start background work (SPEC §6: RQ on Redis, or in-process)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask import current_app
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from app.jobs.registry import get_handler
from app.jobs.runner import run_inline, run_job
from app.tenancy.context import current_tenant_id

QUEUES = ("high", "default", "low")  # a worker drains them in this order
# JSON rather than RQ's default pickle: a job can only carry ids and strings (STYLE.md), and a
# payload stays readable in Redis.
SERIALIZER = JSONSerializer


@dataclass(frozen=True)
class QueuedJob:
    """What `enqueue` did: the RQ job id, or the handler's result when it ran in-process."""

    id: str
    inline: bool
    result: Any = None


class _CurrentTenant:
    def __repr__(self) -> str:
        return "CURRENT_TENANT"


#: Default of `enqueue(tenant_id=...)`: the tenant of the request or job that enqueues.
CURRENT_TENANT: Any = _CurrentTenant()


def enqueue(
    name: str, *, tenant_id: int | None = CURRENT_TENANT, queue: str = "default", **kwargs: Any
) -> QueuedJob:
    """Run job `name` with `kwargs` as a tenant (default: the caller's; None: platform work), on
    RQ when REDIS_URL is set, else now."""
    get_handler(name)  # a typo fails in the caller, not later in a worker
    if tenant_id is CURRENT_TENANT:
        tenant_id = current_tenant_id()
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; expected one of {', '.join(QUEUES)}")
    # The JSON round trip refuses ORM objects and gives the inline handler exactly what a worker
    # would get (tuples become lists), so development behaves like production.
    kwargs = json.loads(json.dumps(kwargs))
    if not current_app.config["REDIS_URL"]:
        return QueuedJob(
            id=f"inline-{uuid.uuid4().hex}", inline=True, result=run_inline(name, tenant_id, kwargs)
        )
    rq_job = rq_queue(queue).enqueue(
        run_job,
        args=(name, tenant_id, kwargs),
        description=name if tenant_id is None else f"{name} (tenant {tenant_id})",
    )
    return QueuedJob(id=rq_job.id, inline=False)


def rq_queue(queue: str) -> Queue:
    """The RQ queue `queue` ("high", "default", "low") under this app's REDIS_PREFIX."""
    return Queue(
        f"{current_app.config['REDIS_PREFIX']}:{queue}",
        connection=redis_connection(),
        serializer=SERIALIZER,
    )


def redis_connection() -> Redis:
    """This app's Redis client for jobs (created on first use; it connects lazily)."""
    connection = current_app.extensions.get("jobs_redis")
    if connection is None:
        connection = Redis.from_url(current_app.config["REDIS_URL"])
        current_app.extensions["jobs_redis"] = connection
    return connection
