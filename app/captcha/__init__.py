"""A self-hosted captcha ("контрольный код"): an image of digits, or a question in words."""

from __future__ import annotations

from flask import Flask


def register_captcha(app: Flask) -> None:
    """Serve the captcha images on every host."""
    from app.captcha.blueprint import bp

    app.register_blueprint(bp)
