"""Mail bodies from templates: `mail/<name>.txt` and `mail/<name>.html`, in the tenant's branding."""

from __future__ import annotations

from flask import render_template

from app.jobs import enqueue


def render_mail(name: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies of mail template `name`."""
    return (
        render_template(f"mail/{name}.txt", **context),
        render_template(f"mail/{name}.html", **context),
    )


def send_templated_mail(to: str | list[str], subject: str, name: str, **context) -> None:
    """Render mail `name` now (links need the request's host) and send it in the background."""
    text, html = render_mail(name, subject=subject, **context)
    enqueue("mail.send", queue="high", to=to, subject=subject, text=text, html=html)
