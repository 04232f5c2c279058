"""Storing a submission in one PostgreSQL statement: the submission, its reading versions and the
current readings they replace, instead of three round trips (issue 4: transmitting is the
platform's peak load). `services.record_submission` falls back to three statements elsewhere.

Data-modifying CTEs all run to completion, and the foreign keys between the three tables are
checked at the end of the statement, when every row is in. The rows come as arrays (`unnest`),
so the statement's text, and PostgreSQL's prepared plan for it, is the same for any number.
"""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from app.db import UTCDateTime

_STORE = text(
    """
WITH claimed AS (
    INSERT INTO reading_submissions (tenant_id, id, account_id, contract_id, period,
        idempotency_key, channel, author_kind, author_id, author_name, created_at)
    VALUES (:tenant_id, :id, :account_id, :contract_id, :period,
        :idempotency_key, :channel, :author_kind, :author_id, :author_name, :created_at)
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
    RETURNING id
), versions AS (
    INSERT INTO reading_versions (tenant_id, id, submission_id, meter_id, zone, period,
        value_milli, consumption_milli, calculation_type, note, flagged, created_at)
    SELECT :tenant_id, row.id, claimed.id, row.meter_id, row.zone, :period,
        row.value_milli, row.consumption_milli, row.calculation_type, row.note, row.flagged,
        :created_at
    FROM claimed, unnest(
        CAST(:version_ids AS uuid[]), CAST(:meter_ids AS uuid[]), CAST(:zones AS smallint[]),
        CAST(:values AS bigint[]), CAST(:consumptions AS bigint[]),
        CAST(:calculation_types AS varchar[]), CAST(:notes AS varchar[]),
        CAST(:flags AS boolean[])
    ) AS row(id, meter_id, zone, value_milli, consumption_milli, calculation_type, note, flagged)
    RETURNING tenant_id, meter_id, period, zone, value_milli, id, flagged, created_at
), current AS (
    INSERT INTO readings (tenant_id, meter_id, period, zone, value_milli, version_id, flagged,
        updated_at)
    SELECT tenant_id, meter_id, period, zone, value_milli, id, flagged, created_at FROM versions
    ON CONFLICT (tenant_id, meter_id, period, zone) DO UPDATE SET
        value_milli = excluded.value_milli, version_id = excluded.version_id,
        flagged = excluded.flagged, updated_at = excluded.updated_at
)
SELECT id FROM claimed
"""
).bindparams(bindparam("created_at", type_=UTCDateTime()))


def store_in_one_statement(session: Session, submission: dict, versions: list[dict]) -> bool:
    """Insert `submission` (its columns) with `versions` (rows of reading_versions) and make them
    the current readings; False, storing nothing, when its idempotency key was used before."""
    claimed = session.execute(
        _STORE,
        {
            **submission,
            "version_ids": [v["id"] for v in versions],
            "meter_ids": [v["meter_id"] for v in versions],
            "zones": [v["zone"] for v in versions],
            "values": [v["value_milli"] for v in versions],
            "consumptions": [v["consumption_milli"] for v in versions],
            "calculation_types": [v["calculation_type"] for v in versions],
            "notes": [v["note"] for v in versions],
            "flags": [v["flagged"] for v in versions],
        },
    ).first()
    return claimed is not None
