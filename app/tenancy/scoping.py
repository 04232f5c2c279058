"""Tenant isolation in the database layer, twice over (SPEC §6, §7).

No code path sees two tenants at once: platform work (loading tenant files, operator dashboards)
walks the tenants one `tenant_scope()` at a time.

1. ORM: every SELECT/UPDATE/DELETE that touches a `TenantScoped` model gets
   `tenant_id = <current tenant>` added; with no tenant in scope it matches nothing (fail closed).
   New rows are stamped with the current tenant, and writing a row of another tenant is refused.
2. PostgreSQL: row-level security policies (see the migrations) read `app.tenant_id`, which every
   transaction sets with `set_config(..., true)` — the `SET LOCAL` form, since a session-level SET
   would leak across pooled connections.
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from sqlalchemy import Connection, ForeignKey, Integer, event, text
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria

from app.tenancy.context import current_tenant_id

NO_TENANT = -1  # matches no row: what a query sees when no tenant is in scope


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was about to be written while another tenant is in scope."""


class TenantScoped:
    """Mixin for tables holding one tenant's data; `tenant_id` leads the primary key."""

    #: False on a bulk table whose composite foreign key to a tenant-scoped parent, e.g.
    #: (tenant_id, account_id) → accounts, already pins the tenant: the extra key to `tenants`
    #: would only add a check per inserted row.
    __tenant_foreign_key__: ClassVar[bool] = True

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        keys = [ForeignKey("tenants.id", ondelete="RESTRICT")] if cls.__tenant_foreign_key__ else []
        return mapped_column(Integer, *keys, primary_key=True, sort_order=-100)


@event.listens_for(Session, "do_orm_execute")
def _add_tenant_criteria(state):
    if state.is_column_load or state.is_relationship_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    tenant_id = current_tenant_id()
    state.statement = state.statement.options(
        _tenant_criteria(NO_TENANT if tenant_id is None else tenant_id)
    )


@lru_cache(maxsize=4096)
def _tenant_criteria(tenant_id: int):
    """The loader option that holds queries to `tenant_id`, built once per tenant (building it
    costs more than most of the queries it is added to)."""
    return with_loader_criteria(
        TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
    )


@event.listens_for(Session, "before_flush")
def _stamp_and_guard_tenant(session, _flush_context, _instances):
    tenant_id = current_tenant_id()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None and obj in session.new and tenant_id is not None:
            obj.tenant_id = tenant_id
        if tenant_id is None or obj.tenant_id != tenant_id:
            raise CrossTenantWrite(
                f"{type(obj).__name__} of tenant {obj.tenant_id} written in scope of {tenant_id}"
            )


_SET_SCOPE = text("SELECT set_config('app.tenant_id', :tenant_id, true)")


def send_scope(connection: Connection, tenant_id: int | None) -> None:
    """Tell PostgreSQL which tenant the transaction on `connection` may see (the row-level
    security policies read it; None: no tenant, no rows).

    Through SQLAlchemy, not the driver: it is the first statement of every transaction, and a
    connection the server dropped must fail here as SQLAlchemy's error, which invalidates the
    pool (app.db.ping_when_idle counts on that).
    """
    connection.execute(_SET_SCOPE, {"tenant_id": "" if tenant_id is None else str(tenant_id)})


@event.listens_for(Session, "after_begin")
def _set_rls_scope(_session, transaction, connection):
    # A SAVEPOINT lives inside a transaction that already carries the setting.
    if connection.dialect.name == "postgresql" and not transaction.nested:
        send_scope(connection, current_tenant_id())


def apply_scope_to_session() -> None:
    """Re-send the scope to PostgreSQL when it changes inside an open transaction."""
    from flask import has_app_context

    if not has_app_context():
        return
    from app.extensions import db

    session = db.session()
    if not session.in_transaction():
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        send_scope(connection, current_tenant_id())
