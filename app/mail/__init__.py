"""Outgoing mail: `send_mail()` now, or `enqueue("mail.send", queue="high", ...)` in the background.

MAIL_BACKEND picks the delivery: `outbox` writes `.eml` files under `instance/outbox/` (the
development default), `smtp` talks to MAIL_SERVER (STARTTLS or implicit TLS, AUTH when a user is
set). Every templated mail has a plain-text and an HTML part in the tenant's branding with its
contacts; mail a resident may decline carries `List-Unsubscribe` (one click, RFC 8058).
"""

from __future__ import annotations

from app.mail.message import build_message, new_message_id, send_mail, unsubscribe_headers

__all__ = ["build_message", "new_message_id", "send_mail", "unsubscribe_headers"]
