"""The e-mail that confirms transmitted readings, composed in the background job (the request
only queues the submission's id: transmitting is the platform's peak load)."""

from __future__ import annotations

import uuid

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Account
from app.extensions import db
from app.jobs import enqueue, job
from app.mail.message import new_message_id, send_mail, unsubscribe_headers
from app.mail.rendering import mail_request_context, render_mail
from app.notifications.preferences import unsubscribe_url, wants_email
from app.readings.models import Submission
from app.readings.web.results import contract_label, submission_result
from app.readings.web.rows import period_name
from app.tenancy.context import get_current_tenant


def queue_readings_received(
    to: str, submission: Submission, reasons: dict[str, str], base_url: str
) -> None:
    """Send the confirmation of `submission` to `to` in the background."""
    enqueue(
        "readings.received",
        queue="high",
        to=to,
        submission_id=str(submission.id),
        reasons=reasons,
        base_url=base_url,
        message_id=new_message_id(),  # fixed now: a redelivered job resends the same message
    )


@job("readings.received")
def send_readings_received(
    to: str,
    submission_id: str,
    reasons: dict[str, str],
    base_url: str,
    message_id: str | None = None,
) -> str | None:
    """Confirm a submission: protocol number, time, each value, what was left out and why."""
    tenant = get_current_tenant()
    submission = db.session.scalar(
        select(Submission).where(Submission.id == uuid.UUID(submission_id))
    )
    if submission is None:  # the account was deleted since
        return None
    # A receipt is not security mail: the resident may turn it off (settings or List-Unsubscribe).
    resident_id = submission.author_id if submission.author_kind == "resident" else None
    if resident_id is not None and not wants_email(resident_id, "receipts"):
        return None
    account = db.session.scalar(select(Account).where(Account.id == submission.account_id))
    result = submission_result(tenant, account, submission, reasons)
    subject = _(
        "%(utility)s: показания переданы, протокол № %(number)s",
        utility=tenant.config.short_name,
        number=submission.number,
    )
    # Links must point at the host the resident used: render as if on that host.
    with mail_request_context(base_url):
        stop = unsubscribe_url(tenant.id, resident_id, "receipts") if resident_id else None
        text, html = render_mail(
            "readings_received",
            subject=subject,
            unsubscribe_url=stop,
            result=result,
            period=period_name(submission.period),
            contract=contract_label(result.contract) if result.contract else None,
            decimals=tenant.config.readings.decimals,
            link=url_for("readings.submission", submission_id=submission.id, _external=True),
        )
    headers = unsubscribe_headers(stop) if stop else None
    return send_mail(to, subject, text, html, headers=headers, message_id=message_id)
