"""Prepared statements that outlive a rolled-back transaction (PostgreSQL).

psycopg prepares a statement on a connection once it has run it five times; from then on
PostgreSQL parses and plans it once, not on every request. Planning is not cheap here: the
signed-in resident is loaded with a four-table join under row-level security, about a millisecond
of server CPU to plan. But psycopg forgets every prepared statement (and deallocates them on the
server) whenever a transaction rolls back, in case that transaction changed the schema the
statements were planned against. Every request that commits nothing ends with a rollback, which
is how SQLAlchemy closes a session. So on the portal's pooled connections nothing ever stayed
prepared: the reading form's GET undid what its POST had started, and the server planned every
statement of the submit flow anew (issue 4: ~45 % of PostgreSQL's CPU per submission).

Requests never change the schema (migrations run as their own command), so here a rollback keeps
the statements. A statement run through a cursor that changes the schema or drops the server's
statements (DROP, ALTER, DISCARD ALL, DEALLOCATE ALL; also ROLLBACK TO SAVEPOINT) still clears
them, exactly as psycopg decides.

This reaches into psycopg's `PrepareManager`, which is not public API: the version is pinned in
requirements.lock, and tests/test_prepared_statements.py fails if its behaviour changes.
"""

from __future__ import annotations

from psycopg._preparing import PrepareManager
from sqlalchemy import event
from sqlalchemy.engine import Engine


class KeptAcrossRollbacks(PrepareManager):
    """psycopg's cache of prepared statements, minus the clearing on `Connection.rollback()`."""

    _by_statement = False  # True while psycopg judges a statement's result (DDL, DISCARD, …)

    def _should_discard(self, prep, results) -> bool:
        self._by_statement = True
        try:
            return super()._should_discard(prep, results)
        finally:
            self._by_statement = False

    def clear(self) -> bool:
        if self._by_statement:
            return super().clear()
        return False  # Connection.rollback(): the statements stay prepared (see the module)


def keep_prepared_statements(engine: Engine) -> None:
    """Give each new psycopg connection of `engine` a cache that survives rollbacks."""

    @event.listens_for(engine, "connect")
    def _install(dbapi_connection, _record):
        fresh, kept = dbapi_connection._prepared, KeptAcrossRollbacks()
        kept.prepare_threshold, kept.prepared_max = fresh.prepare_threshold, fresh.prepared_max
        dbapi_connection._prepared = kept
