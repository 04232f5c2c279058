"""The PostgreSQL fast path of the big billing files (charges, payments): the file goes to the
server as it is, by `COPY … (FORMAT csv)`, exactly as a plain load would, and the cells are checked
and converted there, set-based, by SQL that accepts only the strict forms a billing system writes:
first by PostgreSQL's own casts (`Cast`: cheap, but one unreadable cell fails the statement), then,
if a cell failed them, by regular expressions guarding every cast.

The few rows SQL does not accept (a typo, «1 234,56», a bad period) are read back and parsed by the
same Python parsers as every other file, so they get the same line, column and reason — and a row
only a person would write that is still valid is converted by Python and staged all the same.

The fast path steps aside — the caller then reads the file row by row — when the file's record
numbers would not be its line numbers (blank lines), when it quotes cells (billing systems do not
quote numbers and codes; a person's quotes may be broken), or when COPY cannot split it (a row with
more or fewer cells than the header).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from psycopg import errors as pg_errors
from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from app.billing.exchange import postgres
from app.billing.exchange.csvfile import Layout
from app.billing.exchange.formats import FileFormat
from app.billing.exchange.merge import STAGE
from app.tenancy.snapshot import TenantSnapshot

RAW = "import_raw"

# Row parser of the slow path: (line, cells) → the row's values, or None (problems recorded).
RowParser = Callable[[int, list[str]], list | None]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _thousandths(c: str) -> tuple[str, str]:
    return (
        rf"{c} ~ '^\d{{1,12}}(\.\d{{1,3}})?$'",
        f"split_part({c}, '.', 1)::bigint * 1000 + rpad(split_part({c}, '.', 2), 3, '0')::bigint",
    )


def _kopecks(c: str, minimum: int | None) -> tuple[str, str]:
    sign = "" if minimum is not None and minimum >= 0 else "-?"
    check = rf"{c} ~ '^{sign}\d{{1,13}}(\.\d{{1,2}})?$'"
    if minimum is not None and minimum > 0:
        check += rf" AND {c} !~ '^0+(\.0*)?$'"
    whole = f"split_part(ltrim({c}, '-'), '.', 1)::bigint * 100"
    cents = f"rpad(split_part({c}, '.', 2), 2, '0')::bigint"
    return check, f"(CASE WHEN left({c}, 1) = '-' THEN -1 ELSE 1 END) * ({whole} + {cents})"


_YEAR = r"(20\d\d|2100)"
_PERIOD = (
    rf"{{c}} ~ '^{_YEAR}-(0[1-9]|1[0-2])$'",
    "({c} || '-01')::date",
)


def _date(c: str) -> tuple[str, str]:
    shape = rf"{c} ~ '^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$'"
    # 2026-02-30 has the shape but is no date: the day must stay in its month.
    real = (
        f"to_char(make_date(substr({c}, 1, 4)::int, substr({c}, 6, 2)::int, 1) "
        f"+ (substr({c}, 9, 2)::int - 1), 'YYYY-MM-DD') = {c}"
    )
    return f"CASE WHEN {shape} THEN {real} ELSE false END", f"{c}::date"


def _text(c: str, max_length: int) -> tuple[str, str]:
    # Already trimmed, single spaces only: what the Python parser would leave as it is.
    word = r"[^\s\u00a0\u202f]+"
    return rf"length({c}) <= {max_length} AND {c} ~ '^{word}( {word})*$'", c


def _choice(c: str, options: Sequence[str]) -> tuple[str, str]:
    return f"{c} IN ({', '.join(_literal(option) for option in options)})", c


def cell_sql(
    kind: str, name: str, *, pattern: str, services: Sequence[str], settlements: Mapping
) -> tuple[str, str, bool] | None:
    """(check, value, required) of column `name` of a `kind` file as SQL over `{c}` (the raw
    cell, NULL when empty); None: no SQL form, every non-empty cell goes to Python."""
    forms: dict[str, tuple[str, str, bool]] = {
        "account_number": (f"{{c}} ~ {_literal(pattern)}", "{c}", True),
        "service": (*_choice("{c}", services), True),
        "settlement": (
            f"{{c}} IN ({', '.join(_literal(code) for code in settlements) or 'NULL'})",
            "CASE {c} "
            + " ".join(
                f"WHEN {_literal(code)} THEN {_literal(str(id_))}::uuid"
                for code, id_ in settlements.items()
            )
            + " END",
            False,
        ),
    }
    if kind == "charges":
        forms |= {
            "period": (*_PERIOD, True),
            "volume": (*_thousandths("{c}"), False),
            "tariff": (*_kopecks("{c}", 0), False),
            "amount": (*_kopecks("{c}", None), True),
        }
    elif kind == "payments":
        forms |= {
            "paid_on": (*_date("{c}"), True),
            "amount": (*_kopecks("{c}", 1), True),
            "channel": (*_text("{c}", 40), False),
        }
    return forms.get(name)


@dataclass(frozen=True)
class Cast:
    """The cheaper SQL of a number or date column for clean files: PostgreSQL casts the cell
    itself — and fails the whole statement on the first cell that is no number or date at all,
    when the guarded `cell_sql` forms run instead. A cast cell is accepted only when the cast gives
    back exactly the text written, so «1e3», «+5» or «007» still go to the Python parsers."""

    typed: str  # SQL over {c} (the raw cell): its typed value
    check: str  # SQL over {n} (the typed value) and {c}
    value: str  # SQL over {n}


def _number(scale: int, digits: int, *, minimum: int | None, factor: int) -> Cast:
    check = f"{{n}}::text = {{c}} AND scale({{n}}) <= {scale} AND abs({{n}}) < 1e{digits}"
    if minimum is not None:
        check += " AND {n} >= 0" if minimum <= 0 else " AND {n} > 0"
    return Cast("{c}::numeric", check, f"({{n}} * {factor})::bigint")


_FIRST, _LAST = "'2000-01-01'", "'2100-12-31'"
_CASTS: dict[str, dict[str, Cast]] = {
    "charges": {
        "period": Cast(
            "({c} || '-01')::date",
            f"to_char({{n}}, 'YYYY-MM') = {{c}} AND {{n}} BETWEEN {_FIRST} AND {_LAST}",
            "{n}",
        ),
        "volume": _number(3, 12, minimum=0, factor=1000),
        "tariff": _number(2, 13, minimum=0, factor=100),
        "amount": _number(2, 13, minimum=None, factor=100),
    },
    "payments": {
        "paid_on": Cast(
            "{c}::date",
            f"to_char({{n}}, 'YYYY-MM-DD') = {{c}} AND {{n}} BETWEEN {_FIRST} AND {_LAST}",
            "{n}",
        ),
        "amount": _number(2, 13, minimum=1, factor=100),
    },
}


@dataclass(frozen=True)
class _Plan:
    """How RAW's cells become STAGE's values: the rows read (`source`, aliased r), the test a
    row passes (`good`) and the values staged."""

    source: str
    good: str
    values: list[str]


def _plan(spec: FileFormat, header, forms: dict, casts: dict[str, Cast]) -> _Plan:
    checks, values, typed = [], [], []
    for column in spec.columns:
        if column.name not in header:  # an optional column left out: settlement
            values.append("NULL")
            continue
        raw = f"nullif(r.{column.name}, '')"
        form, cast = forms.get(column.name), casts.get(column.name)
        if form is None:
            checks.append(f"{raw} IS NULL")
            values.append("NULL")
            continue
        check, value, required = form
        if cast is not None:
            typed.append(f"{cast.typed.replace('{c}', raw)} AS cast_{column.name}")
            n = f"r.cast_{column.name}"
            check, value = (part.replace("{n}", n) for part in (cast.check, cast.value))
        check, value = (part.replace("{c}", raw) for part in (check, value))
        checks.append(
            f"CASE WHEN {raw} IS NULL THEN {'false' if required else 'true'} "
            f"ELSE coalesce({check}, false) END"
        )
        values.append(f"CASE WHEN {raw} IS NULL THEN NULL ELSE {value} END")
    # OFFSET 0 keeps the subquery whole: each cell is cast once, not once per mention.
    source = f"(SELECT r.*, {', '.join(typed)} FROM {RAW} r OFFSET 0) r" if typed else f"{RAW} r"
    return _Plan(source, " AND ".join(checks) or "true", values)


def applies(spec: FileFormat) -> bool:
    """True for the kinds SQL can check on its own (no cross-column rule)."""
    return spec.kind in ("charges", "payments") and spec.check is None


def stage_file(
    session: Session,
    spec: FileFormat,
    layout: Layout,
    path: Path | str,
    *,
    tenant: TenantSnapshot,
    settlements: Mapping[str, uuid.UUID],
    expected_rows: int,
    parse_row: RowParser,
) -> int | None:
    """Stage the file in STAGE through COPY and SQL; the rows read, or None when the fast path
    does not fit the file (nothing is left behind then)."""
    header = layout.header
    pattern = tenant.account_numbers.pattern
    # Charges only name services the tenant bills (formats.billed_service); others go to Python.
    services = [service.code for service in tenant.config.services if service.billed]
    postgres.prepare(session, tenant.id)
    savepoint = session.begin_nested()
    try:
        rows, quoted = _copy_raw(session, header, layout.encoding, layout.delimiter, path)
    except (pg_errors.DataError, pg_errors.BadCopyFileFormat):
        savepoint.rollback()  # COPY could not split the file: the slow path reads it
        return None
    # Blank lines or cells over several lines: records are not lines. Quotes: PostgreSQL reads
    # «"1"5» as 15 where the slow path names the broken quoting.
    if rows != expected_rows or quoted:
        savepoint.rollback()
        return None
    columns = ", ".join(f"{c.name} {c.sql_type}" for c in spec.columns)
    session.execute(
        text(f"CREATE TEMP TABLE {STAGE} (line integer NOT NULL, {columns}) ON COMMIT DROP")
    )
    forms = {
        column.name: form
        for column in spec.columns
        if (
            form := cell_sql(
                spec.kind, column.name, pattern=pattern, services=services, settlements=settlements
            )
        )
    }
    plan = _plan(spec, header, forms, _CASTS.get(spec.kind, {}))
    attempt = session.begin_nested()
    try:
        staged = _stage(session, spec, plan)
    except exc.DataError:
        attempt.rollback()  # a cell no cast can read: the guarded forms look at each first
        plan = _plan(spec, header, forms, {})
        staged = _stage(session, spec, plan)
    else:
        attempt.commit()
    if staged < rows:  # a clean file skips this second pass over every row's checks
        _python_rows(session, spec, header, plan, parse_row)
    session.execute(text(f"DROP TABLE {RAW}"))
    session.execute(text(f"ANALYZE {STAGE}"))
    savepoint.commit()
    return rows


def _stage(session: Session, spec: FileFormat, plan: _Plan) -> int:
    """Stage the rows `plan` accepts; how many."""
    names = ", ".join(column.name for column in spec.columns)
    return session.execute(
        text(
            f"INSERT INTO {STAGE} (line, {names}) SELECT r.line, {', '.join(plan.values)} "
            f"FROM {plan.source} WHERE {plan.good}"
        )
    ).rowcount


def _copy_raw(session: Session, header, encoding: str, delimiter: str, path) -> tuple[int, bool]:
    """COPY the file into RAW; (records, whether any cell is quoted)."""
    cells = ", ".join(f"{name} text" for name in header)
    session.execute(
        text(
            f"CREATE TEMP TABLE {RAW} (line integer GENERATED ALWAYS AS IDENTITY (START WITH 2), "
            f"{cells}) ON COMMIT DROP"
        )
    )
    server_encoding = "WIN1251" if encoding == "cp1251" else "UTF8"
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, open(path, "rb") as file:
        options = (
            f"FORMAT csv, HEADER true, DELIMITER {_literal(delimiter)}, "
            f"ENCODING {_literal(server_encoding)}"
        )
        with cursor.copy(f"COPY {RAW} ({', '.join(header)}) FROM STDIN ({options})") as copy:
            quoted = False
            while chunk := file.read(1 << 20):
                quoted = quoted or b'"' in chunk
                copy.write(chunk)
        return cursor.rowcount, quoted


def _python_rows(session: Session, spec: FileFormat, header, plan: _Plan, parse_row) -> None:
    """Rows SQL did not accept: parsed in Python (problems recorded there), the valid staged."""
    found = session.execute(
        text(
            f"SELECT r.line, {', '.join(f'r.{name}' for name in header)} FROM {plan.source} "
            f"WHERE NOT ({plan.good}) ORDER BY r.line"
        )
    )
    names = list(header)
    insert = text(
        f"INSERT INTO {STAGE} (line, {', '.join(names)}) "
        f"VALUES (:line, {', '.join(':' + name for name in names)})"
    )
    batch = []
    for row in found.all():
        cells = ["" if cell is None else cell for cell in row[1:]]
        parsed = parse_row(row[0], cells)
        if parsed is not None:
            batch.append({"line": row[0], **dict(zip(names, parsed, strict=True))})
        if len(batch) == 1000:
            session.execute(insert, batch)
            batch.clear()
    if batch:
        session.execute(insert, batch)
