"""The e-mail that confirms transmitted readings (issue: «после передачи — подтверждение на почту»)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.mail.rendering import send_templated_mail
from app.readings.web.results import SubmissionResult, contract_label
from app.readings.web.rows import period_name


def send_readings_received(to: str, tenant, result: SubmissionResult) -> None:
    """Confirm a submission to the resident: protocol number, time, each value, what was left out."""
    submission = result.submission
    send_templated_mail(
        to,
        _(
            "%(utility)s: показания переданы, протокол № %(number)s",
            utility=tenant.config.short_name,
            number=submission.number,
        ),
        "readings_received",
        result=result,
        period=period_name(submission.period),
        contract=contract_label(result.contract) if result.contract else None,
        decimals=tenant.config.readings.decimals,
        link=url_for("readings.submission", submission_id=submission.id, _external=True),
    )
