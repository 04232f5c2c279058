"""Tenants (utilities), their custom domains and their settlements."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import JSONDocument, UTCDateTime, new_id, utcnow
from app.extensions import db
from app.tenancy.scoping import TenantScoped

TENANT_STATUSES = ("active", "suspended")


class Tenant(db.Model):
    """A utility on the platform. Its rules live in `config` (validated TenantConfigSchema)."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="active")
    config: Mapped[dict] = mapped_column(JSONDocument)
    # sha256 of the canonical config: `tenants load` compares it to skip unchanged files.
    config_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    domains: Mapped[list[TenantDomain]] = relationship(
        back_populates="tenant", cascade="all, delete-orphan", order_by="TenantDomain.host"
    )

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class TenantDomain(db.Model):
    """A custom domain of a tenant. Hosts are unique platform-wide: one host, one utility.

    A routing table read before any tenant is known, so it is keyed by host (a Citus reference
    table), not by tenant.
    """

    __tablename__ = "tenant_domains"

    host: Mapped[str] = mapped_column(String(253), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)

    tenant: Mapped[Tenant] = relationship(back_populates="domains")


class Settlement(TenantScoped, db.Model):
    """A населённый пункт the tenant serves; account numbers are unique per settlement."""

    __tablename__ = "settlements"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
