"""The relay: hands waiting outbox rows on, and notices jobs whose worker was lost.

Run by the scheduler process every few seconds (`flask --app wsgi jobs scheduler`), or once with
`flask --app wsgi jobs relay`. Tenant tables are read one tenant at a time, as everywhere else
(row-level security), then the platform's own jobs.

- pending rows that are due go to RQ (or, without Redis, run here);
- running rows whose lease ran out lost their worker (killed, machine gone): a failed attempt,
  and RQ's copy of the job, which still says «started», is dropped so the job can go out again;
- queued rows whose RQ job vanished (Redis lost its data) wait again and go out with the rest.
If Redis is down the pass stops and the rows stay as they are, to be handed on by a later pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.jobs import policy
from app.jobs.models import PENDING, QUEUED, RUNNING, job_model
from app.jobs.queue import JobRef, discard, in_flight, push
from app.jobs.runner import job_tenant_scope, record_failure, run_now

logger = logging.getLogger(__name__)

LOST = "Lease expired: the worker running this job was stopped or lost."


@dataclass
class RelayReport:
    handed_on: int = 0  # rows sent to RQ or run here
    lost: int = 0  # running rows whose worker was lost
    requeued: int = 0  # queued rows whose RQ job had vanished
    redis_down: bool = False


def job_scopes() -> list[int | None]:
    """Where jobs live: the platform (None), then every tenant."""
    tenants = current_app.extensions["tenant_cache"].directory().ordered()
    return [None, *(tenant.id for tenant in tenants)]


def relay(
    now: datetime | None = None, *, grace: timedelta | None = None, limit: int = 500
) -> RelayReport:
    """One pass over every tenant's outbox (see the module docstring)."""
    now = now or clock.now()
    grace = policy.relay_grace() if grace is None else grace
    report = RelayReport()
    for tenant_id in job_scopes():
        try:
            with job_tenant_scope(tenant_id):
                _relay_scope(tenant_id, now, grace, limit, report)
        except RedisError as error:
            db.session.rollback()
            report.redis_down = True
            logger.warning("Redis unavailable (%s): the outbox keeps its jobs for now", error)
            break
    return report


def _relay_scope(tenant_id, now, grace, limit, report: RelayReport) -> None:
    model = job_model(tenant_id)
    lost = db.session.scalars(
        select(model.id).where(model.status == RUNNING, model.lease_until < now)
    ).all()
    db.session.rollback()
    redis = bool(current_app.config["REDIS_URL"])
    for job_id in lost:
        record_failure(str(job_id), LOST)
        if redis:
            # The lease outlasts RQ's time limit and kill grace: whatever RQ still records as
            # started there died with its worker (whose heartbeat RQ would only miss later).
            discard(str(job_id))
        report.lost += 1
    if redis:
        report.requeued += _requeue_vanished(model, now)
    due = db.session.scalars(
        select(model)
        .where(model.status == PENDING, model.run_after <= now - grace)
        .order_by(model.run_after)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    refs = [JobRef(str(row.id), tenant_id, row.name, row.queue) for row in due]
    if not refs:
        db.session.rollback()
        return
    if redis:
        # Marked first, pushed second, committed last: a worker that takes the job at once finds
        # it queued (it waits for this transaction), and a failed push leaves it pending.
        db.session.execute(
            update(model)
            .where(model.id.in_([row.id for row in due]), model.status == PENDING)
            .values(status=QUEUED, queued_at=now)
            .execution_options(synchronize_session=False)
        )
        push(ref for ref in refs if not in_flight(ref.id))
        db.session.commit()
    else:
        db.session.commit()
        for ref in refs:
            run_now(ref)
    report.handed_on += len(refs)


def _requeue_vanished(model, now: datetime) -> int:
    stale = db.session.scalars(
        select(model).where(model.status == QUEUED, model.queued_at < now - policy.queued_check())
    ).all()
    vanished = [row for row in stale if not in_flight(str(row.id))]
    for row in vanished:
        row.status = PENDING
    db.session.commit()
    return len(vanished)
