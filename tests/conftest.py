"""Test set-up: one database per run, one rolled-back transaction per test, the five tenants."""

from __future__ import annotations

import contextvars
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.globals import app_ctx
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.extensions import db, limiter
from app.tenancy.loader import read_tenant_files, upsert_tenants
from tests.support.databases import configured_server_url, postgres_database, sqlite_database

ROOT = Path(__file__).resolve().parent.parent
TENANTS_DIR = ROOT / "tenants"
SLUGS = ("cheboksary", "sevastopol", "angarsk", "moscow", "novosibirsk")


def pytest_sessionstart(session):
    if os.environ.get("CI_STRICT") and not (
        configured_server_url() and os.environ.get("REDIS_URL")
    ):
        raise pytest.UsageError(
            "CI_STRICT: DATABASE_URL must point at PostgreSQL and REDIS_URL at Redis"
        )
    # The .mo catalogues are build output (make compiles them); compile here too so a bare
    # `pytest` after editing a .po file tests the current translations.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "app" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source, locale=po.parent.parent.name))


def pytest_report_header(config):
    backend = "PostgreSQL" if configured_server_url() else "SQLite"
    redis = os.environ.get("REDIS_URL") or "none (in-process jobs)"
    return [f"database: {backend}; redis: {redis}"]


@pytest.fixture(scope="session")
def test_database(tmp_path_factory) -> Iterator:
    server = configured_server_url()
    if server:
        with postgres_database(server) as database:
            yield database
    else:
        with sqlite_database(tmp_path_factory.mktemp("db")) as database:
            yield database


def make_test_app(database, tmp_path: Path, **overrides):
    """An app configured for tests against `database`."""
    settings = {
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database.app_url,
        "MIGRATION_DATABASE_URL": database.owner_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "REDIS_PREFIX": f"vktest-{uuid.uuid4().hex[:8]}",
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "SMS_OUTBOX_DIR": str(tmp_path / "sms-outbox"),
        "PLATFORM_DOMAIN": "localhost",
        "SERVER_NAME": None,
    }
    settings.update(overrides)
    return create_app(settings)


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, as production does: nothing leaks in from the test's
    own app context (`g`, Babel's cached locale, the tenant in scope, the database session)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(self._open_and_read, *args, **kwargs)

    def _open_and_read(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.is_streamed:  # read a streamed body in the context that made it
            response.make_sequence()
        return response


@pytest.fixture(scope="session")
def app(test_database, tmp_path_factory):
    app = make_test_app(test_database, tmp_path_factory.mktemp("instance"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        upsert_tenants(read_tenant_files([TENANTS_DIR]))
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    if app.config["REDIS_URL"]:  # leave the shared Redis as we found it
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        for key in client.scan_iter(f"*{app.config['REDIS_PREFIX']}:*"):
            client.delete(key)
        client.close()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """argon2 with minimal cost: the suite hashes hundreds of passwords (production keeps the
    library's defaults)."""
    from argon2 import PasswordHasher

    from app.auth import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True)
def _transaction(request, app) -> Iterator[None]:
    """Each test runs inside a transaction that is rolled back; the app's commits are savepoints."""
    if "no_transaction" in request.keywords:
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=lambda: id(app_ctx._get_current_object()),
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
            app.extensions["tenant_cache"].invalidate()
            _reset_limits(app)  # rate-limit counters of one test never lock out the next


@pytest.fixture
def postgres_only(test_database):
    """Skips a test of something PostgreSQL alone does (on the embedded SQLite default)."""
    if not test_database.is_postgres:
        pytest.skip("PostgreSQL only (DATABASE_URL)")


@pytest.fixture
def one_pooled_connection(app):
    """The app's engine with its pool emptied before and after: one pooled connection from here
    on, the one the test looks at (tests marked no_transaction)."""
    with app.app_context():
        db.engine.dispose()
        yield db.engine
        db.session.remove()
        db.engine.dispose()


def _reset_limits(app) -> None:
    # Back from the in-memory fallback (Flask-Limiter switches to it on any error in a check).
    limiter._storage_dead = False
    if limiter._fallback_limiter is not None:
        limiter._fallback_limiter.storage.reset()
    # Only this run's keys: other runs may share the Redis (limiter.reset() would wipe theirs).
    if not app.config["REDIS_URL"]:
        limiter.reset()
        return
    import redis

    client = redis.Redis.from_url(app.config["REDIS_URL"])
    for key in client.scan_iter(f"*{app.config['REDIS_PREFIX']}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def outbox(app):
    """The mail outbox, emptied before the test: call `outbox()` for the messages sent so far."""
    from tests.support.outbox import clear_outbox, read_outbox

    clear_outbox(app)
    return lambda: read_outbox(app)


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def tenants(app_context):
    """The five launch tenants by slug, as the app sees them."""
    return app_context.extensions["tenant_cache"].directory().by_slug


@pytest.fixture
def cheboksary_resident(app_context, tenants):
    """A Cheboksary account in Novocheboksarsk (number 104512367) with a resident and a password."""
    from tests.support.factories import make_account, make_resident

    tenant = tenants["cheboksary"]
    account = make_account(tenant, settlement_code="novocheboksarsk", number="104512367")
    make_resident(tenant, account)
    return account


def host(slug: str) -> str:
    """The Host header of a tenant on the test platform domain."""
    return f"{slug}.localhost"


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (for N+1 and cache checks)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(sa.engine.Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(sa.engine.Engine, "before_cursor_execute", record)
