"""Composing a mail in the name of the tenant in scope and handing it to the configured backend."""

from __future__ import annotations

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
) -> str:
    """Send a mail now through MAIL_BACKEND; returns its Message-ID."""
    message = build_message(to, subject, text, html, reply_to=reply_to, headers=headers)
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
) -> EmailMessage:
    """A UTF-8 message from the platform sender, signed with the current tenant's short name."""
    sender = sender_address()
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.domain or None)
    reply_to = reply_to or _tenant_contact_email()
    if reply_to:
        message["Reply-To"] = reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


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
