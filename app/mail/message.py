"""Composing a mail in the name of the tenant in scope and handing it to the configured backend."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app

from app.mail.backends import get_backend
from app.tenancy.context import get_current_tenant


def send_mail(
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    *,
    reply_to: str | None = None,
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
) -> str:
    """Send a mail now through MAIL_BACKEND; returns its Message-ID."""
    message = build_message(
        to, subject, text, html, reply_to=reply_to, headers=headers, message_id=message_id
    )
    get_backend(current_app.config["MAIL_BACKEND"])(message, current_app.config)
    return message["Message-ID"]


def build_message(
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    *,
    reply_to: str | None = None,
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """A UTF-8 message from the platform sender, signed with the current tenant's short name.

    A queued mail gets its `message_id` when it is queued, so a job delivered twice sends the
    same message twice, which receivers recognise, rather than two different ones."""
    sender = sender_address()
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id or make_msgid(domain=sender.domain or None)
    reply_to = reply_to or _tenant_contact_email()
    if reply_to:
        message["Reply-To"] = reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def new_message_id(key: str | None = None) -> str:
    """A Message-ID on the sender's domain: random, or derived from `key` (the same key, the same
    id, whenever and wherever it is computed)."""
    domain = sender_address().domain or None
    if key is None:
        return make_msgid(domain=domain)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain or 'vodokabinet.localhost'}>"


def unsubscribe_headers(url: str) -> dict[str, str]:
    """`List-Unsubscribe` with RFC 8058 one-click: mail programs POST to `url` without asking.

    Only for mail a resident may decline (reminders, notices, receipts); security mail
    (confirmation, reset, password change) never carries it."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def sender_address() -> Address:
    """MAIL_DEFAULT_SENDER, shown as the tenant's short name when a tenant is in scope."""
    display_name, addr_spec = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    tenant = get_current_tenant()
    if tenant is not None:
        display_name = tenant.config.short_name
    return Address(display_name=display_name, addr_spec=addr_spec)


def _tenant_contact_email() -> str | None:
    # Residents answering a notification should reach the utility, not the platform's noreply box.
    tenant = get_current_tenant()
    return tenant.config.contacts.email if tenant is not None else None
