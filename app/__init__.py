"""Vodokabinet: one Flask app serving every utility's resident portal."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.factory import (
    register_blueprints,
    register_cli,
    register_error_handlers,
    register_extensions,
    register_i18n,
    register_settings,
    register_templating,
)
from app.tenancy import init_tenancy


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app; `overrides` replace settings (tests). No side effects beyond the instance dir."""
    app = Flask(__name__)
    register_settings(app, overrides)
    register_extensions(app)
    register_i18n(app)
    init_tenancy(app)
    register_templating(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    return app
