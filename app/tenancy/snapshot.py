"""An immutable picture of one tenant, safe to cache and share between requests and threads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from app.tenancy.account_numbers import AccountNumberFormat
from app.tenancy.config import Section, load_tenant_config


@dataclass(frozen=True)
class TenantSnapshot:
    id: int
    slug: str
    name: str
    status: str
    config: Section
    domains: tuple[str, ...]

    @classmethod
    def from_row(cls, tenant) -> TenantSnapshot:
        """Build from a `Tenant` row; the stored config is validated again on the way in."""
        return cls(
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            status=tenant.status,
            config=load_tenant_config(
                tenant.config, f"tenant {tenant.slug!r} in the database", strict=False
            ),
            domains=tuple(domain.host for domain in tenant.domains),
        )

    @property
    def is_suspended(self) -> bool:
        return self.status == "suspended"

    @cached_property
    def time_zone(self) -> ZoneInfo:
        return ZoneInfo(self.config.time_zone)

    @cached_property
    def account_numbers(self) -> AccountNumberFormat:
        return AccountNumberFormat.from_config(self.config.account_number)

    @property
    def has_several_settlements(self) -> bool:
        return len(self.config.settlements) > 1

    def feature(self, name: str):
        """The settings of an enabled feature, or None when it is off."""
        return self.config.features.get(name)
