"""Host → tenant lookups served from memory; no database round trip per request once warm.

The whole directory (every tenant with its domains) is loaded in one query, which stays cheap for
thousands of utilities. It is reloaded when a tenant changes: a commit that touched a tenant bumps
a generation counter — in Redis when `REDIS_URL` is set, so every app process sees it on its next
request — and, as a safety net for processes that cannot reach Redis, after `TENANT_CACHE_TTL`
seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.tenancy.snapshot import TenantSnapshot

log = logging.getLogger(__name__)


@dataclass
class TenantDirectory:
    """Every tenant, by id, by slug and by custom domain."""

    by_id: dict[int, TenantSnapshot] = field(default_factory=dict)
    by_slug: dict[str, TenantSnapshot] = field(default_factory=dict)
    by_host: dict[str, TenantSnapshot] = field(default_factory=dict)

    def ordered(self) -> list[TenantSnapshot]:
        return sorted(self.by_slug.values(), key=lambda tenant: tenant.config.city)


class TenantCache:
    def __init__(self, ttl_seconds: int, redis=None, redis_key: str = "tenants:generation"):
        self._ttl = ttl_seconds
        self._redis = redis
        self._redis_key = redis_key
        self._lock = threading.Lock()
        self._directory: TenantDirectory | None = None
        self._loaded_at = 0.0
        self._generation: int | None = None

    def directory(self) -> TenantDirectory:
        """The current directory, reloaded from the database only when stale."""
        generation = self._shared_generation()
        directory = self._directory
        if (
            directory is None
            or generation != self._generation
            or time.monotonic() - self._loaded_at > self._ttl
        ):
            with self._lock:
                directory = self._load()
                self._directory, self._generation = directory, generation
                self._loaded_at = time.monotonic()
        return directory

    def invalidate(self) -> None:
        """Forget everything here and tell the other processes (through Redis) to do the same."""
        with self._lock:
            self._directory = None
        if self._redis is not None:
            try:
                self._redis.incr(self._redis_key)
            except Exception:  # Redis down: the TTL still bounds staleness elsewhere
                log.warning("could not publish tenant cache invalidation", exc_info=True)

    def _shared_generation(self) -> int | None:
        if self._redis is None:
            return None
        try:
            return int(self._redis.get(self._redis_key) or 0)
        except Exception:
            log.warning("tenant cache: Redis unreachable, relying on the TTL", exc_info=True)
            return self._generation

    @staticmethod
    def _load() -> TenantDirectory:
        from app.extensions import db
        from app.tenancy.models import Tenant

        rows = db.session.scalars(select(Tenant).options(selectinload(Tenant.domains))).all()
        directory = TenantDirectory()
        for row in rows:
            snapshot = TenantSnapshot.from_row(row)
            directory.by_id[snapshot.id] = snapshot
            directory.by_slug[snapshot.slug] = snapshot
            for host in snapshot.domains:
                directory.by_host[host] = snapshot
        return directory
