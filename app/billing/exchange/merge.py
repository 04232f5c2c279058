"""Set-based checks and merges from the staging table into the tenant's tables (SPEC §4).

The staged rows are already valid cell by cell; here the whole file is checked against the database
(does each account exist in *this* tenant, does a row repeat another) and then applied with one
UPDATE of the rows whose values differ and one INSERT of the rows that are new. Rows that did not
change are not touched at all — not even their timestamps — so importing a file twice changes
nothing. The same SQL runs on PostgreSQL and SQLite; `Dialect` holds the few words that differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, bindparam, exc, text
from sqlalchemy.orm import Session

from app.billing.exchange.csvfile import Problem
from app.billing.exchange.formats import NOT_FOUND, FileFormat
from app.billing.tariffs import refresh_tariffs
from app.db import UTCDateTime

STAGE = "import_rows"
RESOLVED = "import_resolved"
AMBIGUOUS = "такой лицевой счёт есть в нескольких населённых пунктах: укажите столбец settlement"


@dataclass(frozen=True)
class Dialect:
    new_id: str  # an SQL expression making a time-ordered UUID (v7), as app.db.new_id does
    temporary: str  # how a staging table is declared: "TEMP TABLE {name} …"
    date_text: str  # "{}" formatted as YYYY-MM-DD text
    distinct: str  # NULL-safe inequality

    def differs(self, left: str, right: str) -> str:
        return f"{left} {self.distinct} {right}"


POSTGRESQL = Dialect(
    # 48 bits of Unix milliseconds over a random UUID, version bits turned from 4 into 7.
    new_id=(
        "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
        "substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) "
        "FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid"
    ),
    temporary="TEMP TABLE {name} ON COMMIT DROP",
    date_text="to_char({}, 'YYYY-MM-DD')",
    distinct="IS DISTINCT FROM",
)
SQLITE = Dialect(
    # SQLAlchemy keeps UUIDs on SQLite as 32 hex digits.
    new_id=(
        "lower(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) "
        "|| '7' || substr(hex(randomblob(2)), 2) || substr('89ab', 1 + abs(random()) % 4, 1) "
        "|| substr(hex(randomblob(2)), 2) || hex(randomblob(6)))"
    ),
    temporary="TEMP TABLE {name}",
    date_text="{}",
    distinct="IS NOT",
)


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0


def _run(session: Session, sql: str, params: dict):
    """Execute `sql` with those of `params` it names (timestamps and dates typed, so SQLite
    stores them as the ORM does)."""
    used = {name: value for name, value in params.items() if f":{name}" in sql}
    types = {"now": UTCDateTime(), "today": Date()}
    statement = text(sql).bindparams(
        *(bindparam(name, type_=types[name]) for name in used if name in types)
    )
    return session.execute(statement, used)


def resolve_accounts(session: Session, dialect: Dialect, tenant_id: int) -> None:
    """Copy the staged rows with the id of the account each names, in this tenant only (NULL:
    no such account here — another tenant's number is just as unknown)."""
    _run(
        session,
        f"""
        CREATE {dialect.temporary.format(name=RESOLVED)} AS
        SELECT s.*, a.id AS account_id
        FROM {STAGE} s
        LEFT JOIN accounts a
          ON a.tenant_id = :tenant AND a.number = s.account_number
         AND (s.settlement IS NULL OR a.settlement_id = s.settlement)
        """,
        {"tenant": tenant_id},
    )


@dataclass
class Checked:
    """What the whole-file checks found: the first problems, how many in all, how many of them
    name an account this tenant does not have."""

    problems: list[Problem]
    count: int = 0
    unknown_accounts: int = 0

    def joined(self, other: Checked) -> Checked:
        """Both findings, the problems in line order."""
        problems = sorted(self.problems + other.problems, key=lambda problem: problem.line)
        return Checked(
            problems, self.count + other.count, self.unknown_accounts + other.unknown_accounts
        )


def check(
    session: Session,
    file_format: FileFormat,
    *,
    several_settlements: bool,
    limit: int,
    repeats: bool = True,
) -> Checked:
    """Problems only the whole file shows: unknown accounts, numbers found in several
    settlements and — unless `repeats` is False — rows repeating an earlier one."""
    checked = Checked([])
    resolved = file_format.kind != "accounts"
    if resolved:
        checked.unknown_accounts = _collect(
            checked,
            session,
            f"SELECT line, count(*) OVER () FROM {RESOLVED} WHERE account_id IS NULL "
            "ORDER BY line LIMIT :limit",
            limit,
            lambda line: Problem(line, "account_number", NOT_FOUND),
        )
    if resolved and several_settlements:
        _collect(
            checked,
            session,
            f"SELECT line, count(*) OVER () FROM {RESOLVED} GROUP BY line "
            "HAVING count(*) > 1 ORDER BY line LIMIT :limit",
            limit,
            lambda line: Problem(line, "account_number", AMBIGUOUS),
        )
    if repeats:
        checked = checked.joined(check_repeats(session, file_format, limit=limit))
    checked.problems.sort(key=lambda problem: problem.line)
    del checked.problems[limit:]
    return checked


def check_repeats(session: Session, file_format: FileFormat, *, limit: int) -> Checked:
    """Rows repeating an earlier row of the file (the file's key twice)."""
    checked = Checked([])
    if not file_format.key:
        return checked
    # Resolved rows are told apart by account id: one number may be two accounts in two
    # settlements.
    resolved = file_format.kind != "accounts"
    key = [
        "account_id" if resolved and name == "account_number" else name for name in file_format.key
    ]
    table = RESOLVED if resolved else STAGE
    columns = ", ".join(key)
    joined = " AND ".join(f"r.{name} = d.{name}" for name in key)
    found = session.execute(
        text(
            f"""
            SELECT r.line, d.first_line, count(*) OVER ()
            FROM {table} r
            JOIN (SELECT {columns}, min(line) AS first_line FROM {table}
                  WHERE {key[0]} IS NOT NULL
                  GROUP BY {columns} HAVING count(*) > 1) d ON {joined}
            WHERE r.line > d.first_line
            ORDER BY r.line LIMIT :limit
            """
        ),
        {"limit": limit},
    ).all()
    for line, first_line, _count in found:
        checked.problems.append(
            Problem(line, file_format.key[-1], f"повторяет строку {first_line}")
        )
    checked.count = found[0][2] if found else 0
    return checked


def _collect(checked: Checked, session: Session, sql: str, limit: int, problem) -> int:
    rows = session.execute(text(sql), {"limit": limit}).all()
    checked.problems.extend(problem(line) for line, _count in rows)
    total = rows[0][1] if rows else 0
    checked.count += total
    return total


def appendable(file_format: FileFormat) -> bool:
    """True when the table's unique key is the file's (payments: the import key), so that
    `append` can try the rows as all new and let the key refuse a row already stored or
    repeated in the file."""
    return file_format.kind in _APPENDS


def append(
    session: Session, dialect: Dialect, file_format: FileFormat, *, tenant_id: int, now: datetime
) -> Counts | None:
    """Insert every row as new — the usual monthly charges or payments file, for a period not
    imported yet — in one INSERT that looks for nothing first; None, and nothing written, when
    the table's key refuses a row (stored already, or twice in the file): `check_repeats` and
    `apply` then do it the careful way."""
    statement = _APPENDS[file_format.kind](dialect)
    attempt = session.begin_nested()
    try:
        result = _run(session, statement, {"tenant": tenant_id, "now": now})
    except exc.IntegrityError:
        attempt.rollback()
        return None
    attempt.commit()
    counts = Counts(inserted=result.rowcount)
    _applied(session, file_format, tenant_id, counts)
    return counts


def apply(
    session: Session,
    dialect: Dialect,
    file_format: FileFormat,
    *,
    tenant_id: int,
    now: datetime,
    today: date,
) -> Counts:
    """Update the rows whose values differ, insert the new ones; how many of each."""
    statements = _MERGES[file_format.kind](dialect)
    params = {"tenant": tenant_id, "now": now, "today": today}
    counts = Counts()
    if "update" in statements:
        counts.updated = _run(session, statements["update"], params).rowcount
    counts.inserted = _run(session, statements["insert"], params).rowcount
    _applied(session, file_format, tenant_id, counts)
    return counts


def _applied(session: Session, file_format: FileFormat, tenant_id: int, counts: Counts) -> None:
    """What follows a change of the tenant's rows."""
    if file_format.kind == "charges" and (counts.inserted or counts.updated):
        refresh_tariffs(session, tenant_id)


def _accounts(d: Dialect) -> dict[str, str]:
    # The folded surname and address (the staff search's) are Python's fold(): left NULL here
    # and filled by `fill_folded_columns` after the merge.
    fields = (
        ("owner_surname", "owner_surname"),
        ("owner_full_name", "owner_full_name"),
        ("address", "address"),
        ("kind", "kind"),
        ("private_house", "private_house"),
        ("common_house_meter", "common_house_meter"),
        ("email", "email"),
        ("phone", "phone"),
    )
    return {
        "update": f"""
            UPDATE accounts SET {", ".join(f"{c} = r.{s}" for c, s in fields)}, updated_at = :now,
                   owner_surname_folded = NULL, address_folded = NULL
            FROM {STAGE} r
            WHERE accounts.tenant_id = :tenant AND accounts.settlement_id = r.settlement
              AND accounts.number = r.account_number
              AND ({" OR ".join(d.differs(f"accounts.{c}", f"r.{s}") for c, s in fields)})
            """,
        "insert": f"""
            INSERT INTO accounts (tenant_id, id, settlement_id, number,
                                  {", ".join(c for c, _ in fields)}, created_at, updated_at)
            SELECT :tenant, {d.new_id}, r.settlement, r.account_number,
                   {", ".join(f"r.{s}" for _, s in fields)}, :now, :now
            FROM {STAGE} r
            WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.tenant_id = :tenant
                              AND a.settlement_id = r.settlement AND a.number = r.account_number)
            """,
    }


def _meters(d: Dialect) -> dict[str, str]:
    # `last_reading` is the billing system's latest value: it becomes the meter's starting point
    # (initial_value_milli), dated today, whenever it changes; an empty cell keeps what we have.
    changed = d.differs("r.last_reading", "meters.initial_value_milli")
    reading_changes = f"r.last_reading IS NOT NULL AND {changed}"
    return {
        "update": f"""
            UPDATE meters SET service = r.service, zones = r.zones, digits = r.digits,
                   verified_until = r.verified_until,
                   initial_value_milli = coalesce(r.last_reading, meters.initial_value_milli),
                   initial_on = CASE WHEN {reading_changes} THEN :today
                                     ELSE meters.initial_on END
            FROM {RESOLVED} r
            WHERE meters.tenant_id = :tenant AND meters.account_id = r.account_id
              AND meters.serial = r.serial
              AND (meters.service <> r.service OR meters.zones <> r.zones
                   OR meters.digits <> r.digits
                   OR {d.differs("meters.verified_until", "r.verified_until")}
                   OR ({reading_changes}))
            """,
        "insert": f"""
            INSERT INTO meters (tenant_id, id, account_id, serial, service, zones, digits,
                                verified_until, initial_value_milli, initial_on, created_at)
            SELECT :tenant, {d.new_id}, r.account_id, r.serial, r.service, r.zones, r.digits,
                   r.verified_until, r.last_reading,
                   CASE WHEN r.last_reading IS NULL THEN NULL ELSE :today END, :now
            FROM {RESOLVED} r
            WHERE NOT EXISTS (SELECT 1 FROM meters m WHERE m.tenant_id = :tenant
                              AND m.account_id = r.account_id AND m.serial = r.serial)
            """,
    }


_NEW_CHARGES = f"""
    INSERT INTO charges (tenant_id, account_id, period, service, volume_milli,
                         tariff_kopecks, amount_kopecks, imported_at)
    SELECT :tenant, r.account_id, r.period, r.service, r.volume, r.tariff, r.amount, :now
    FROM {RESOLVED} r
    """


def _charges(d: Dialect) -> dict[str, str]:
    return {
        "update": f"""
            UPDATE charges SET volume_milli = r.volume, tariff_kopecks = r.tariff,
                   amount_kopecks = r.amount, imported_at = :now
            FROM {RESOLVED} r
            WHERE charges.tenant_id = :tenant AND charges.account_id = r.account_id
              AND charges.period = r.period AND charges.service = r.service
              AND ({d.differs("charges.volume_milli", "r.volume")}
                   OR {d.differs("charges.tariff_kopecks", "r.tariff")}
                   OR charges.amount_kopecks <> r.amount)
            """,
        "insert": f"""
            {_NEW_CHARGES}
            WHERE NOT EXISTS (SELECT 1 FROM charges c WHERE c.tenant_id = :tenant
                              AND c.account_id = r.account_id AND c.period = r.period
                              AND c.service = r.service)
            """,
    }


def _new_payments(d: Dialect) -> str:
    # The import key tells a payment already imported from a new one: the n-th equal payment
    # (account, day, amount, channel) of the file is the n-th again next time, so the same file
    # twice stores nothing new and two equal payments on one day stay two.
    key = (
        f"{d.date_text.format('r.paid_on')} || '|' || CAST(r.amount AS TEXT) || '|' || "
        "coalesce(r.channel, '') || '|' || CAST(row_number() OVER ("
        "PARTITION BY r.account_id, r.paid_on, r.amount, r.channel ORDER BY r.line) AS TEXT)"
    )
    return f"""
        INSERT INTO payments (tenant_id, id, account_id, paid_on, amount_kopecks, channel,
                              import_key, created_at)
        SELECT :tenant, {d.new_id}, k.account_id, k.paid_on, k.amount, k.channel,
               k.import_key, :now
        FROM (SELECT r.*, {key} AS import_key FROM {RESOLVED} r) k
        """


def _payments(d: Dialect) -> dict[str, str]:
    return {
        "insert": f"""
            {_new_payments(d)}
            WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.tenant_id = :tenant
                              AND p.account_id = k.account_id AND p.import_key = k.import_key)
            """,
    }


_APPENDS = {"charges": lambda d: _NEW_CHARGES, "payments": _new_payments}
_MERGES = {"accounts": _accounts, "meters": _meters, "charges": _charges, "payments": _payments}
