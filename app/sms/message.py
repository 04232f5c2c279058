"""Sending an SMS now, or queueing it with its id fixed so a redelivered job resends the same one."""

from __future__ import annotations

import uuid

from flask import current_app

from app.jobs import enqueue
from app.sms.backends import Sms, get_backend
from app.sms.numbers import sms_number
from app.sms.segments import fit_segments

MAX_SEGMENTS = 2  # the issue: one or two segments a message, never a chain of five


def new_sms_id() -> str:
    """A fresh message id (hex), fixed when the message is queued."""
    return uuid.uuid4().hex


def send_sms(to: str, text: str, *, sms_id: str | None = None) -> str:
    """Send `text` (shortened to two segments) to the Russian mobile `to` now; returns its id."""
    sms = Sms(
        id=sms_id or new_sms_id(),
        to=sms_number(to),
        text=fit_segments(text, MAX_SEGMENTS),
        sender=current_app.config["SMS_SENDER"],
    )
    get_backend(current_app.config["SMS_BACKEND"])(sms, current_app.config)
    return sms.id


def queue_sms(to: str, text: str, *, queue: str = "default") -> str:
    """Send an SMS in the background; returns the id the message will carry."""
    sms_id = new_sms_id()
    enqueue("sms.send", queue=queue, to=to, text=text, sms_id=sms_id)
    return sms_id
