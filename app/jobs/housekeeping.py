"""The outbox's own periodic job: finished jobs are deleted after a while (dead ones stay)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from app.extensions import db
from app.jobs import policy
from app.jobs.models import DONE, job_model
from app.jobs.periodic import periodic
from app.jobs.registry import job
from app.jobs.runner import job_tenant_scope


@job("jobs.purge")
def purge_finished_jobs(now: str) -> int:
    """Delete jobs finished more than JOBS_KEEP_DAYS before `now`, in every tenant; how many."""
    from app.jobs.relay import job_scopes

    cutoff = datetime.fromisoformat(now.replace("Z", "+00:00")) - policy.keep()
    deleted = 0
    for tenant_id in job_scopes():
        with job_tenant_scope(tenant_id):
            model = job_model(tenant_id)
            result = db.session.execute(
                delete(model)
                .where(model.status == DONE, model.finished_at < cutoff)
                .execution_options(synchronize_session=False)
            )
            deleted += result.rowcount
            db.session.commit()
    return deleted


periodic("jobs.purge", every_minutes=60, queue="low")
