"""Load a benchmark database: the bench utility with N accounts, two meters each and a resident
per account (one shared password hash: hashing 100,000 passwords would take an hour)."""

from __future__ import annotations

import uuid
from datetime import date

import psycopg
from uuid6 import uuid7

from app.auth.passwords import hash_password

PASSWORD = "Bench-Password-1"


def account_number(index: int) -> str:
    return f"{10_000_000 + index:08d}"


def load(owner_dsn: str, tenant_id: int, settlement_id: uuid.UUID, count: int) -> None:
    """COPY `count` accounts with meters and residents into the bench tenant (idempotent)."""
    password_hash = hash_password(PASSWORD)
    with psycopg.connect(owner_dsn) as connection:
        # The owner (a superuser here) loads the data; the app role is held to the tenant by RLS.
        existing = connection.execute(
            "SELECT count(*) FROM accounts WHERE tenant_id = %s", (tenant_id,)).fetchone()[0]
        if existing >= count:
            return
        connection.execute("DELETE FROM accounts WHERE tenant_id = %s", (tenant_id,))
        connection.execute("DELETE FROM residents WHERE tenant_id = %s", (tenant_id,))
        now = "2026-01-01T00:00:00+00:00"
        accounts, meters, residents, links = [], [], [], []
        for index in range(count):
            account_id, resident_id = uuid7(), uuid7()
            accounts.append((tenant_id, account_id, settlement_id, account_number(index),
                             "individual", "Бенчев", "Бенчев Бенч Бенчевич",
                             f"г. Бенчград, ул. Тестовая, д. {index // 100 + 1}, кв. {index % 100 + 1}",
                             False, False, now, now))
            for service, serial_prefix in (("cold_water", "C"), ("hot_water", "H")):
                meters.append((tenant_id, uuid7(), account_id, f"{serial_prefix}{index:08d}",
                               service, 1, 5, date(2031, 1, 1), 100_000, date(2026, 1, 1), now))
            residents.append((tenant_id, resident_id, "individual", "Бенчев Бенч Бенчевич",
                              f"bench{index}@example.com", password_hash, "active", False, now,
                              now))
            links.append((tenant_id, resident_id, account_id, now))
        with connection.cursor() as cursor:
            _copy(cursor, "accounts", ("tenant_id", "id", "settlement_id", "number", "kind",
                                       "owner_surname", "owner_full_name", "address",
                                       "private_house", "common_house_meter", "created_at",
                                       "updated_at"), accounts)
            _copy(cursor, "meters", ("tenant_id", "id", "account_id", "serial", "service",
                                     "zones", "digits", "verified_until", "initial_value_milli",
                                     "initial_on", "created_at"), meters)
            _copy(cursor, "residents", ("tenant_id", "id", "kind", "full_name", "email",
                                        "password_hash", "status", "must_change_password",
                                        "email_confirmed_at", "created_at"), residents)
            _copy(cursor, "resident_accounts", ("tenant_id", "resident_id", "account_id",
                                                "linked_at"), links)
        connection.execute("ANALYZE")
        connection.commit()


def _copy(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# --- Shared set-up of the bench database (bench/billing_import.py; readings.py has its own) -----

DATABASE = "vodokabinet_bench"
APP_ROLE = "vodokabinet_app_bench"


def ensure_database(server_url: str) -> tuple[str, str]:
    """Create the bench database and the app role (not the tables' owner, so RLS applies) once;
    returns the owner's and the app's connection URLs."""
    server = psycopg.conninfo.conninfo_to_dict(server_url)
    with psycopg.connect(server_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             (DATABASE,)).fetchone():
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone():
            admin.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
    host, port = server.get("host", "127.0.0.1"), server.get("port", "5432")
    owner = f"postgresql://{server.get('user', 'postgres')}@{host}:{port}/{DATABASE}"
    return owner, f"postgresql://{APP_ROLE}@{host}:{port}/{DATABASE}"


def migrate(root, env: dict[str, str]) -> None:
    """`flask db upgrade` and `flask tenants load bench/tenants/` with `env`."""
    import subprocess
    import sys

    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["tenants", "load", "bench/tenants/"]):
        subprocess.run([*flask, *command], env=env, cwd=root, check=True, capture_output=True)


