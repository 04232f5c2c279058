"""Storing submitted readings: one submission per form, every version kept (SPEC §3)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.extensions import db
from app.readings.models import Reading, ReadingVersion, Submission
from app.readings.validation import RowCheck
from app.tenancy.context import current_tenant_id


@dataclass(frozen=True)
class Author:
    """Who submits: a resident on the web or API, staff in the office, or the system (imports)."""

    kind: str  # resident | staff | system
    id: uuid.UUID | None
    name: str | None
    channel: str  # web | api | office | email | import


class NothingToTransmit(ValueError):
    """No row of the form can be transmitted."""


def find_submission(idempotency_key: str) -> Submission | None:
    """The submission an idempotency key already produced, if any."""
    return db.session.scalar(
        select(Submission).where(Submission.idempotency_key == idempotency_key)
    )


def record_submission(
    account,
    period: date,
    rows: list[RowCheck],
    *,
    idempotency_key: str,
    author: Author,
    contract_id: uuid.UUID | None = None,
) -> tuple[Submission, bool]:
    """Store the transmittable rows as one submission; (submission, created).

    The same idempotency key twice — a double click, a retried request, a second tab racing the
    first — gives back the first submission and stores nothing more.
    """
    existing = find_submission(idempotency_key)
    if existing is not None:
        return existing, False
    transmitted = [row for row in rows if row.transmitted]
    if not transmitted:
        raise NothingToTransmit
    submission = Submission(
        account_id=account.id,
        contract_id=contract_id,
        period=period,
        idempotency_key=idempotency_key,
        channel=author.channel,
        author_kind=author.kind,
        author_id=author.id,
        author_name=author.name,
    )
    try:
        with db.session.begin_nested():
            db.session.add(submission)
            db.session.flush()
    except IntegrityError:
        # Another request with this key committed first: that one is the submission.
        return find_submission(idempotency_key), False
    for row in transmitted:
        version = ReadingVersion(
            submission_id=submission.id,
            meter_id=row.meter.id,
            zone=row.zone,
            period=period,
            value_milli=row.value_milli,
            consumption_milli=row.consumption_milli,
            calculation_type=row.calculation_type,
            note=row.note,
            flagged=row.flagged,
        )
        db.session.add(version)
        db.session.flush()
        _upsert_current(version)
    return submission, True


def _upsert_current(version: ReadingVersion) -> None:
    # One current reading per meter, zone and period: a later version replaces it in place.
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "tenant_id": current_tenant_id(),
        "meter_id": version.meter_id,
        "period": version.period,
        "zone": version.zone,
        "value_milli": version.value_milli,
        "version_id": version.id,
        "flagged": version.flagged,
        "updated_at": utcnow(),
    }
    statement = insert(Reading).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "meter_id", "period", "zone"],
        set_={
            key: statement.excluded[key]
            for key in ("value_milli", "version_id", "flagged", "updated_at")
        },
    )
    db.session.execute(statement)
