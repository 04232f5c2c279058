"""`enqueue()`: the one way to start background work (SPEC §6), through a transactional outbox.

The job becomes a row in the caller's database transaction: it exists exactly when the change that
caused it is committed. Once the transaction commits, the job is handed on at once — to RQ when
REDIS_URL is set (if Redis is down the row waits and the relay hands it on later), else run right
here in the process. Delivery is at least once; a worker claims a row before running it, so a job
handed on twice runs once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event, insert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app import clock
from app.db import new_id
from app.extensions import db
from app.jobs import policy
from app.jobs.models import PENDING, job_model
from app.jobs.policy import QUEUES
from app.jobs.queue import JobRef, push
from app.jobs.registry import get_handler
from app.tenancy.context import current_tenant_id, tenant_scope

logger = logging.getLogger(__name__)

_TO_DELIVER = "jobs.to_deliver"  # session.info key: rows written in the open transaction
_WROTE = "jobs.wrote"  # session.info key: the open transaction has written something


@dataclass
class QueuedJob:
    """What `enqueue` did: the job's id (outbox row and RQ job), whether it runs in-process, and
    the handler's result once it has run in-process. `created` is False when a job with the same
    `unique_key` already existed."""

    id: str
    inline: bool
    result: Any = None
    created: bool = True


class _CurrentTenant:
    def __repr__(self) -> str:
        return "CURRENT_TENANT"


#: Default of `enqueue(tenant_id=...)`: the tenant of the request or job that enqueues.
CURRENT_TENANT: Any = _CurrentTenant()


def enqueue(
    name: str,
    *,
    tenant_id: int | None = CURRENT_TENANT,
    queue: str = "default",
    unique_key: str | None = None,
    **kwargs: Any,
) -> QueuedJob:
    """Run job `name` with `kwargs` as a tenant (default: the caller's; None: platform work) once
    the caller's transaction commits.

    When the caller's transaction has written nothing yet (or none is open: the caller has just
    committed), there is no change to wait for: the job's row is committed at once, on its own.
    With `unique_key`, a second job with the same key is not created.
    """
    from app.jobs.runner import tenant_by_id

    get_handler(name)  # a typo fails in the caller, not later in a worker
    if tenant_id is CURRENT_TENANT:
        tenant_id = current_tenant_id()
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; expected one of {', '.join(QUEUES)}")
    # The JSON round trip refuses ORM objects and gives the handler exactly what it gets from the
    # database later (tuples become lists), so development behaves like production.
    kwargs = json.loads(json.dumps(kwargs))
    standalone = not wrote_in_transaction(db.session())
    job_id = new_id()
    handle = QueuedJob(id=str(job_id), inline=not current_app.config["REDIS_URL"])
    if tenant_id is not None and tenant_id != current_tenant_id():
        with tenant_scope(tenant_by_id(tenant_id)):
            handle.created = _insert(job_id, tenant_id, name, queue, unique_key, kwargs)
    else:
        handle.created = _insert(job_id, tenant_id, name, queue, unique_key, kwargs)
    if handle.created:
        remember(JobRef(str(job_id), tenant_id, name, queue), handle)
    if standalone:
        db.session.commit()
    return handle


def enqueue_unique(name: str, key: str, *, queue: str = "default", **kwargs: Any) -> bool:
    """Enqueue platform job `name` unless a job with `key` exists; commits. True when created."""
    created = enqueue(name, tenant_id=None, queue=queue, unique_key=key, **kwargs).created
    db.session.commit()
    return created


def _insert(job_id, tenant_id, name, queue, unique_key, kwargs) -> bool:
    table = job_model(tenant_id).__table__
    now = clock.now()
    values = {
        "id": job_id,
        "name": name,
        "queue": queue,
        "kwargs": kwargs,
        "unique_key": unique_key,
        "status": PENDING,
        "attempts": 0,
        "max_attempts": policy.max_attempts(),
        "run_after": now,
        "created_at": now,
    }
    if tenant_id is not None:
        values["tenant_id"] = tenant_id
    if unique_key is None:
        db.session.execute(insert(table).values(**values))
        return True
    dialect = db.session.get_bind().dialect.name
    insert_into = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert_into(table).values(**values).on_conflict_do_nothing()
    # RETURNING rather than rowcount, which some drivers do not report for this statement.
    return db.session.execute(statement.returning(table.c.id)).first() is not None


def remember(ref: JobRef, handle: QueuedJob | None = None) -> None:
    """Hand `ref` on when the session's transaction commits (jobs written or reset in it)."""
    db.session.info.setdefault(_TO_DELIVER, []).append((ref, handle))


def wrote_in_transaction(session: Session) -> bool:
    """True when `session` has an open transaction that has written, or is about to write."""
    if not session.in_transaction():
        return False
    return session.info.get(_WROTE, False) or bool(session.new or session.deleted or session.dirty)


@event.listens_for(Session, "after_begin")
def _track_writes_from_begin(session: Session, transaction, _connection) -> None:
    if not transaction.nested:
        session.info[_WROTE] = False


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if not state.is_select:  # INSERT, UPDATE, DELETE, and any textual SQL
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    entries = session.info.pop(_TO_DELIVER, None)
    if entries and has_app_context():
        deliver(entries)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    # Rows of a rolled-back transaction are gone. A rolled-back SAVEPOINT keeps the list: the rows
    # written before it are still to be sent, and a worker skips the ones that no longer exist.
    if previous_transaction.parent is None:
        session.info.pop(_TO_DELIVER, None)


def deliver(entries: list[tuple[JobRef, QueuedJob | None]]) -> None:
    """Hand committed jobs on: to RQ, or (without Redis) run them now, each in a fresh context."""
    if current_app.config["REDIS_URL"]:
        try:
            push(ref for ref, _handle in entries)
        except RedisError as error:
            logger.warning(
                "Redis unavailable (%s): %d job(s) wait in the outbox", error, len(entries)
            )
        return
    from app.jobs.runner import run_now

    for ref, handle in entries:
        result = run_now(ref)
        if handle is not None:
            handle.result = result