def bench_tenant(owner_dsn: str) -> tuple[int, uuid.UUID]:
    """The bench tenant's id and its (only) settlement's id."""
    with psycopg.connect(owner_dsn) as connection:
        tenant_id = connection.execute("SELECT id FROM tenants WHERE slug = 'bench'").fetchone()[0]
        settlement_id = connection.execute(
            "SELECT id FROM settlements WHERE tenant_id = %s", (tenant_id,)).fetchone()[0]
    return tenant_id, settlement_id


SERVICES = (("cold_water", 5123), ("hot_water", 24876), ("sewerage", 3899))  # tariff, kopecks


def write_charges(path, count: int, accounts: int, period: str = "2026-03") -> None:
    """A charges file of `count` rows (SPEC §4): the accounts in turn, three services each,
    then the next period back, so every (account, period, service) appears once."""
    import random

    rng = random.Random(20261122)
    year, month = map(int, period.split("-"))
    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write("account_number,period,service,volume,tariff,amount\n")
        written = 0
        while written < count:
            label = f"{year:04d}-{month:02d}"
            for index in range(accounts):
                for service, tariff in SERVICES:
                    if written == count:
                        break
                    volume = rng.randint(0, 25_000)  # thousandths of a cubic metre
                    amount = volume * tariff // 1000
                    file.write(f"{account_number(index)},{label},{service},"
                               f"{volume // 1000}.{volume % 1000:03d},"
                               f"{tariff // 100}.{tariff % 100:02d},"
                               f"{amount // 100}.{amount % 100:02d}\n")
                    written += 1
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)


def load_readings(owner_dsn: str, tenant_id: int, period: date) -> int:
    """A current reading for `period` on every meter of the bench tenant, set-based on the
    server (one submission per account, one version per meter); returns the readings made."""
    params = {"tenant": tenant_id, "period": period}
    # Each step commits and is analysed, so the next one is planned on real row counts.
    with psycopg.connect(owner_dsn, autocommit=True) as connection:
        meters, ready = connection.execute(
            "SELECT (SELECT count(*) FROM meters WHERE tenant_id = %(tenant)s), "
            "(SELECT count(*) FROM readings WHERE tenant_id = %(tenant)s AND period = %(period)s)",
            params).fetchone()
        if ready == meters:  # made by an earlier run
            return ready
        for table in ("readings", "reading_versions", "reading_submissions"):
            connection.execute(f"DELETE FROM {table} WHERE tenant_id = %(tenant)s", params)
        connection.execute(
            """
            INSERT INTO reading_submissions (tenant_id, id, account_id, period, idempotency_key,
                                             channel, author_kind, created_at)
            SELECT tenant_id, gen_random_uuid(), id, %(period)s, 'bench-' || id, 'web',
                   'resident', %(period)s::timestamptz + interval '21 days 9 hours'
                   + (random() * interval '4 days')
            FROM accounts WHERE tenant_id = %(tenant)s
            """, params)
        connection.execute("ANALYZE reading_submissions")
        connection.execute(
            """
            INSERT INTO reading_versions (tenant_id, id, submission_id, meter_id, zone, period,
                                          value_milli, consumption_milli, flagged, created_at)
            SELECT m.tenant_id, gen_random_uuid(), s.id, m.id, 1, s.period,
                   100000 + (random() * 20000)::bigint * 10, NULL, false, s.created_at
            FROM meters m JOIN reading_submissions s
              ON s.tenant_id = m.tenant_id AND s.account_id = m.account_id
            WHERE m.tenant_id = %(tenant)s
            """, params)
        connection.execute("ANALYZE reading_versions")
        made = connection.execute(
            """
            INSERT INTO readings (tenant_id, meter_id, period, zone, value_milli, version_id,
                                  flagged, updated_at)
            SELECT tenant_id, meter_id, period, zone, value_milli, id, flagged, created_at
            FROM reading_versions WHERE tenant_id = %(tenant)s
            """, params).rowcount
        connection.execute("VACUUM ANALYZE readings")
    return made
