"""Password recovery: reset links by e-mail, setting the new password, changing a password.

SPEC §2 (password recovery row), §7. A link works once, until `recovery.link_ttl_hours` pass, and
dies when the password changes by any route (`change_password` revokes every open link).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Account
from app.auth.models import Resident, ResidentAccount
from app.auth.passwords import hash_password, password_problems
from app.auth.tokens import InvalidToken, issue_token, peek_token, redeem_token, revoke_tokens
from app.extensions import db
from app.mail.rendering import render_mail, send_templated_mail
from app.notifications.security import send_password_changed
from app.recovery.lookup import Found, normalise_email

PURPOSE = "reset_password"
MAIL = "password_reset"
# What an unmatched request renders instead of a real message (see `send_reset_mails`).
_DECOY = {"url": "", "login": None, "accounts": [{"number": "", "address": ""}]}


@dataclass(frozen=True)
class ResetLink:
    """A fresh reset token for one resident, with the accounts the mail names."""

    resident: Resident
    accounts: tuple[Account, ...]
    token: str


@dataclass
class ResetMail:
    """One message to send: every link for the residents sharing the address `to`."""

    to: str
    links: list[ResetLink] = field(default_factory=list)


def may_reset(tenant, resident: Resident) -> bool:
    """Whether `resident` may reset the password online.

    Only active identities: a pending registration is completed through its own confirmation
    mail, and a reset link must not stand in for confirming the address. Audiences the tenant
    serves in person (`recovery.in_person_audiences`) get nothing by mail.
    """
    recovery = tenant.config.recovery
    return (
        recovery.online
        and resident.status == "active"
        and resident.kind not in recovery.in_person_audiences
    )


def issue_reset_links(tenant, found: list[Found]) -> list[ResetMail]:
    """Fresh links for the residents who may reset, grouped into the messages to send.

    Each resident's earlier reset links die. With `recovery.one_mail_per_address` the residents
    sharing an address get one message listing all their links (Novosibirsk).
    """
    recovery = tenant.config.recovery
    ttl = timedelta(hours=recovery.link_ttl_hours)
    mails: dict[str, ResetMail] = {}
    for item in found:
        resident = item.resident
        if not resident.email or not may_reset(tenant, resident):
            continue
        revoke_tokens(resident, PURPOSE)
        link = ResetLink(resident, item.accounts, issue_token(resident, PURPOSE, ttl))
        group = (
            normalise_email(resident.email) if recovery.one_mail_per_address else str(resident.id)
        )
        mails.setdefault(group, ResetMail(resident.email)).links.append(link)
    return list(mails.values())


def send_reset_mails(tenant, mails: list[ResetMail]) -> None:
    """Mail the links (inside the request: they are absolute URLs on the request's host)."""
    subject = _("Смена пароля в личном кабинете")
    hours = tenant.config.recovery.link_ttl_hours
    for mail in mails:
        links = [_mail_entry(link) for link in mail.links]
        send_templated_mail(mail.to, subject, MAIL, links=links, hours=hours)
    if not mails:
        # Rendering costs what a real message costs, so the answer comes as fast either way.
        render_mail(MAIL, subject=subject, links=[_DECOY], hours=hours)


def _mail_entry(link: ResetLink) -> dict:
    return {
        "url": url_for("recovery.reset", token=link.token, _external=True),
        "login": link.resident.login,
        "accounts": [{"number": a.number, "address": a.address} for a in link.accounts],
    }


def open_reset_link(tenant, raw: str) -> Resident:
    """Whose reset link `raw` is, without using it up; InvalidToken or ExpiredToken otherwise."""
    resident = peek_token(raw, PURPOSE)
    if not may_reset(tenant, resident):  # blocked, or served in person since the link was sent
        raise InvalidToken(PURPOSE)
    return resident


def new_password_problems(tenant, resident: Resident, password: str) -> list[str]:
    """Why `password` cannot be the resident's new one (tenant minimum, login, account numbers)."""
    return password_problems(
        password,
        min_length=tenant.config.registration.password_min_length,
        login=resident.login,
        account_numbers=[account.number for account in linked_accounts(resident)],
    )


def reset_password(tenant, raw: str, new_password: str) -> Resident:
    """Use up the reset link `raw` and give its resident `new_password` (already checked)."""
    resident = open_reset_link(tenant, raw)
    redeem_token(raw, PURPOSE)
    change_password(resident, new_password)
    return resident


def change_password(resident: Resident, new_password: str) -> None:
    """Set a new password; every open e-mail link of the resident dies and every session ends.

    For every route that changes a password (reset link, settings): the caller signs the resident
    in again when the current browser should stay signed in. The resident is told by e-mail.
    """
    resident.password_hash = hash_password(new_password)
    resident.must_change_password = False
    revoke_tokens(resident)
    resident.end_all_sessions()
    db.session.flush()
    send_password_changed(resident)


def linked_accounts(resident: Resident) -> list[Account]:
    """The resident's accounts, oldest link first (the first one is current after sign-in)."""
    return list(
        db.session.scalars(
            select(Account)
            .join(ResidentAccount, ResidentAccount.account_id == Account.id)
            .where(ResidentAccount.resident_id == resident.id)
            .order_by(ResidentAccount.linked_at, Account.number)
        )
    )
