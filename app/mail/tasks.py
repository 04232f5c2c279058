"""Mail as a background job, so a request never waits on the SMTP server."""

from __future__ import annotations

from app.jobs import job
from app.mail.message import send_mail


@job("mail.send")
def send_mail_job(
    to: str | list[str],
    subject: str,
    text: str,
    html: str | None = None,
    reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> str:
    """Send one mail as the job's tenant; returns its Message-ID (the one fixed at enqueue time
    when given, so a redelivered job resends the same message)."""
    return send_mail(
        to, subject, text, html, reply_to=reply_to, headers=headers, message_id=message_id
    )
