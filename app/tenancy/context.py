"""The tenant a piece of work runs for: set once per request, job or CLI step, read everywhere.

A context variable rather than `g`, so requests, RQ jobs and CLI loops share one mechanism and the
database layer (tenancy.scoping) can read it without an app context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from werkzeug.local import LocalProxy

if TYPE_CHECKING:
    from app.tenancy.snapshot import TenantSnapshot

_tenant: ContextVar[TenantSnapshot | None] = ContextVar("tenant", default=None)

#: The tenant of the current request or job (None on the platform host).
current_tenant: TenantSnapshot | None = LocalProxy(_tenant)  # type: ignore[assignment]


def get_current_tenant() -> TenantSnapshot | None:
    """The tenant in scope, or None."""
    return _tenant.get()


def current_tenant_id() -> int | None:
    """Id of the tenant in scope, or None."""
    tenant = _tenant.get()
    return tenant.id if tenant is not None else None


def enter_tenant(tenant: TenantSnapshot | None):
    """Make `tenant` current until `leave_tenant(token)`; for request hooks that cannot use `with`."""
    token = _tenant.set(tenant)
    _apply_to_open_transaction()
    return token


def leave_tenant(token, *, sync_database: bool = True) -> None:
    """Undo `enter_tenant`; at request teardown the transaction is ending, so it is not told."""
    _tenant.reset(token)
    if sync_database:
        _apply_to_open_transaction()


@contextmanager
def tenant_scope(tenant: TenantSnapshot) -> Iterator[TenantSnapshot]:
    """Run the block as `tenant` (jobs, CLI loops, tests)."""
    token = enter_tenant(tenant)
    try:
        yield tenant
    finally:
        leave_tenant(token)


def _apply_to_open_transaction() -> None:
    # A scope change inside an open transaction must reach PostgreSQL's row-level security too.
    from app.tenancy.scoping import apply_scope_to_session

    apply_scope_to_session()
