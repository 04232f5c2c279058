"""The PostgreSQL fast path of charges and payments files (server-side COPY, checks in SQL) gives
exactly what the row-by-row path gives: the same rows stored, the same problems with the same
lines, columns and reasons; and it steps aside for files it cannot read line for line."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.billing.exchange import fastpath, importer
from app.billing.models import Charge, Payment
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account

pytestmark = pytest.mark.usefixtures("postgres_only")

CHARGES = "account_number,period,service,volume,tariff,amount"
PAYMENTS = "account_number,paid_on,amount,channel"


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


@pytest.fixture
def spy(monkeypatch):
    """What stage_file answered each time (None: it stepped aside)."""
    answers = []
    real = fastpath.stage_file

    def stage_file(*args, **kwargs):
        answers.append(real(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(fastpath, "stage_file", stage_file)
    return answers


def write(tmp_path, *lines, encoding="utf-8"):
    path = tmp_path / "file.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def outcome(tenant, kind, path, model, columns):
    """(problems, stored rows) of importing `path`, then the database put back."""
    savepoint = db.session.begin_nested()
    result = importer.import_file(tenant, kind, path)
    with tenant_scope(tenant):
        rows = db.session.execute(select(*columns).order_by(*columns)).all()
    savepoint.rollback()
    return [(p.line, p.column, p.reason) for p in result.problems], result.message, rows


def both_paths(monkeypatch, tenant, kind, path, model, columns):
    fast = outcome(tenant, kind, path, model, columns)
    monkeypatch.setattr(fastpath, "applies", lambda spec: False)
    slow = outcome(tenant, kind, path, model, columns)
    return fast, slow


CHARGE_COLUMNS = (
    Charge.period,
    Charge.service,
    Charge.volume_milli,
    Charge.tariff_kopecks,
    Charge.amount_kopecks,
)


def test_clean_and_hand_written_charges_are_stored_alike(
    app_context, angarsk, tmp_path, monkeypatch, spy
):
    make_account(angarsk, number="204817")
    path = write(
        tmp_path,
        CHARGES,
        "204817,2026-03,cold_water,4.402,51.23,225.51",  # as a billing system writes it
        "204817,2026-03,hot_water, 1 234.5 ,1 000.5,-12.3",  # as a person types it
        "204817,2026-03,sewerage,,,0.10",
        "204817,2026-04,cold_water,0,0,0",
    )

    (fast, slow) = both_paths(monkeypatch, angarsk, "charges", path, Charge, CHARGE_COLUMNS)

    assert spy == [4]
    assert fast == slow
    assert fast[0] == []
    assert len(fast[2]) == 4


def test_bad_charges_get_the_same_reasons_on_both_paths(
    app_context, angarsk, tmp_path, monkeypatch, spy
):
    make_account(angarsk, number="204817")
    path = write(
        tmp_path,
        CHARGES,
        "204817,2026-03,cold_water,1,1,1",
        "204817,2026-13,cold_water,-1,-1,1.001",
        "999999,2026-03,hot_water,1,1,1",
        "20481,2026-03,steam,1.2345,1,",
        "204817,1999-03,sewerage,1,1,1",
        "204817,2026-03,cold_water,2,2,2",  # repeats line 2
    )

    (fast, slow) = both_paths(monkeypatch, angarsk, "charges", path, Charge, CHARGE_COLUMNS)

    assert spy == [6]
    assert fast == slow
    assert {line for line, _column, _reason in fast[0]} == {3, 4, 5, 6, 7}
    assert fast[2] == []


def test_payments_alike_on_both_paths(app_context, angarsk, tmp_path, monkeypatch, spy):
    make_account(angarsk, number="204817")
    columns = (Payment.paid_on, Payment.amount_kopecks, Payment.channel, Payment.import_key)
    path = write(
        tmp_path,
        PAYMENTS,
        "204817,2026-03-15,1200.50,Сбербанк Онлайн",
        "204817,2026-03-15,1200.50,Сбербанк Онлайн",  # the same payment twice: two payments
        "204817,2026-02-29,10,касса",  # no such day
        "204817,2026-03-01,0,касса",  # nothing paid
        "204817,2026-03-02,5,",
    )

    (fast, slow) = both_paths(monkeypatch, angarsk, "payments", path, Payment, columns)

    assert spy == [5]
    assert fast == slow
    assert [(line, column) for line, column, _ in fast[0]] == [(4, "paid_on"), (5, "amount")]


@pytest.mark.parametrize(
    "cells",
    [
        "1e3,1,1",  # PostgreSQL reads it as 1000; the parsers do not
        "+5,1,1",
        "007,1,1",  # the parsers accept leading zeros: the casting SQL hands them over
        "NaN,1,1",
        "Infinity,1,1",
        "1,1,-0",
        "5.,1,1",
        ".5,1,1",
        "1,1.500,1",
        "1,1,99999999999999",  # a kopeck sum past BIGINT's comfort
        "1,1,много",  # no number at all: the cast fails and the guarded SQL runs
    ],
)
def test_numbers_postgresql_would_read_differently_are_parsed_as_python_does(
    app_context, angarsk, tmp_path, monkeypatch, spy, cells
):
    make_account(angarsk, number="204817")
    path = write(
        tmp_path,
        CHARGES,
        "204817,2026-03,cold_water,4.402,51.23,225.51",
        f"204817,2026-03,hot_water,{cells}",
    )

    (fast, slow) = both_paths(monkeypatch, angarsk, "charges", path, Charge, CHARGE_COLUMNS)

    assert spy == [2]
    assert fast == slow


@pytest.mark.parametrize(
    ("kind", "row"),
    [
        ("charges", "204817,2026-3,cold_water,1,1,1"),
        ("charges", "204817,202603,cold_water,1,1,1"),
        ("charges", "204817,1999-12,cold_water,1,1,1"),
        ("charges", "204817,2026-13,cold_water,1,1,1"),
        ("payments", "204817,2026-3-5,10,касса"),
        ("payments", "204817,20260305,10,касса"),
        ("payments", "204817,today,10,касса"),
        ("payments", "204817,1999-12-31,10,касса"),
        ("payments", "204817,2026-02-30,10,касса"),
    ],
)
def test_dates_postgresql_would_read_differently_are_parsed_as_python_does(
    app_context, angarsk, tmp_path, monkeypatch, spy, kind, row
):
    make_account(angarsk, number="204817")
    header, model = (CHARGES, Charge) if kind == "charges" else (PAYMENTS, Payment)
    columns = CHARGE_COLUMNS if kind == "charges" else (Payment.paid_on, Payment.amount_kopecks)

    (fast, slow) = both_paths(
        monkeypatch, angarsk, kind, write(tmp_path, header, row), model, columns
    )

    assert spy == [1]
    assert fast == slow
    assert fast[0]  # each of them is refused


@pytest.mark.parametrize(
    "lines",
    [
        (CHARGES, "204817,2026-03,cold_water,1,1,1", "", "204817,2026-04,cold_water,1,1,1"),
        (CHARGES, '204817,2026-03,cold_water,"1",1,1'),
        (CHARGES, "204817,2026-03,cold_water,1,1,1,"),
        (CHARGES, "204817,2026-03,cold_water,1,1"),
    ],
    ids=["blank line", "quotes", "trailing separator", "short row"],
)
def test_files_it_cannot_read_line_for_line_go_the_slow_way(
    app_context, angarsk, tmp_path, spy, lines
):
    make_account(angarsk, number="204817")

    result = importer.import_file(angarsk, "charges", write(tmp_path, *lines))

    assert spy == [None]
    assert result.ok == (lines[-1] != "204817,2026-03,cold_water,1,1")


def test_a_windows_1251_file_with_semicolons_takes_the_fast_path(
    app_context, angarsk, tmp_path, spy
):
    make_account(angarsk, number="204817")
    path = write(
        tmp_path,
        "account_number;paid_on;amount;channel",
        "204817;2026-03-15;1200,50;Почта России",
        encoding="cp1251",
    )

    result = importer.import_file(angarsk, "payments", path)

    assert result.ok and spy == [1]
    with tenant_scope(angarsk):
        assert db.session.execute(select(Payment.amount_kopecks, Payment.channel)).all() == [
            (120050, "Почта России")
        ]


@pytest.mark.parametrize("decimals", [0, 1, 2, 3])
def test_the_servers_reading_values_round_as_the_cabinet_shows_them(app_context, decimals):
    from sqlalchemy import text

    from app.billing.exchange.export_copy import _value_sql
    from app.billing.exchange.exports import value_formatter

    values = (0, 5, 15, 25, 999, 1_000, 1_005, 1_050, 1_500, 2_500, 123_456, 99_999_999_999)
    rows = ", ".join(f"({value})" for value in values)
    found = db.session.execute(
        text(f"SELECT {_value_sql(decimals)} FROM (VALUES {rows}) r(value_milli)")
    ).scalars()
    assert list(found) == [value_formatter(decimals)(value) for value in values]
