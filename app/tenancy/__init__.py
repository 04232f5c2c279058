"""Multi-tenancy: host → tenant resolution, tenant rules as data, tenant-scoped queries."""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.tenancy.cache import TenantCache
from app.tenancy.context import (
    current_tenant,
    get_current_tenant,
    tenant_scope,
)
from app.tenancy.resolver import register_tenant_resolution

__all__ = ["current_tenant", "get_current_tenant", "init_tenancy", "tenant_scope"]

_TENANT_TABLES = {"tenants", "tenant_domains", "settlements"}


def _redis_for_cache(app: Flask):
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def init_tenancy(app: Flask) -> None:
    """Set up the tenant cache and per-request resolution."""
    app.extensions["tenant_cache"] = TenantCache(
        app.config["TENANT_CACHE_TTL"],
        redis=_redis_for_cache(app),
        redis_key=f"{app.config['REDIS_PREFIX']}:tenants:generation",
    )
    register_tenant_resolution(app)


# Any transaction that wrote a tenant, a domain or a settlement drops the cached directory when it
# ends, whether it committed or rolled back.
@event.listens_for(Session, "after_flush")
def _note_tenant_change(session, _flush_context):
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if getattr(obj, "__tablename__", None) in _TENANT_TABLES:
            session.info["tenants_changed"] = True
            return


def _invalidate_if_changed(session) -> None:
    if session.info.pop("tenants_changed", False) and has_app_context():
        current_app.extensions["tenant_cache"].invalidate()


event.listen(Session, "after_commit", _invalidate_if_changed)
event.listen(
    Session, "after_soft_rollback", lambda session, _previous: _invalidate_if_changed(session)
)
