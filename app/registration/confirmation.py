"""What the e-mailed link does: confirm a registration or set the first password; and the purge of
registrations nobody confirmed in time (seed 000: «введенные данные аннулируются»)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.auth.models import AuthToken, Resident
from app.auth.passwords import hash_password
from app.auth.tokens import ExpiredToken, InvalidToken, peek_token, redeem_token, revoke_tokens
from app.db import utcnow
from app.extensions import db
from app.registration.services import discard_residents

LINK_PURPOSES = ("confirm_email", "set_password")


class LinkExpired(LookupError):
    """The link's time ran out; `discarded` says whether the registration was deleted with it."""

    def __init__(self, discarded: bool):
        super().__init__("expired")
        self.discarded = discarded


def _has_live_link(resident: Resident, now: datetime) -> bool:
    newest = db.session.scalar(
        select(func.max(AuthToken.expires_at)).where(
            AuthToken.resident_id == resident.id, AuthToken.purpose.in_(LINK_PURPOSES)
        )
    )
    return newest is not None and newest > now


def discard_if_unconfirmed(tenant, resident: Resident) -> bool:
    """Delete a pending registration whose links all expired, when the tenant discards them."""
    if (
        resident.status != "pending"
        or not tenant.config.registration.discard_unconfirmed
        or _has_live_link(resident, utcnow())
    ):
        return False
    discard_residents([resident])
    return True


def _activate(resident: Resident) -> None:
    resident.status = "active"
    resident.email_confirmed_at = utcnow()
    revoke_tokens(resident, *LINK_PURPOSES)


def confirm_registration(tenant, raw_token: str) -> Resident:
    """Activate the pending resident the confirmation link names; InvalidToken or LinkExpired."""
    try:
        resident = redeem_token(raw_token, "confirm_email")
    except ExpiredToken as expired:
        raise LinkExpired(discard_if_unconfirmed(tenant, expired.resident)) from None
    if resident.status != "pending":  # confirmed by another link, or blocked since
        raise InvalidToken("confirm_email")
    _activate(resident)
    return resident


def open_set_password_link(tenant, raw_token: str) -> Resident:
    """Whose set-password link this is, without using it up; InvalidToken or LinkExpired."""
    try:
        resident = peek_token(raw_token, "set_password")
    except ExpiredToken as expired:
        raise LinkExpired(discard_if_unconfirmed(tenant, expired.resident)) from None
    if resident.status == "blocked":
        raise InvalidToken("set_password")
    return resident


def set_first_password(tenant, raw_token: str, password: str) -> Resident:
    """Use the set-password link: store the password, confirm the e-mail, activate."""
    resident = open_set_password_link(tenant, raw_token)
    redeem_token(raw_token, "set_password")
    resident.password_hash = hash_password(password)
    resident.must_change_password = False
    resident.end_all_sessions()
    _activate(resident)
    return resident


def purge_unconfirmed(tenant, now: datetime | None = None) -> int:
    """Delete the tenant's pending residents whose newest e-mail link has expired; how many."""
    if not tenant.config.registration.discard_unconfirmed:
        return 0
    now = now or utcnow()
    newest = (
        select(AuthToken.resident_id, func.max(AuthToken.expires_at).label("expires_at"))
        .where(AuthToken.purpose.in_(LINK_PURPOSES))
        .group_by(AuthToken.resident_id)
        .subquery()
    )
    stale = db.session.scalars(
        select(Resident)
        .join(newest, newest.c.resident_id == Resident.id)
        .where(Resident.status == "pending", newest.c.expires_at <= now)
    )
    return discard_residents(stale)
