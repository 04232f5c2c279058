"""What the /admin and /platform job pages show, and their «Повторить» button.

Tenant rows are only ever read in their tenant's scope (row-level security): /admin sees its own
tenant, /platform walks the platform's jobs and then each tenant in turn.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, true

from app import clock
from app.audit import record_audit
from app.extensions import db
from app.jobs import policy
from app.jobs.models import DEAD, DONE, PENDING, QUEUED, RUNNING, PlatformJob, TenantJob, job_model
from app.jobs.outbox import remember
from app.jobs.queue import JobRef
from app.jobs.runner import job_tenant_scope
from app.tenancy.context import current_tenant_id
from app.tenancy.snapshot import TenantSnapshot

logger = logging.getLogger(__name__)

STATUS_LABELS = {
    PENDING: _l("ожидает"),
    QUEUED: _l("в очереди"),
    RUNNING: _l("выполняется"),
    DONE: _l("выполнено"),
    DEAD: _l("не выполнено"),
}
FILTERS = ("failed", "waiting", "done", "all")
FILTER_LABELS = {
    "failed": _l("Сбои"),
    "waiting": _l("Ждут и идут"),
    "done": _l("Выполненные"),
    "all": _l("Все"),
}
PER_PAGE = 50


def chosen_filter(value: str | None) -> str:
    """The list filter a `?status=` asks for; failed jobs when it names none."""
    return value if value in FILTERS else "failed"


Job = TenantJob | PlatformJob


def status_label(job: Job) -> str:
    """`не выполнено`, or `ожидает повтора` for a job that failed and will be tried again."""
    if job.status == PENDING and job.attempts:
        return str(_l("ожидает повтора"))
    return str(STATUS_LABELS[job.status])


def arguments(job: Job) -> str:
    """The job's arguments as readable JSON (Cyrillic as it is)."""
    return json.dumps(job.kwargs, ensure_ascii=False, indent=2, sort_keys=True)


def matching(model, name: str):
    """The condition of filter `name` ("failed": dead, or failed and waiting to be retried)."""
    if name == "failed":
        return or_(model.status == DEAD, and_(model.status == PENDING, model.attempts > 0))
    if name == "waiting":
        return model.status.in_((PENDING, QUEUED, RUNNING))
    if name == "done":
        return model.status == DONE
    return true()


def jobs_page(filter_name: str, page: int):
    """The jobs of the tenant in scope, newest first, one page of them."""
    model = job_model(current_tenant_id())
    query = select(model).where(matching(model, filter_name)).order_by(model.created_at.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def counts() -> dict[str, int]:
    """How many jobs of the tenant in scope each filter shows."""
    model = job_model(current_tenant_id())
    return {
        name: db.session.scalar(
            select(func.count()).select_from(model).where(matching(model, name))
        )
        for name in FILTERS
    }


def find_job(job_id: uuid.UUID) -> Job | None:
    """Job `job_id` of the tenant in scope (None: none such here)."""
    model = job_model(current_tenant_id())
    return db.session.scalar(select(model).where(model.id == job_id))


def can_retry(job: Job) -> bool:
    """Dead jobs, and failed ones waiting for their next attempt (to run them now)."""
    return job.status == DEAD or (job.status == PENDING and job.attempts > 0)


def retry(job: Job) -> None:
    """Give `job` a fresh set of attempts, starting now; it goes out when the caller commits.

    Who pressed «Повторить» goes into the tenant's audit log (a platform job, which belongs to no
    tenant's log, into the application log)."""
    before = {"job": str(job.id), "status": job.status, "attempts": job.attempts}
    if job.tenant is not None:
        record_audit("job.retry", target=job.name, details=before)
    else:
        logger.info("platform job %s (%s) retried by %s", job.name, job.id, current_user_label())
    job.status, job.attempts, job.max_attempts = PENDING, 0, policy.max_attempts()
    job.run_after, job.finished_at, job.lease_until = clock.now(), None, None
    remember(JobRef(str(job.id), job.tenant, job.name, job.queue))


def current_user_label() -> str:
    from flask_login import current_user

    return getattr(current_user, "login", None) or "?"


@dataclass(frozen=True)
class ScopeJobs:
    tenant: TenantSnapshot | None  # None: platform jobs
    jobs: list[Job]
    counts: dict[str, int]


def every_scope() -> list[TenantSnapshot | None]:
    return [None, *current_app.extensions["tenant_cache"].directory().ordered()]


def platform_overview(filter_name: str, limit: int = PER_PAGE) -> list[ScopeJobs]:
    """For /platform: the platform's jobs, then each tenant's (newest `limit` of each)."""
    result = []
    for tenant in every_scope():
        with job_tenant_scope(tenant.id if tenant else None):
            model = job_model(tenant.id if tenant else None)
            rows = db.session.scalars(
                select(model)
                .where(matching(model, filter_name))
                .order_by(model.created_at.desc())
                .limit(limit)
            ).all()
            result.append(ScopeJobs(tenant, list(rows), counts()))
    return result


def locate_job(job_id: uuid.UUID) -> tuple[TenantSnapshot | None, Job] | None:
    """Job `job_id` wherever it lives (for /platform), with its tenant."""
    for tenant in every_scope():
        with job_tenant_scope(tenant.id if tenant else None):
            job = find_job(job_id)
        if job is not None:
            return tenant, job
    return None
