"""SQLite (the embedded default): the validated rows reach a TEMP staging table by batched
`executemany`; `merge` then checks and applies them with the same set-based SQL as PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.billing.exchange.formats import FileFormat
from app.billing.exchange.merge import RESOLVED, SQLITE, STAGE

dialect = SQLITE

BATCH = 5000

# SQLite's type names decide a column's affinity: a UUID column must be text, as the ORM's is.
_TYPES = {
    "text": "TEXT",
    "uuid": "CHAR(32)",
    "date": "DATE",
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "boolean": "BOOLEAN",
}
# Stored as SQLAlchemy stores them on SQLite, so staged values compare equal to the ORM's.
_STORED = {
    "uuid": lambda value: None if value is None else value.hex,
    "date": lambda value: None if value is None else value.isoformat(),
    "boolean": lambda value: None if value is None else int(value),
}


@contextmanager
def stage_rows(
    session: Session, file_format: FileFormat, header: Sequence[str], tenant_id: int
) -> Iterator[Callable[[int, list], None]]:
    """Create the staging table and yield `write(line, values)` (values in `header` order)."""
    columns = ", ".join(f"{c.name} {_TYPES[c.sql_type]}" for c in file_format.columns)
    session.execute(text(f"CREATE TEMP TABLE {STAGE} (line INTEGER NOT NULL, {columns})"))
    connection = session.connection()
    insert = (
        f"INSERT INTO {STAGE} (line, {', '.join(header)}) "
        f"VALUES ({', '.join('?' for _ in range(len(header) + 1))})"
    )
    store = [_STORED.get(file_format.by_name[name].sql_type) for name in header]
    batch: list[tuple] = []

    def write(line: int, values: list) -> None:
        batch.append(
            (line, *(v if s is None else s(v) for s, v in zip(store, values, strict=True)))
        )
        if len(batch) >= BATCH:
            connection.exec_driver_sql(insert, batch)
            batch.clear()

    yield write
    if batch:
        connection.exec_driver_sql(insert, batch)


def drop_staging(session: Session) -> None:
    """Drop the staging tables (a caller may import again in the same transaction)."""
    session.execute(text(f"DROP TABLE IF EXISTS {RESOLVED}"))
    session.execute(text(f"DROP TABLE IF EXISTS {STAGE}"))
