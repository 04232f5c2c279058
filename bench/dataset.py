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
