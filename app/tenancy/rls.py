"""PostgreSQL row-level security for tenant tables, used by migrations (SPEC §6).

The policy reads `app.tenant_id`, which tenancy.scoping sets in every transaction. The bare
`tenant_id = <setting>` form keeps the primary-key index usable; with no tenant set, nothing matches.
FORCE applies it to the tables' owner as well; only superusers bypass it, so the app must connect as
an ordinary role (the migrations grant it DML, see migrations/env.py).
"""

from __future__ import annotations

POLICY = "tenant_isolation"
_PREDICATE = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer"


def enable_row_level_security(op, table: str) -> None:
    """Turn on and force the tenant policy on `table` (no-op outside PostgreSQL)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({_PREDICATE}) WITH CHECK ({_PREDICATE})")


def disable_row_level_security(op, table: str) -> None:
    """Undo `enable_row_level_security` (downgrades)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
