"""Storing submitted readings: one submission per form, every version kept (SPEC §3)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached

from app.db import dialect_insert, new_id, utcnow
from app.extensions import db
from app.readings.models import Reading, ReadingVersion, Submission
from app.readings.postgres import store_in_one_statement
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
    first — gives back the first submission and stores nothing more: the unique key decides,
    inside the database, which request came first.
    """
    transmitted = [row for row in rows if row.transmitted]
    if not transmitted:
        raise NothingToTransmit
    tenant_id, now = current_tenant_id(), utcnow()
    submission = Submission(
        tenant_id=tenant_id,
        id=new_id(),
        account_id=account.id,
        contract_id=contract_id,
        period=period,
        idempotency_key=idempotency_key,
        channel=author.channel,
        author_kind=author.kind,
        author_id=author.id,
        author_name=author.name,
        created_at=now,
    )
    versions = [
        {
            "tenant_id": tenant_id,
            "id": new_id(),
            "submission_id": submission.id,
            "meter_id": row.meter.id,
            "zone": row.zone,
            "period": period,
            "value_milli": row.value_milli,
            "consumption_milli": row.consumption_milli,
            "calculation_type": row.calculation_type,
            "note": row.note,
            "flagged": row.flagged,
            "created_at": now,
        }
        for row in transmitted
    ]
    # Core statements: the ORM's unit of work costs more than these rows are worth (issue 4's
    # benchmark: submissions are the platform's peak load).
    columns = _columns(submission, Submission)
    if db.session.get_bind().dialect.name == "postgresql":
        stored = store_in_one_statement(db.session, columns, versions)
    else:
        stored = _store_step_by_step(columns, versions)
    if not stored:  # another request with this key was first
        return find_submission(idempotency_key), False
    # The row exists already (inserted above): attach the object as persistent, not as new.
    make_transient_to_detached(submission)
    db.session.add(submission)
    return submission, True


def _store_step_by_step(submission: dict, versions: list[dict]) -> bool:
    """`postgres.store_in_one_statement` in three statements, for SQLite."""
    claimed = db.session.execute(
        dialect_insert(db.session, Submission)
        .values(**submission)
        .on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"])
        .returning(Submission.id)
    ).first()
    if claimed is None:
        return False
    connection = db.session.connection()
    connection.execute(ReadingVersion.__table__.insert(), versions)
    connection.execute(
        _upsert_statement(connection.dialect.name),
        [
            {
                "tenant_id": v["tenant_id"],
                "meter_id": v["meter_id"],
                "period": v["period"],
                "zone": v["zone"],
                "value_milli": v["value_milli"],
                "version_id": v["id"],
                "flagged": v["flagged"],
                "updated_at": v["created_at"],
            }
            for v in versions
        ],
    )
    return True


def _columns(obj, model) -> dict:
    return {column.key: getattr(obj, column.key) for column in model.__table__.columns}


@cache
def _upsert_statement(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE of the current reading, built once per dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    table = Reading.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=["tenant_id", "meter_id", "period", "zone"],
        set_={
            key: statement.excluded[key]
            for key in ("value_milli", "version_id", "flagged", "updated_at")
        },
    )
