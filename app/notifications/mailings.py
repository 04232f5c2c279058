"""Delivering a mailing: plan it into batches, then one job per batch renders and sends.

Both steps are safe to run twice (jobs are delivered at least once): a planned mailing is not
planned again, a delivered batch is skipped, and every recipient's Message-ID is fixed when the
batch is queued, so a batch resent after a crash resends the same messages.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import uuid

from flask import current_app
from sqlalchemy import select, update

from app.auth.models import Resident
from app.db import utcnow
from app.extensions import db
from app.jobs import enqueue, job
from app.mail.message import new_message_id, send_mail, unsubscribe_headers
from app.mail.rendering import mail_renderer, mail_request_context
from app.notifications.messages import mailing_content
from app.notifications.models import Mailing, MailingBatch
from app.notifications.preferences import (
    channels,
    defaults,
    preferences_of_many,
    unsubscribe_links,
)
from app.notifications.recipients import (
    notice_recipients,
    pending_account_numbers,
    reminder_recipients,
)
from app.sms import InvalidNumber, send_sms
from app.tenancy.context import get_current_tenant
from app.tenancy.urls import tenant_url

log = logging.getLogger(__name__)

BATCH_SIZE = 500  # recipients per delivery job: a few seconds of work each
QUEUE = "low"  # mass mail never holds up confirmations and resets (queue "high")


def public_base_url(tenant) -> str:
    """Where residents reach the tenant: its own domain when it has one, else its subdomain."""
    if tenant.domains:
        return f"{current_app.config['PREFERRED_URL_SCHEME']}://{tenant.domains[0]}/"
    return tenant_url(tenant, "/")


def start_mailing(mailing: Mailing, base_url: str) -> None:
    """Queue the planning of a mailing just created (after it is flushed)."""
    db.session.flush()
    enqueue(
        "notifications.plan_mailing", queue=QUEUE, mailing_id=str(mailing.id), base_url=base_url
    )


@job("notifications.plan_mailing")
def plan_mailing(mailing_id: str, base_url: str) -> int:
    """Find the recipients, record the batches and queue a delivery job per batch."""
    tenant = get_current_tenant()
    mailing = db.session.get(Mailing, {"tenant_id": tenant.id, "id": uuid.UUID(mailing_id)})
    if mailing is None or mailing.status != "planning":
        return 0
    if mailing.kind == "notice":
        residents = notice_recipients(mailing.settlement_id)
    else:
        residents = reminder_recipients(tenant, mailing.period)
    slices = [
        residents[start : start + BATCH_SIZE] for start in range(0, len(residents), BATCH_SIZE)
    ]
    db.session.add_all(
        MailingBatch(mailing_id=mailing.id, number=number, recipients=len(ids))
        for number, ids in enumerate(slices)
    )
    mailing.recipients, mailing.batches, mailing.status = len(residents), len(slices), "sending"
    db.session.flush()
    for number, ids in enumerate(slices):
        enqueue(
            "notifications.deliver_batch",
            queue=QUEUE,
            mailing_id=mailing_id,
            number=number,
            recipients=[[str(rid), new_message_id(f"{mailing_id}/{rid}")] for rid in ids],
            base_url=base_url,
        )
    return len(residents)


@job("notifications.deliver_batch")
def deliver_batch(mailing_id: str, number: int, recipients: list[list[str]], base_url: str) -> int:
    """Send the batch's messages by each resident's channels; count them on the mailing."""
    tenant = get_current_tenant()
    key = {"tenant_id": tenant.id, "mailing_id": uuid.UUID(mailing_id), "number": number}
    batch = db.session.get(MailingBatch, key)
    if batch is None or batch.done_at is not None:
        return 0
    mailing = db.session.get(Mailing, {"tenant_id": tenant.id, "id": batch.mailing_id})
    message_ids = {uuid.UUID(rid): message_id for rid, message_id in recipients}
    residents = db.session.scalars(
        select(Resident).where(Resident.id.in_(message_ids), Resident.status == "active")
    ).all()
    preferences = preferences_of_many(message_ids)
    accounts = (
        pending_account_numbers(tenant, list(message_ids), mailing.period)
        if mailing.period
        else None
    )
    emails = sms = 0
    with mail_request_context(base_url):
        content = mailing_content(tenant, mailing)
        render = mail_renderer(content.template, subject=content.subject, **content.context)
        unsubscribe = unsubscribe_links(tenant.id, content.category)
        default = defaults()
        for resident in residents:
            if accounts is not None and not accounts.get(resident.id):
                continue  # submitted since the mailing was planned
            route = channels(preferences.get(resident.id, default), resident, content.category)
            message_id = message_ids[resident.id]
            if route.email:
                numbers = accounts.get(resident.id) if accounts is not None else None
                link = unsubscribe(resident.id)
                emails += _send_email(resident, content, render, link, message_id, numbers)
            if route.sms:
                sms += _send_sms(resident, content, message_id)
    batch.done_at = utcnow()
    db.session.execute(
        update(Mailing)
        .where(Mailing.id == mailing.id)
        .values(
            batches_done=Mailing.batches_done + 1,
            emails_sent=Mailing.emails_sent + emails,
            sms_sent=Mailing.sms_sent + sms,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return emails + sms


def _send_email(resident, content, render, link: str, message_id: str, accounts) -> int:
    text, html = render(unsubscribe_url=link, person=resident.full_name, accounts=accounts)
    try:
        send_mail(
            resident.email,
            content.subject,
            text,
            html,
            headers=unsubscribe_headers(link),
            message_id=message_id,
        )
    except smtplib.SMTPRecipientsRefused:
        # One bad address must not hold up the batch (and a retry would resend the rest).
        log.warning("mail refused for resident %s", resident.id)
        return 0
    return 1


def _send_sms(resident, content, message_id: str) -> int:
    try:
        send_sms(
            resident.phone, content.sms, sms_id=hashlib.sha256(message_id.encode()).hexdigest()[:32]
        )
    except InvalidNumber:
        log.warning("no SMS for resident %s: not a Russian mobile number", resident.id)
        return 0
    return 1
