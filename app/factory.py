"""The steps of the app factory, each small enough to read at a glance."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.db import normalise_database_url, ping_when_idle
from app.extensions import babel, csrf, db, limiter, migrate
from app.prepared_statements import keep_prepared_statements
from config import load_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
DEVELOPMENT_SECRET = "development-only-secret-key-do-not-use-in-production"
# A Redis that does not answer is given up on quickly (the limiter then counts in memory);
# storage errors arrive as limits' StorageError, which app.auth.throttling catches.
LIMITER_REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2, "wrap_exceptions": True}


def register_settings(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Declared settings from the environment, then test overrides, then derived Flask keys."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_settings(os.environ, Path(app.instance_path)))
    app.config.from_mapping(overrides or {})
    production = app.config["APP_ENV"] == "production"
    if not app.config["SECRET_KEY"]:
        if production:
            raise RuntimeError("SECRET_KEY must be set when APP_ENV=production")
        app.config["SECRET_KEY"] = DEVELOPMENT_SECRET
    url = normalise_database_url(app.config["DATABASE_URL"])
    app.config.update(
        TESTING=app.config["APP_ENV"] == "testing",
        SQLALCHEMY_DATABASE_URI=url,
        # Host-only (no Domain attribute): a Moscow session is never sent to Angarsk.
        SESSION_COOKIE_DOMAIN=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        BABEL_DEFAULT_LOCALE="ru",
        # Redis when configured, so limits hold across app servers; memory for the embedded default.
        RATELIMIT_STORAGE_URI=app.config["REDIS_URL"] or "memory://",
        RATELIMIT_STORAGE_OPTIONS=LIMITER_REDIS_OPTIONS if app.config["REDIS_URL"] else {},
        # Redis down: each process counts in memory until Redis answers again, and a limiter
        # failure never fails the request (issue 7: sign-in and registration are still served).
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_KEY_PREFIX=f"{app.config['REDIS_PREFIX']}:limits",
        RATELIMIT_HEADERS_ENABLED=True,
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
    )
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "postgresql":
                ping_when_idle(engine)
                keep_prepared_statements(engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    limiter.init_app(app)
    from app.auth.identity import init_identity

    init_identity(app)
    # Import every model module so the metadata (and Alembic) sees all tables.
    from app import models  # noqa: F401
    from app.jobs import register_jobs

    register_jobs(app)


def register_i18n(app: Flask) -> None:
    from app.i18n import install_template_gettext, select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)


def register_templating(app: Flask) -> None:
    from app.templating import register_template_helpers

    register_template_helpers(app)


def register_blueprints(app: Flask) -> None:
    from app.account.blueprint import bp as account_bp
    from app.admin.blueprint import bp as admin_bp
    from app.auth.blueprint import bp as auth_bp
    from app.billing.web.blueprint import bp as billing_bp
    from app.cabinet.blueprint import bp as cabinet_bp
    from app.health.blueprint import bp as health_bp
    from app.home.blueprint import bp as home_bp
    from app.platform.blueprint import bp as platform_bp
    from app.readings.archive.blueprint import bp as readings_archive_bp
    from app.readings.web.blueprint import bp as readings_bp
    from app.recovery.blueprint import bp as recovery_bp
    from app.registration.blueprint import bp as registration_bp

    blueprints = (
        health_bp,
        home_bp,
        auth_bp,
        cabinet_bp,
        account_bp,
        registration_bp,
        recovery_bp,
        readings_bp,
        readings_archive_bp,
        billing_bp,
        admin_bp,
        platform_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from app.captcha import register_captcha

    register_captcha(app)


def register_error_handlers(app: Flask) -> None:
    from app.errors import register as register_errors

    register_errors(app)


def register_cli(app: Flask) -> None:
    from app.admin.cli import staff_cli
    from app.billing.exchange.cli import billing_cli
    from app.demo.cli import demo_cli
    from app.jobs.cli import jobs_cli
    from app.platform.cli import operators_cli
    from app.readings.cli import readings_cli
    from app.registration.cli import registration_cli
    from app.tenancy.cli import tenants_cli

    groups = (
        tenants_cli,
        demo_cli,
        jobs_cli,
        staff_cli,
        operators_cli,
        registration_cli,
        readings_cli,
        billing_cli,
    )
    for group in groups:
        app.cli.add_command(group)
