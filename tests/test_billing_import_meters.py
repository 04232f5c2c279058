"""Importing meters (SPEC §4): upserted by account and serial; the billing system's last reading
becomes the meter's starting value, dated the tenant's today; the same file twice changes nothing;
with several settlements a number is found in the settlement the row names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.accounts.models import Account, Meter
from app.billing.exchange.importer import import_file
from app.billing.exchange.merge import AMBIGUOUS
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement
from tests.support.billing_files import METERS, later, messages, table, write
from tests.support.factories import make_account

# 20:00 UTC on 31 March is already 1 April in Angarsk (UTC+8).
EVENING = datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
APRIL_1 = date(2026, 4, 1)


def meters(tenant):
    """(account number, serial, service, zones, digits, verified until, starting value, its
    date) of every meter of `tenant`."""
    with tenant_scope(tenant):
        return db.session.execute(
            select(
                Account.number,
                Meter.serial,
                Meter.service,
                Meter.zones,
                Meter.digits,
                Meter.verified_until,
                Meter.initial_value_milli,
                Meter.initial_on,
            )
            .join(Account, Account.id == Meter.account_id)
            .order_by(Meter.serial, Account.number)
        ).all()


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


@pytest.fixture
def account(app_context, angarsk, monkeypatch):
    monkeypatch.setattr("app.clock.now", lambda: EVENING)
    return make_account(angarsk, number="204817", meters=0)


def test_new_meters_are_stored_with_their_last_reading(account, angarsk, tmp_path):
    path = write(
        tmp_path,
        METERS,
        "204817,A-1,cold_water,1,5,2030-01-01,123.456",
        "204817,A-2,hot_water,2,6,,",
        '204817,A-3,cold_water,1,8,2031-12-31,"99999999,9"',
    )

    result = import_file(angarsk, "meters", path)

    assert result.ok, messages(result)
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert meters(angarsk) == [
        ("204817", "A-1", "cold_water", 1, 5, date(2030, 1, 1), 123_456, APRIL_1),
        ("204817", "A-2", "hot_water", 2, 6, None, None, None),
        ("204817", "A-3", "cold_water", 1, 8, date(2031, 12, 31), 99_999_999_900, APRIL_1),
    ]


def test_a_changed_meter_is_updated_and_an_empty_reading_keeps_the_known_one(
    account, angarsk, tmp_path, monkeypatch
):
    import_file(angarsk, "meters", write(tmp_path, METERS, "204817,A-1,cold_water,1,5,,10"))
    later(monkeypatch)

    changed = import_file(
        angarsk, "meters", write(tmp_path, METERS, "204817,A-1,cold_water,1,6,2032-05-01,")
    )
    moved = import_file(
        angarsk, "meters", write(tmp_path, METERS, "204817,A-1,cold_water,1,6,2032-05-01,12")
    )

    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 0)
    assert (moved.inserted, moved.updated, moved.unchanged) == (0, 1, 0)
    assert meters(angarsk) == [
        ("204817", "A-1", "cold_water", 1, 6, date(2032, 5, 1), 12_000, date(2031, 6, 2))
    ]


def test_importing_the_same_file_twice_changes_nothing(account, angarsk, tmp_path, monkeypatch):
    path = write(
        tmp_path,
        METERS,
        "204817,A-1,cold_water,1,5,2030-01-01,123.456",
        "204817,A-2,hot_water,2,6,,",
    )
    assert import_file(angarsk, "meters", path).inserted == 2
    before = table(angarsk, Meter)
    later(monkeypatch)  # another day: the starting value's date must not follow

    again = import_file(angarsk, "meters", path)

    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert table(angarsk, Meter) == before


BAD_ROWS = [
    ("204817,B,sewerage,1,5,,", "service", "вид учёта «sewerage» неизвестен: ожидается cold"),
    ("204817,B,cold_water,3,5,,", "zones", "число тарифных зон: 1 или 2"),
    ("204817,B,cold_water,1,12,,", "digits", "разрядность счётчика: от 3 до 10"),
    ("204817,B,cold_water,1,5,01.01.2030,", "verified_until", "дата в формате ГГГГ-ММ-ДД"),
    ("204817,B,cold_water,1,5,2030-02-30,", "verified_until", "такой даты нет: 2030-02-30"),
    ("204817,B,cold_water,1,5,,-5", "last_reading", "показание не может быть отрицательным"),
    ("204817,B,cold_water,1,5,,1.2345", "last_reading", "не больше 3 знаков после запятой"),
    ("204817,B,cold_water,1,5,,100000", "last_reading", "не помещается в 5 разрядов счётчика"),
    ("204817,B,cold_water,1,4,,10000.5", "last_reading", "не помещается в 4 разряда счётчика"),
    ("204817,,cold_water,1,5,,", "serial", "обязательное поле"),
    ("204818,B,cold_water,1,5,,", "account_number", "лицевой счёт не найден"),
    ("20481,B,cold_water,1,5,,", "account_number", "лицевой счёт не найден: номер «20481» не в"),
]


@pytest.mark.parametrize(("line", "column", "reason"), BAD_ROWS)
def test_every_bad_cell_is_named_with_its_line_and_column(
    account, angarsk, tmp_path, line, column, reason
):
    path = write(tmp_path, METERS, "204817,A-1,cold_water,1,5,,99999.999", line)

    result = import_file(angarsk, "meters", path)

    [(found_line, found_column, found_reason)] = messages(result)
    assert (found_line, found_column) == (3, column)
    assert reason in found_reason
    assert meters(angarsk) == []  # the good line 2 is not imported either


def test_a_meter_twice_in_one_file_is_refused_but_one_serial_on_two_accounts_is_not(
    account, angarsk, tmp_path
):
    make_account(angarsk, number="204818", meters=0)
    rows = ("204817,A-1,cold_water,1,5,,", "204818,A-1,cold_water,1,5,,")

    result = import_file(
        angarsk, "meters", write(tmp_path, METERS, *rows, "204817,A-1,hot_water,1,5,,")
    )

    assert messages(result) == [(4, "serial", "повторяет строку 2")]
    assert meters(angarsk) == []
    assert import_file(angarsk, "meters", write(tmp_path, METERS, *rows)).ok
    assert [(number, serial) for number, serial, *_ in meters(angarsk)] == [
        ("204817", "A-1"),
        ("204818", "A-1"),
    ]


@pytest.fixture
def cheboksary(app_context, tenants):
    tenant = tenants["cheboksary"]
    make_account(tenant, number="104512367", settlement_code="cheboksary", meters=0)
    make_account(tenant, number="104512367", settlement_code="kugesi", meters=0)
    make_account(tenant, number="104500001", settlement_code="kugesi", meters=0)
    return tenant


def test_with_several_settlements_the_row_names_the_settlement(cheboksary, tmp_path):
    path = write(
        tmp_path,
        METERS + ",settlement",
        "104512367,C-1,cold_water,1,5,,,cheboksary",
        "104512367,K-1,cold_water,1,5,,,kugesi",
        "104500001,K-2,hot_water,1,5,,,",  # in one settlement only: found without it
    )

    result = import_file(cheboksary, "meters", path)

    assert result.ok, messages(result)
    with tenant_scope(cheboksary):
        placed = db.session.execute(
            select(Meter.serial, Account.number, Settlement.code)
            .join(Account, Account.id == Meter.account_id)
            .join(Settlement, Settlement.id == Account.settlement_id)
            .order_by(Meter.serial)
        ).all()
    assert placed == [
        ("C-1", "104512367", "cheboksary"),
        ("K-1", "104512367", "kugesi"),
        ("K-2", "104500001", "kugesi"),
    ]


def test_a_missing_or_unknown_settlement_is_named(cheboksary, tmp_path):
    path = write(
        tmp_path,
        METERS + ",settlement",
        "104512367,C-1,cold_water,1,5,,,",
        "104512367,C-2,cold_water,1,5,,,шумерля",
        "104500001,C-3,cold_water,1,5,,,novocheboksarsk",
    )

    result = import_file(cheboksary, "meters", path)

    assert messages(result) == [
        (2, "account_number", AMBIGUOUS),
        (
            3,
            "settlement",
            "населённый пункт «шумерля» неизвестен: ожидается cheboksary, novocheboksarsk, kugesi",
        ),
        (4, "account_number", "лицевой счёт не найден"),
    ]
    assert "похоже" not in result.message


def test_one_bad_row_leaves_every_meter_as_it_was(account, angarsk, tmp_path, monkeypatch):
    import_file(angarsk, "meters", write(tmp_path, METERS, "204817,A-1,cold_water,1,5,,10"))
    before = table(angarsk, Meter)
    later(monkeypatch)
    path = write(
        tmp_path,
        METERS,
        "204817,A-1,cold_water,1,6,,20",  # would change
        "204817,A-2,cold_water,1,5,,",  # would be new
        "204817,A-3,cold_water,один,5,,",
    )

    result = import_file(angarsk, "meters", path)

    assert messages(result) == [(4, "zones", "число тарифных зон: 1 или 2")]
    assert table(angarsk, Meter) == before


def test_another_utilitys_meters_file_is_refused(account, angarsk, tenants, tmp_path):
    moscow = tenants["moscow"]
    for number in ("7012345678", "7012345679"):
        make_account(moscow, number=number, meters=0)
    path = write(
        tmp_path,
        METERS,
        "7012345678,M-1,cold_water,1,5,,",
        "7012345679,M-2,hot_water,1,5,,",
    )
    assert import_file(moscow, "meters", path).inserted == 2

    result = import_file(angarsk, "meters", path)

    assert [(line, column) for line, column, _ in messages(result)] == [
        (2, "account_number"),
        (3, "account_number"),
    ]
    assert "похоже, это файл другого водоканала" in result.message
    assert meters(angarsk) == []
