"""Prepared statements on PostgreSQL survive the rollback that ends every request committing
nothing, so the server plans a hot statement once per connection, not once per request."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db

pytestmark = [
    pytest.mark.no_transaction,
    pytest.mark.usefixtures("postgres_only", "one_pooled_connection"),
]

# What psycopg prepares after its fifth run on a connection (its default prepare_threshold).
HOT = text("SELECT count(*) FROM tenants WHERE id > :floor")
PREPARED = text("SELECT statement FROM pg_prepared_statements")


def request_reading(floor: int = 0) -> int:
    """What a read-only request does with the database: read, then close the session, which
    rolls the transaction back (Flask-SQLAlchemy's teardown)."""
    try:
        return db.session.execute(HOT, {"floor": floor}).scalar_one()
    finally:
        db.session.remove()


def prepared_on_the_connection() -> list[str]:
    try:
        return list(db.session.scalars(PREPARED))
    finally:
        db.session.remove()


def test_a_hot_statement_stays_prepared_across_requests_that_roll_back():
    answers = {request_reading() for _ in range(8)}

    assert len(answers) == 1
    assert any("FROM tenants WHERE id >" in sql for sql in prepared_on_the_connection())
    # Prepared inside a transaction that rolled back, it still answers: the server kept it.
    assert request_reading() == answers.pop()


def test_the_server_plans_it_again_only_as_often_as_postgresql_chooses():
    for _ in range(12):
        request_reading()

    plans = db.session.execute(
        text(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%FROM tenants WHERE id >%'"
        )
    ).scalar_one()
    db.session.remove()
    assert plans >= 7  # every run from the sixth on went through the one prepared statement


def test_a_statement_that_drops_the_servers_statements_still_clears_them():
    for _ in range(8):
        request_reading()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("DISCARD ALL")

    # psycopg knows they are gone and prepares anew: no «prepared statement does not exist».
    assert request_reading() == request_reading(floor=-1)
    assert not any("FROM tenants WHERE id >" in sql for sql in prepared_on_the_connection())


def test_a_rolled_back_write_is_still_undone():
    db.session.execute(text("CREATE TEMP TABLE scratch (n integer) ON COMMIT PRESERVE ROWS"))
    db.session.commit()
    for _ in range(8):
        db.session.execute(text("INSERT INTO scratch VALUES (1)"))
        db.session.remove()  # rolled back, like a request that failed halfway

    assert db.session.execute(text("SELECT count(*) FROM scratch")).scalar_one() == 0
    db.session.remove()
