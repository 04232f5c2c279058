"""Every setting the platform reads, with its default and how the environment overrides it.

The README's settings table is checked against SETTINGS by a test, so a key added here without a line
there fails the suite.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (1/0, true/false), got {raw!r}")


@dataclass(frozen=True)
class Setting:
    """One configuration key: its environment name, default, parser and what it is for."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "APP_ENV",
        "development",
        "`development`, `production` or `testing`; production refuses "
        "to start without `SECRET_KEY` and marks cookies Secure",
    ),
    Setting("SECRET_KEY", None, "signs sessions and links; required in production"),
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy URL of the app's database; default: SQLite file "
        "`instance/vodokabinet.sqlite3`. On PostgreSQL use a role that does not own the tables "
        "so row-level security applies",
    ),
    Setting(
        "MIGRATION_DATABASE_URL",
        None,
        "URL `flask db upgrade` connects with (the tables' owner); default: `DATABASE_URL`",
    ),
    Setting(
        "REDIS_URL",
        None,
        "Redis for jobs, rate limits and tenant-cache invalidation; unset: "
        "jobs run in-process and limits are kept in memory",
    ),
    Setting("REDIS_PREFIX", "vodokabinet", "prefix of every Redis key and RQ queue name"),
    Setting(
        "PLATFORM_DOMAIN",
        "localhost",
        "tenants live at `<slug>.<PLATFORM_DOMAIN>`; the bare domain shows the list of utilities",
    ),
    Setting("PREFERRED_URL_SCHEME", "http", "scheme of links the platform builds to itself"),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "number of reverse proxies (nginx) whose X-Forwarded-* headers are trusted",
        int,
    ),
    Setting(
        "TENANT_CACHE_TTL", 30, "seconds a resolved tenant is trusted without a change signal", int
    ),
    Setting("MAIL_BACKEND", "outbox", "`outbox` (each message an `.eml` file) or `smtp`"),
    Setting("MAIL_OUTBOX_DIR", None, "where the outbox writes; default `instance/outbox/`"),
    Setting("MAIL_SERVER", "localhost", "SMTP host"),
    Setting("MAIL_PORT", 25, "SMTP port", int),
    Setting("MAIL_USERNAME", None, "SMTP user (auth is skipped when unset)"),
    Setting("MAIL_PASSWORD", None, "SMTP password"),
    Setting("MAIL_USE_TLS", False, "STARTTLS after connecting", _bool),
    Setting("MAIL_USE_SSL", False, "connect with implicit TLS (port 465)", _bool),
    Setting("MAIL_TIMEOUT", 10, "SMTP timeout in seconds", int),
    Setting(
        "MAIL_DEFAULT_SENDER",
        "noreply@vodokabinet.localhost",
        "From address when the tenant sets none",
    ),
    Setting("SMS_BACKEND", "outbox", "`outbox` (each SMS a `.json` file) or `http` (the provider)"),
    Setting("SMS_OUTBOX_DIR", None, "where the SMS outbox writes; default `instance/sms-outbox/`"),
    Setting("SMS_URL", None, "the SMS provider's endpoint the `http` backend POSTs JSON to"),
    Setting("SMS_KEY", None, "the provider's API key, sent as `Authorization: Bearer`"),
    Setting("SMS_SENDER", None, "sender name registered with the provider (unset: its default)"),
    Setting("SMS_TIMEOUT", 10, "SMS provider timeout in seconds", int),
    Setting(
        "IMPORT_UPLOAD_DIR",
        None,
        "where billing files uploaded in /admin wait for the import job; must be shared by the "
        "web servers and the workers; default `instance/imports/`",
    ),
    Setting("MAX_UPLOAD_MB", 200, "largest request body accepted (billing file uploads), MB", int),
    Setting("LOG_LEVEL", "INFO", "root log level"),
)


def load_settings(
    environ: Mapping[str, str] | None = None,
    instance_path: Path | None = None,
) -> dict[str, Any]:
    """Read every declared setting from the environment, applying defaults and parsers."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.name)
        if raw is None or raw == "":
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ValueError(f"setting {setting.name}: {exc}") from exc
    if instance_path is not None:
        if not values["DATABASE_URL"]:
            values["DATABASE_URL"] = f"sqlite:///{instance_path / 'vodokabinet.sqlite3'}"
        if not values["MAIL_OUTBOX_DIR"]:
            values["MAIL_OUTBOX_DIR"] = str(instance_path / "outbox")
        if not values["SMS_OUTBOX_DIR"]:
            values["SMS_OUTBOX_DIR"] = str(instance_path / "sms-outbox")
        if not values["IMPORT_UPLOAD_DIR"]:
            values["IMPORT_UPLOAD_DIR"] = str(instance_path / "imports")
    values["MAX_CONTENT_LENGTH"] = values["MAX_UPLOAD_MB"] * 1024 * 1024
    return values
