"""Outgoing mail: `send_mail()` now, or `enqueue("mail.send", queue="high", ...)` in the background.

MAIL_BACKEND picks the delivery: `outbox` writes `.eml` files under `instance/outbox/` (the
development default), `smtp` talks to MAIL_SERVER.
"""

from __future__ import annotations

from app.mail.message import build_message, send_mail

__all__ = ["build_message", "send_mail"]
