"""The operators' view of the platform: every tenant with its hosts and health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.admin.overview import TenantCounts, tenant_counts
from app.billing.models import ImportRun
from app.extensions import db
from app.jobs.models import DEAD, TenantJob
from app.periods import add_months
from app.readings.models import Submission
from app.readings.windows import ReadingWindow, window_at, window_opening_in
from app.tenancy.context import tenant_scope
from app.tenancy.snapshot import TenantSnapshot


@dataclass(frozen=True)
class LastImport:
    kind: str
    status: str
    at: datetime


@dataclass(frozen=True)
class TenantHealth:
    window: ReadingWindow  # open now, or the last one that closed
    window_open: bool
    readings: int  # submissions for that window's period
    last_import: LastImport | None
    failed_jobs: int  # jobs that used up their attempts (dead letters)


@dataclass(frozen=True)
class TenantEntry:
    tenant: TenantSnapshot
    hosts: list[str]  # the platform subdomain first, then the custom domains
    counts: TenantCounts
    health: TenantHealth


def current_or_last_window(tenant: TenantSnapshot, moment: datetime) -> tuple[ReadingWindow, bool]:
    """The window open at `moment` (True), else the latest one that has closed (False)."""
    window, zone = tenant.config.readings.window, tenant.time_zone
    current = window_at(window, zone, moment)
    if current is not None:
        return current, True
    local = moment.astimezone(zone)
    for offset in (0, 1, 2):  # a window opens every month; the latest closed one is near
        month = add_months(local.date(), -offset)
        candidate = window_opening_in(window, zone, month.year, month.month)
        if candidate.closes_at <= local:
            return candidate, False
    raise AssertionError("a window closes every month")


def tenant_health(tenant: TenantSnapshot, moment: datetime) -> TenantHealth:
    """Figures of the tenant in scope that tell an operator whether it is working."""
    window, is_open = current_or_last_window(tenant, moment)
    readings = db.session.scalar(
        select(func.count()).select_from(Submission).where(Submission.period == window.period)
    )
    run = db.session.scalar(select(ImportRun).order_by(ImportRun.created_at.desc()).limit(1))
    failed = db.session.scalar(
        select(func.count()).select_from(TenantJob).where(TenantJob.status == DEAD)
    )
    last = LastImport(run.kind, run.status, run.finished_at or run.created_at) if run else None
    return TenantHealth(window, is_open, readings or 0, last, failed or 0)


def tenant_entry(tenant: TenantSnapshot, moment: datetime) -> TenantEntry:
    """One tenant with its hosts, counts and health (counted in its own scope)."""
    platform = current_app.config["PLATFORM_DOMAIN"]
    with tenant_scope(tenant):
        counts, health = tenant_counts(), tenant_health(tenant, moment)
    return TenantEntry(tenant, [f"{tenant.slug}.{platform}", *tenant.domains], counts, health)


def tenant_directory() -> list[TenantEntry]:
    """Every tenant, by city, with its hosts and figures.

    No query may span tenants (row-level security forbids it), so each tenant is counted in its
    own `tenant_scope`.
    """
    moment = clock.now()
    tenants = current_app.extensions["tenant_cache"].directory().ordered()
    return [tenant_entry(tenant, moment) for tenant in tenants]
