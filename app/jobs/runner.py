"""Running a job: in the RQ worker (`run_job`) or right away in the calling process (`run_inline`).

Nothing here touches the app at import time: the worker imports this module inside the app context
that `flask jobs worker` already holds (STYLE.md, "Avoid").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app

from app.extensions import db
from app.jobs.registry import get_handler
from app.tenancy.context import enter_tenant, leave_tenant


class UnknownTenant(LookupError):
    """A job names a tenant id the platform does not know (deleted since it was queued?)."""


def run_job(name: str, tenant_id: int | None, kwargs: dict[str, Any]) -> Any:
    """Run a queued job in the worker as its tenant; commit once at the end, roll back on error."""
    handler = get_handler(name)
    try:
        with job_tenant_scope(tenant_id):
            result = handler(**kwargs)
            # Inside the scope: flushing at commit checks rows against the tenant in scope.
            db.session.commit()
        return result
    except BaseException:
        db.session.rollback()
        raise  # RQ records the failure (failed job registry) from the exception
    finally:
        # The worker keeps one app context for many jobs; each job starts with an empty session.
        db.session.remove()


def run_inline(name: str, tenant_id: int | None, kwargs: dict[str, Any]) -> Any:
    """Run a job now, in the caller's transaction, which its request or command commits."""
    handler = get_handler(name)
    with job_tenant_scope(tenant_id):
        return handler(**kwargs)


@contextmanager
def job_tenant_scope(tenant_id: int | None) -> Iterator[None]:
    """Run the block as the tenant with `tenant_id`, or as no tenant (platform work) for None."""
    # Entering None too, so a job never inherits the scope of whoever runs it inline.
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
