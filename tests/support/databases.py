"""One fresh database per test run: a new PostgreSQL database, or a SQLite file without services."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from app.db import normalise_database_url

APP_ROLE = "vodokabinet_app_test"


@dataclass(frozen=True)
class TestDatabase:
    app_url: str  # what the app connects with (not the owner: row-level security applies)
    owner_url: str  # what migrations connect with
    is_postgres: bool


def _admin_connection(server_url):
    import psycopg

    url = server_url.set(drivername="postgresql", database="postgres")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


@contextmanager
def postgres_database(server_url: str, name: str | None = None) -> Iterator[TestDatabase]:
    """Create a throwaway database (and the app role) on the server `server_url` points at."""
    server = make_url(normalise_database_url(server_url))
    name = name or f"vodokabinet_test_{uuid.uuid4().hex[:10]}"
    with _admin_connection(server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone()
        if not exists:
            admin.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
    owner = server.set(database=name)
    app = owner.set(username=APP_ROLE, password=None)
    try:
        yield TestDatabase(
            app.render_as_string(hide_password=False),
            owner.render_as_string(hide_password=False),
            True,
        )
    finally:
        with _admin_connection(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database(directory: Path) -> Iterator[TestDatabase]:
    url = f"sqlite:///{directory / 'test.sqlite3'}"
    yield TestDatabase(url, url, False)


def configured_server_url() -> str | None:
    """The PostgreSQL server named by DATABASE_URL, if any (CI); None means SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None
