"""The operators' view of the platform: every tenant with its hosts and figures."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.admin.overview import TenantCounts, tenant_counts
from app.tenancy.context import tenant_scope
from app.tenancy.snapshot import TenantSnapshot


@dataclass(frozen=True)
class TenantEntry:
    tenant: TenantSnapshot
    hosts: list[str]  # the platform subdomain first, then the custom domains
    counts: TenantCounts


def tenant_directory() -> list[TenantEntry]:
    """Every tenant, by city, with its hosts and figures.

    No query may span tenants (row-level security forbids it), so each tenant is counted in its
    own `tenant_scope`.
    """
    platform = current_app.config["PLATFORM_DOMAIN"]
    entries = []
    for tenant in current_app.extensions["tenant_cache"].directory().ordered():
        with tenant_scope(tenant):
            counts = tenant_counts()
        entries.append(TenantEntry(tenant, [f"{tenant.slug}.{platform}", *tenant.domains], counts))
    return entries
