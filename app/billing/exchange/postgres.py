"""PostgreSQL fast path: the validated rows reach a TEMP staging table by `COPY` (psycopg 3,
binary), in the import's own transaction; `merge` then checks and applies them set-based.

The app's role is held by row-level security, which `COPY` into the tenant tables would not
honour (PostgreSQL refuses it); a TEMP table has no policy to honour, and the merges are ordinary
INSERT/UPDATE statements that the policies check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.billing.exchange.formats import FileFormat
from app.billing.exchange.merge import POSTGRESQL, RESOLVED, STAGE

dialect = POSTGRESQL

_COPY_TYPES = {
    "text": "text",
    "uuid": "uuid",
    "date": "date",
    "bigint": "int8",
    "integer": "int4",
    "boolean": "bool",
}


def prepare(session: Session, tenant_id: int) -> None:
    """What an import's transaction needs before it stages anything."""
    # One import per tenant at a time: two files racing on the same rows would each see the
    # other's rows as missing. Held until the transaction ends.
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('billing.import'), :tenant)"),
        {"tenant": tenant_id},
    )
    # The checks and merges hash the whole file against the tenant's accounts: in memory, not
    # in batches on disk.
    session.execute(text("SET LOCAL work_mem = '64MB'"))


@contextmanager
def stage_rows(
    session: Session, file_format: FileFormat, header: Sequence[str], tenant_id: int
) -> Iterator[Callable[[int, list], None]]:
    """Create the staging table and yield `write(line, values)` (values in `header` order)."""
    prepare(session, tenant_id)
    columns = ", ".join(f"{c.name} {c.sql_type}" for c in file_format.columns)
    session.execute(
        text(f"CREATE TEMP TABLE {STAGE} (line integer NOT NULL, {columns}) ON COMMIT DROP")
    )
    driver = session.connection().connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {STAGE} (line, {', '.join(header)}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.set_types(
            ["int4", *(_COPY_TYPES[file_format.by_name[name].sql_type] for name in header)]
        )
        write_row = copy.write_row
        yield lambda line, values: write_row((line, *values))
    # Temporary tables are not analysed by autovacuum; without statistics the planner guesses.
    session.execute(text(f"ANALYZE {STAGE}"))


def drop_staging(session: Session) -> None:
    """Drop the staging tables now rather than at commit (a caller may import again)."""
    session.execute(text(f"DROP TABLE IF EXISTS {RESOLVED}, {STAGE}"))
