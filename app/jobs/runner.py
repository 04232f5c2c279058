"""Running an outbox job: claim its row, run the handler as the job's tenant, record the outcome.

The same `run_job` runs in an RQ worker and in-process (no Redis). Nothing here touches the app at
import time: the worker imports this module inside the app context that `flask jobs worker` already
holds (STYLE.md, "Avoid").
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.jobs import policy
from app.jobs.models import CLAIMABLE, DEAD, DONE, PENDING, QUEUED, RUNNING, job_model
from app.jobs.registry import get_handler
from app.tenancy.context import current_tenant_id, enter_tenant, leave_tenant

logger = logging.getLogger(__name__)

# A worker whose clock runs a little behind the relay's still takes a job the relay found due.
CLOCK_SKEW = timedelta(seconds=60)


class UnknownTenant(LookupError):
    """A job names a tenant id the platform does not know (deleted since it was queued?)."""


@dataclass(frozen=True)
class Claimed:
    name: str
    kwargs: dict[str, Any]


def run_job(job_id: str, tenant_id: int | None) -> Any:
    """Run outbox job `job_id` as its tenant; None without running it when the job is not
    waiting to run (done, dead, or another worker has it: a duplicate delivery).

    The handler's work and the row's «done» commit together; on an error both roll back, the
    failure is recorded (retry later, or dead after the last attempt) and the error re-raised.
    """
    try:
        with job_tenant_scope(tenant_id):
            claimed = claim(job_id)
            if claimed is None:
                return None
            try:
                result = get_handler(claimed.name)(**claimed.kwargs)
                finish(job_id)
                db.session.commit()
                return result
            except BaseException as error:
                db.session.rollback()
                record_failure(job_id, describe(error))
                raise
    finally:
        # A worker keeps one app context for many jobs; each job starts with an empty session.
        db.session.remove()


def run_now(ref) -> Any:
    """Run a committed job in this process (no Redis), in a context of its own so that it never
    shares the caller's session; errors are logged (the row keeps them), not raised."""
    app = current_app._get_current_object()
    with app.app_context():
        try:
            return run_job(ref.id, ref.tenant_id)
        except Exception:
            logger.exception("job %s (%s) failed", ref.name, ref.id)
            return None


def run_inline(name: str, tenant_id: int | None, kwargs: dict[str, Any]) -> Any:
    """Call a job's handler now, in the caller's transaction, bypassing the outbox (tests, CLI)."""
    handler = get_handler(name)
    with job_tenant_scope(tenant_id):
        return handler(**kwargs)


def claim(job_id: str) -> Claimed | None:
    """Mark the job running (one more attempt, a lease) and commit, if it is waiting to run."""
    model = job_model(current_tenant_id())
    key = uuid.UUID(job_id)
    now = clock.now()
    row = db.session.scalar(select(model).where(model.id == key))
    if row is None or row.status not in CLAIMABLE or row.run_after > now + CLOCK_SKEW:
        db.session.rollback()
        return None
    claimed = Claimed(row.name, row.kwargs)
    taken = db.session.execute(
        update(model)
        .where(model.id == key, model.status.in_(CLAIMABLE))
        .values(
            status=RUNNING,
            attempts=model.attempts + 1,
            started_at=now,
            lease_until=now + policy.lease(row.queue),
            finished_at=None,
        )
        .returning(model.id)
        .execution_options(synchronize_session=False)
    ).first()
    if taken is None:  # another worker was faster
        db.session.rollback()
        return None
    db.session.commit()
    return claimed


def finish(job_id: str) -> None:
    model = job_model(current_tenant_id())
    db.session.execute(
        update(model)
        .where(model.id == uuid.UUID(job_id))
        .values(status=DONE, finished_at=clock.now(), lease_until=None)
        .execution_options(synchronize_session=False)
    )


def record_failure(job_id: str, error: str) -> None:
    """A try of the job failed: wait and retry, or dead after its last attempt (commits).

    A job that never started (its worker died first) goes back to waiting without using up an
    attempt. Never raises: the original error matters more than a failure to record it.
    """
    model = job_model(current_tenant_id())
    try:
        row = db.session.scalar(
            select(model)
            .where(model.id == uuid.UUID(job_id))
            .execution_options(populate_existing=True)
        )
        if row is None or row.status not in (RUNNING, QUEUED):
            db.session.rollback()
            return
        now = clock.now()
        row.last_error = error[-4000:]
        row.lease_until = None
        if row.status == QUEUED:
            row.status = PENDING
        elif row.attempts >= row.max_attempts:
            row.status, row.finished_at = DEAD, now
            logger.error("job %s (%s) is dead after %d attempts", row.name, job_id, row.attempts)
        else:
            row.status, row.run_after = PENDING, now + policy.backoff(row.attempts)
        db.session.commit()
    except Exception:
        db.session.rollback()
        logger.exception("could not record the failure of job %s", job_id)


def describe(error: BaseException) -> str:
    """The traceback of `error` as the job's last error."""
    return "".join(traceback.format_exception(error)).strip()


@contextmanager
def job_tenant_scope(tenant_id: int | None) -> Iterator[None]:
    """Run the block as the tenant with `tenant_id`, or as no tenant (platform work) for None."""
    # Entering None too, so a job never inherits the scope of whoever runs it.
    token = enter_tenant(None if tenant_id is None else tenant_by_id(tenant_id))
    try:
        yield
    finally:
        leave_tenant(token)


def tenant_by_id(tenant_id: int):
    """The cached snapshot of the tenant with `tenant_id`."""
    tenant = current_app.extensions["tenant_cache"].directory().by_id.get(tenant_id)
    if tenant is None:
        raise UnknownTenant(f"no tenant with id {tenant_id}")
    return tenant
