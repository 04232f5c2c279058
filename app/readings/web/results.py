"""What a submission transmitted and what it left out, for the result page and the mail."""

from __future__ import annotations

from dataclasses import dataclass

from flask import session
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Account, Contract, Meter
from app.extensions import db
from app.readings.models import ReadingVersion, Submission
from app.readings.sheet import sheet_meters
from app.readings.validation import verification_expired
from app.readings.web.rows import ZONE_LABELS

# The reasons of the last transmission's left-out rows, for the result page that follows it
# (the database keeps what was transmitted, not what was typed and refused).
SKIPPED_KEY = "readings_skipped"
NOT_FILLED = _l("показание не введено")
NOT_SENT = _l("показание не передавалось")


@dataclass(frozen=True)
class ResultLine:
    meter: Meter
    zone: int
    service_name: str
    unit: str
    version: ReadingVersion | None = None
    calculation_type: str | None = None  # the label of the tenant's code
    note: str | None = None
    reason: str | None = None  # why it was not transmitted

    @property
    def zone_label(self) -> str | None:
        return str(ZONE_LABELS[self.zone]) if self.meter.zones > 1 else None


@dataclass(frozen=True)
class SubmissionResult:
    submission: Submission
    account: Account
    contract: Contract | None
    transmitted: list[ResultLine]
    not_transmitted: list[ResultLine]


def contract_label(contract: Contract) -> str:
    """«Договор № 12-345 от 01.02.2020»."""
    return _(
        "Договор № %(number)s от %(date)s",
        number=contract.number,
        date=format_date(contract.signed_on, "dd.MM.yyyy"),
    )


def remember_skipped(submission: Submission, reasons: dict[str, str]) -> None:
    """Keep why rows were left out (row key → reason) for the result page of `submission`."""
    session[SKIPPED_KEY] = {"id": str(submission.id), "reasons": reasons}


def _remembered(submission: Submission) -> dict[str, str]:
    stored = session.get(SKIPPED_KEY) or {}
    return stored.get("reasons", {}) if stored.get("id") == str(submission.id) else {}


def submission_result(
    tenant, account: Account, submission: Submission, reasons: dict[str, str] | None = None
) -> SubmissionResult:
    """The submission's values with meter, service and dictionary labels, and the sheet's rows
    it did not cover, each with its reason (`reasons`: row key → why; default: the ones this
    browser session remembered from its own transmission)."""
    services = {service.code: service for service in tenant.config.services}
    rules = tenant.config.readings
    calculation_types = {entry.code: entry.label for entry in rules.calculation_types}
    notes = {entry.code: entry.label for entry in rules.notes}
    meters = {meter.id: meter for meter in account.meters}

    def line(meter: Meter, zone: int, **values) -> ResultLine:
        service = services.get(meter.service)
        return ResultLine(
            meter,
            zone,
            service.name if service else meter.service,
            service.unit if service else "м³",
            **values,
        )

    transmitted = [
        line(
            meters[version.meter_id],
            version.zone,
            version=version,
            calculation_type=calculation_types.get(version.calculation_type),
            note=notes.get(version.note),
        )
        for version in submission.versions
        if version.meter_id in meters
    ]
    covered = {(version.meter_id, version.zone) for version in submission.versions}
    reasons = _remembered(submission) if reasons is None else reasons
    on = submission.created_at.astimezone(tenant.time_zone).date()
    not_transmitted = []
    for meter in sheet_meters(tenant, account, submission.contract_id):
        for zone in range(1, meter.zones + 1):
            if (meter.id, zone) in covered:
                continue
            if verification_expired(meter, on):
                reason = _("срок поверки истёк %(date)s", date=format_date(meter.verified_until))
            else:
                reason = reasons.get(f"{meter.id}.{zone}") or str(NOT_SENT)
            not_transmitted.append(line(meter, zone, reason=reason))
    contract = (
        db.session.scalar(select(Contract).where(Contract.id == submission.contract_id))
        if submission.contract_id
        else None
    )
    return SubmissionResult(submission, account, contract, transmitted, not_transmitted)
