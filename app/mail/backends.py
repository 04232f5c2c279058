"""Where composed mail goes: `.eml` files in the outbox (development) or an SMTP server."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

Backend = Callable[[Message, Mapping[str, Any]], None]


def deliver_to_outbox(message: Message, config: Mapping[str, Any]) -> None:
    """Write the message as `<UTC time>-<uuid>.eml` into MAIL_OUTBOX_DIR."""
    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    # Sortable by time, unique across processes sending in the same microsecond.
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = outbox / f"{stamp}-{uuid.uuid4().hex}.eml"
    # Written under a temporary name and renamed, so a reader never sees half a message.
    partial = path.with_suffix(".eml.part")
    partial.write_bytes(message.as_bytes())
    partial.replace(path)


def deliver_by_smtp(message: Message, config: Mapping[str, Any]) -> None:
    """Send the message through MAIL_SERVER (SMTP_SSL, or STARTTLS when MAIL_USE_TLS)."""
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


BACKENDS: dict[str, Backend] = {"outbox": deliver_to_outbox, "smtp": deliver_by_smtp}


def get_backend(name: str) -> Backend:
    """The delivery function for MAIL_BACKEND `name`."""
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(
            f"MAIL_BACKEND={name!r} is not a mail backend; expected one of {', '.join(BACKENDS)}"
        ) from None
