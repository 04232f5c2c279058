"""Alembic environment: the app's metadata, the owner's connection, grants for the app role."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import create_engine, make_url, text

from sqlalchemy import types as sa_types

from app.db import UTCDateTime, normalise_database_url

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)  # keep the app's loggers
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def _engine():
    # Migrations run as the tables' owner; the app itself connects as a role without ownership so
    # that row-level security applies to it (SPEC §6).
    owner_url = current_app.config.get("MIGRATION_DATABASE_URL")
    if owner_url:
        return create_engine(normalise_database_url(owner_url))
    return target_db.engine


def _grant_app_role(connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    app_user = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).username
    owner = connection.execute(text("SELECT current_user")).scalar()
    if not app_user or app_user == owner:
        return
    logger.info("granting DML on all tables to the app role %s", app_user)
    role = connection.dialect.identifier_preparer.quote(app_user)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
    connection.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))


def _render_item(type_, obj, autogen_context):
    # Our column types are TypeDecorators around standard types: migrations spell the standard type
    # so that they never import app code that may change later.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, sa_types.JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


def run_migrations_offline():
    context.configure(url=str(_engine().url), target_metadata=target_db.metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args["compare_type"] = True
    conf_args["render_item"] = _render_item

    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_db.metadata,
            **{**conf_args, "render_as_batch": connection.dialect.name == "sqlite"},
        )
        with context.begin_transaction():
            context.run_migrations()
            _grant_app_role(connection)
    if engine is not target_db.engine:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
