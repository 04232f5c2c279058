"""The connection pool on PostgreSQL: a connection is pinged only after sitting idle, and one the
server dropped meanwhile (a restart, an idle timeout) is replaced before a request can use it."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import exc, text

from app import db as database
from app.extensions import db

pytestmark = [pytest.mark.no_transaction, pytest.mark.usefixtures("postgres_only")]


@pytest.fixture
def engine(one_pooled_connection):
    return one_pooled_connection


def backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def terminate(test_database, pid: int) -> None:
    owner = test_database.owner_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(owner, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_connection_dropped_while_idle_is_replaced_before_use(engine, test_database, monkeypatch):
    monkeypatch.setattr(database, "IDLE_BEFORE_PING_SECONDS", 0.0)
    dropped = backend_pid(engine)
    terminate(test_database, dropped)

    assert backend_pid(engine) != dropped  # answered, on a fresh connection


def test_a_connection_in_steady_use_is_handed_out_without_a_ping(engine, monkeypatch):
    pings = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(
        engine.dialect, "do_ping", lambda connection: pings.append(1) or ping(connection)
    )

    first = backend_pid(engine)
    assert backend_pid(engine) == first
    assert pings == []

    monkeypatch.setattr(database, "IDLE_BEFORE_PING_SECONDS", 0.0)
    assert backend_pid(engine) == first
    assert pings == [1]


def test_a_connection_dropped_in_steady_use_fails_one_request_and_the_pool_recovers(
    app, engine, test_database
):
    # Inside the idle window there is no ping: the request's first statement (the tenant scope)
    # meets the dead connection, as SQLAlchemy's error, which invalidates the pool.
    dropped = backend_pid(engine)
    terminate(test_database, dropped)

    with app.app_context():
        with pytest.raises(exc.OperationalError) as failed:
            db.session.execute(text("SELECT 1"))
        db.session.remove()
    assert failed.value.connection_invalidated

    assert backend_pid(engine) != dropped
