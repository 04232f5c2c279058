"""What a resident receives and how: e-mail and/or SMS per kind of message, and the signed
one-click unsubscribe links that turn e-mail of one kind off without signing in.

Security mail (registration confirmation, password reset, password change) is not a kind here:
it always goes by e-mail.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.extensions import db
from app.notifications.models import NotificationPreference
from app.tenancy.context import current_tenant_id

CATEGORIES = ("reminders", "notices", "receipts")
SMS_CATEGORIES = ("reminders", "notices")  # a receipt is a long list of values: e-mail only
_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Channels:
    """Where one message of a kind goes for one resident."""

    email: bool
    sms: bool

    def __bool__(self) -> bool:
        return self.email or self.sms


def defaults() -> NotificationPreference:
    """The preferences of a resident who never changed them (e-mail yes, SMS no)."""
    return NotificationPreference(
        reminders_email=True,
        reminders_sms=False,
        notices_email=True,
        notices_sms=False,
        receipts_email=True,
    )


def preferences_of(resident_id: uuid.UUID) -> NotificationPreference:
    """The resident's stored preferences, or the defaults (not added to the session)."""
    stored = db.session.get(NotificationPreference, _key(resident_id))
    return stored or defaults()


def preferences_of_many(
    resident_ids: Iterable[uuid.UUID],
) -> dict[uuid.UUID, NotificationPreference]:
    """Stored preferences of these residents by id (absent ones use `defaults()`)."""
    ids = list(resident_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.resident_id.in_(ids))
    )
    return {row.resident_id: row for row in rows}


def channels(preference: NotificationPreference, resident, category: str) -> Channels:
    """Where a message of `category` goes for `resident`: only to contacts the resident has."""
    email = bool(resident.email) and getattr(preference, f"{category}_email")
    sms = (
        category in SMS_CATEGORIES
        and bool(resident.phone)
        and bool(getattr(preference, f"{category}_sms"))
    )
    return Channels(email=bool(email), sms=sms)


def wants_email(resident_id: uuid.UUID, category: str) -> bool:
    """Whether the resident still wants e-mail of `category` (receipts, say)."""
    return bool(getattr(preferences_of(resident_id), f"{category}_email"))


def save_preferences(resident_id: uuid.UUID, **flags: bool) -> NotificationPreference:
    """Store the given flags (`reminders_email=False`, …) for the resident; flushes."""
    preference = db.session.get(NotificationPreference, _key(resident_id))
    if preference is None:
        preference = defaults()
        preference.resident_id = resident_id
        db.session.add(preference)
    for name, value in flags.items():
        if not hasattr(NotificationPreference, name) or name.split("_")[0] not in CATEGORIES:
            raise ValueError(f"unknown preference {name!r}")
        setattr(preference, name, bool(value))
    db.session.flush()
    return preference


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(
    tenant_id: int, resident_id: uuid.UUID, category: str, serializer=None
) -> str:
    """A signed token naming the tenant, the resident and the kind of mail to stop."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    return (serializer or _serializer()).dumps([tenant_id, resident_id.hex, category])


def unsubscribe_url(tenant_id: int, resident_id: uuid.UUID, category: str) -> str:
    """The absolute one-click unsubscribe link (inside a request or a job's request context)."""
    return unsubscribe_links(tenant_id, category)(resident_id)


def unsubscribe_links(tenant_id: int, category: str) -> Callable[[uuid.UUID], str]:
    """Unsubscribe links for many residents of one tenant and kind (a mailing's batch): the
    signer and the link's route are prepared once."""
    serializer = _serializer()
    placeholder = "TOKEN"
    route = url_for("account.unsubscribe", token=placeholder, _external=True)
    head, _sep, tail = route.rpartition(placeholder)

    def link(resident_id: uuid.UUID) -> str:
        return f"{head}{unsubscribe_token(tenant_id, resident_id, category, serializer)}{tail}"

    return link


@dataclass(frozen=True)
class Unsubscribe:
    tenant_id: int
    resident_id: uuid.UUID
    category: str


def read_unsubscribe_token(raw: str) -> Unsubscribe | None:
    """What a token from an unsubscribe link asks for, or None when it is not ours."""
    try:
        tenant_id, resident_hex, category = _serializer().loads(raw)
        found = Unsubscribe(int(tenant_id), uuid.UUID(hex=resident_hex), category)
    except (BadSignature, ValueError, TypeError):
        return None
    return found if found.category in CATEGORIES else None


def _key(resident_id: uuid.UUID):
    return {"tenant_id": current_tenant_id(), "resident_id": resident_id}
