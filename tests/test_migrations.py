"""`flask db upgrade` builds the schema from nothing; downgrade undoes it; models match migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from app.extensions import db
from tests.conftest import make_test_app
from tests.support.databases import (
    configured_server_url,
    postgres_database,
    sqlite_database,
)


def _fresh_database(tmp_path):
    server = configured_server_url()
    return postgres_database(server) if server else sqlite_database(tmp_path)


def _tables(url: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_on_a_fresh_database(tmp_path):
    with _fresh_database(tmp_path) as database:
        app = make_test_app(database, tmp_path)
        with app.app_context():
            upgrade()
            every_table = set(db.metadata.tables)
            assert _tables(database.owner_url) == every_table
            downgrade(revision="base")
            assert _tables(database.owner_url) == set()
            upgrade()
            assert _tables(database.owner_url) == every_table
            db.engine.dispose()


def test_models_and_migrations_agree(app_context):
    # A model change without its migration fails here rather than in production.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
