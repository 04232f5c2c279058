"""Resolve every request to a tenant from its Host before any view runs (SPEC §5).

`<slug>.<PLATFORM_DOMAIN>` and the tenant's custom domains resolve to the tenant; the bare platform
domain is the platform itself; anything else is an unknown host (404 page linking to the platform).
A suspended tenant answers 503 with its phone. Blueprints declare a `realm` — "tenant",
"platform" or "any" — and a view is only reachable on hosts of its realm.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g, request

from app.tenancy.config import normalise_host
from app.tenancy.context import enter_tenant, leave_tenant
from app.tenancy.snapshot import TenantSnapshot

# Endpoints served on every host, even unknown ones: health checks and the stylesheet of error pages.
HOST_INDEPENDENT_ENDPOINTS = {"static", "health.healthz"}


class UnknownHost(Exception):
    """No utility lives at this host."""


class TenantSuspended(Exception):
    """The utility is suspended by the platform operator."""

    def __init__(self, tenant: TenantSnapshot):
        super().__init__(tenant.slug)
        self.tenant = tenant


def resolve_host(host: str) -> TenantSnapshot | None:
    """The tenant at `host`; None for the platform host; UnknownHost otherwise."""
    host = normalise_host(host)
    platform = current_app.config["PLATFORM_DOMAIN"]
    directory = current_app.extensions["tenant_cache"].directory()
    if host == platform:
        return None
    if host.endswith("." + platform):
        label = host[: -len(platform) - 1]
        if label in directory.by_slug:
            return directory.by_slug[label]
    if host in directory.by_host:
        return directory.by_host[host]
    raise UnknownHost(host)


def _realm_of_request() -> str:
    blueprint = current_app.blueprints.get(request.blueprint or "")
    return getattr(blueprint, "realm", "any")


def _resolve_tenant_for_request():
    if request.endpoint in HOST_INDEPENDENT_ENDPOINTS:
        return
    tenant = resolve_host(request.host)
    if tenant is not None and tenant.is_suspended:
        raise TenantSuspended(tenant)
    g.tenant_token = enter_tenant(tenant)
    realm = _realm_of_request()
    if (realm == "tenant" and tenant is None) or (realm == "platform" and tenant is not None):
        abort(404)


def _leave_tenant(_exc=None):
    token = g.pop("tenant_token", None)
    if token is not None:
        leave_tenant(token, sync_database=False)


def register_tenant_resolution(app: Flask) -> None:
    """Install the resolver as the first before-request hook of the app."""
    app.before_request_funcs.setdefault(None, []).insert(0, _resolve_tenant_for_request)
    app.teardown_request(_leave_tenant)
