"""Importing charges (SPEC §4): upserted by account, period and service; money in kopecks; the
same file twice changes nothing; one bad row, or another utility's accounts, and nothing changes."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app import clock
from app.billing.exchange.importer import import_file
from app.billing.models import Charge
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.billing_files import CHARGES, messages, write
from tests.support.factories import make_account

HEADER = CHARGES
MARCH = date(2026, 3, 1)


def charges(tenant):
    with tenant_scope(tenant):
        return db.session.execute(
            select(
                Charge.account_id,
                Charge.period,
                Charge.service,
                Charge.volume_milli,
                Charge.tariff_kopecks,
                Charge.amount_kopecks,
                Charge.imported_at,
            ).order_by(Charge.account_id, Charge.period, Charge.service)
        ).all()


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


@pytest.fixture
def account(app_context, angarsk):
    return make_account(angarsk, number="204817")


def test_charges_are_stored_in_kopecks_and_thousandths(account, angarsk, tmp_path):
    path = write(
        tmp_path,
        HEADER,
        "204817,2026-03,cold_water,4.402,51.23,225.51",
        "204817,2026-03,sewerage,,,-12.5",  # a recalculation: negative, no volume or tariff
    )

    result = import_file(angarsk, "charges", path)

    assert result.ok, messages(result)
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (2, 2, 0, 0)
    assert [row[1:6] for row in charges(angarsk)] == [
        (MARCH, "cold_water", 4402, 5123, 22551),
        (MARCH, "sewerage", None, None, -1250),
    ]


def test_three_charges_of_ten_kopecks_sum_to_exactly_thirty(account, angarsk, tmp_path):
    path = write(
        tmp_path,
        HEADER,
        "204817,2026-01,cold_water,,,0.10",
        "204817,2026-02,cold_water,,,0.1",
        '204817,2026-03,cold_water,,,"0,10"',  # a decimal comma, as spreadsheets write
    )

    assert import_file(angarsk, "charges", path).ok
    with tenant_scope(angarsk):
        total = db.session.scalar(select(func.sum(Charge.amount_kopecks)))
    assert total == 30


def test_importing_the_same_file_twice_changes_nothing(account, angarsk, tmp_path, monkeypatch):
    path = write(
        tmp_path,
        HEADER,
        "204817,2026-03,cold_water,4.402,51.23,225.51",
        "204817,2026-03,sewerage,,,-12.5",  # empty cells compare equal to the stored NULLs
    )
    assert import_file(angarsk, "charges", path).inserted == 2
    before = charges(angarsk)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 4, 2, 9, 0, tzinfo=UTC))

    again = import_file(angarsk, "charges", path)

    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert charges(angarsk) == before  # not even imported_at moves


def test_a_corrected_charge_replaces_the_old_one(account, angarsk, tmp_path):
    import_file(angarsk, "charges", write(tmp_path, HEADER, "204817,2026-03,cold_water,4,50,200"))

    result = import_file(
        angarsk,
        "charges",
        write(
            tmp_path,
            HEADER,
            "204817,2026-03,cold_water,4,50,190",
            "204817,2026-03,hot_water,1,200,200",
        ),
    )

    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 0)
    assert [(row[2], row[5]) for row in charges(angarsk)] == [
        ("cold_water", 19000),
        ("hot_water", 20000),
    ]


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("204817,2026-13,cold_water,1,1,1", "period", "месяца 13 нет: ожидается 01–12"),
        ("204817,март 2026,cold_water,1,1,1", "period", "период в формате ГГГГ-ММ"),
        ("204817,2026-03,gas,1,1,1", "service", "код услуги «gas» неизвестен"),
        ("204817,2026-03,cold_water,-1.5,1,1", "volume", "объём не может быть отрицательным"),
        ("204817,2026-03,cold_water,1.2345,1,1", "volume", "не больше 3 знаков после запятой"),
        ("204817,2026-03,cold_water,много,1,1", "volume", "объём — число"),
        ("204817,2026-03,cold_water,1,-5,1", "tariff", "тариф не может быть отрицательным"),
        ("204817,2026-03,cold_water,1,1,12.345", "amount", "сумма в рублях с копейками"),
        ("204817,2026-03,cold_water,1,1,12руб", "amount", "сумма в рублях с копейками"),
        ("204817,2026-03,cold_water,1,1,", "amount", "обязательное поле"),
        ("20481,2026-03,cold_water,1,1,1", "account_number", "не в формате лицевых счетов"),
        ("204818,2026-03,cold_water,1,1,1", "account_number", "лицевой счёт не найден"),
    ],
)
def test_every_bad_cell_is_named_with_its_line_and_column(
    account, angarsk, tmp_path, line, column, reason
):
    path = write(tmp_path, HEADER, "204817,2026-02,cold_water,1,1,1", line)

    result = import_file(angarsk, "charges", path)

    assert not result.ok
    [(found_line, found_column, found_reason)] = messages(result)
    assert (found_line, found_column) == (3, column)
    assert reason in found_reason
    assert charges(angarsk) == []  # the good line 2 is not imported either


def test_all_bad_cells_of_a_row_and_all_bad_rows_are_reported(account, angarsk, tmp_path):
    path = write(
        tmp_path,
        HEADER,
        "204817,2026-3,water,x,1,1",
        "204817,2026-03,cold_water,1,1",
        "204817,2026-03,cold_water,1,1,1",
        "204817,2026-03,cold_water,2,2,2",
    )

    result = import_file(angarsk, "charges", path)

    assert [(line, column) for line, column, _ in messages(result)] == [
        (2, "period"),
        (2, "service"),
        (2, "volume"),
        (3, None),
        (5, "service"),
    ]
    assert messages(result)[3][2] == "в строке 5 столбцов, в заголовке 6"
    assert messages(result)[4][2] == "повторяет строку 4"
    assert result.problem_count == 5
    assert "5 ошибок" in result.message


def test_a_file_of_another_utilitys_accounts_is_refused(app_context, tenants, tmp_path):
    moscow, angarsk = tenants["moscow"], tenants["angarsk"]
    make_account(angarsk, number="204817")
    for number in ("7012345678", "7012345679"):
        make_account(moscow, number=number)
    path = write(
        tmp_path,
        HEADER,
        "7012345678,2026-03,cold_water,1,40,40",
        "7012345679,2026-03,cold_water,1,40,40",
    )
    assert import_file(moscow, "charges", path).ok
    with tenant_scope(moscow):
        db.session.execute(Charge.__table__.delete().where(Charge.tenant_id == moscow.id))

    result = import_file(angarsk, "charges", path)

    assert not result.ok
    assert [(line, column) for line, column, _ in messages(result)] == [
        (2, "account_number"),
        (3, "account_number"),
    ]
    assert all(reason.startswith("лицевой счёт не найден") for _, _, reason in messages(result))
    assert "похоже, это файл другого водоканала" in result.message
    assert charges(angarsk) == []


def test_a_number_of_this_format_the_utility_does_not_have_is_not_found(account, angarsk, tmp_path):
    path = write(tmp_path, HEADER, "204817,2026-03,cold_water,1,1,1", "999999,2026-03,sewerage,,,1")

    result = import_file(angarsk, "charges", path)

    assert messages(result) == [(3, "account_number", "лицевой счёт не найден")]
    assert "1 ошибка" in result.message


def test_a_bad_row_at_the_end_of_a_long_file_leaves_the_database_unchanged(
    app_context, angarsk, tmp_path
):
    numbers = [f"{300000 + i}" for i in range(100)]
    for number in numbers:
        make_account(angarsk, number=number, meters=0)
    import_file(angarsk, "charges", write(tmp_path, HEADER, f"{numbers[0]},2020-01,sewerage,,,1"))
    before = charges(angarsk)
    rows = 99_998  # with the header, the bad row is line 99,999
    lines = [HEADER]
    for index in range(rows - 1):
        year, month = divmod(index // 300, 12)
        service = ("cold_water", "hot_water", "sewerage")[index % 3]
        number = numbers[index // 3 % 100]
        lines.append(f"{number},{2021 + year}-{month + 1:02d},{service},1.5,40.1,60.15")
    lines.append(f"{numbers[0]},2099-01,cold_water,1,1,1.001")
    path = write(tmp_path, *lines, name="long.csv")

    started = time.perf_counter()
    result = import_file(angarsk, "charges", path)
    seconds = time.perf_counter() - started

    assert messages(result) == [(99_999, "amount", "сумма в рублях с копейками, например 1234.56")]
    assert result.rows == rows
    assert charges(angarsk) == before
    assert seconds < 30, f"{rows} rows took {seconds:.1f} s"


def test_a_service_another_company_bills_has_no_charges(app_context, tenants, tmp_path):
    novosibirsk = tenants["novosibirsk"]  # hot water: readings collected, billed by others
    make_account(novosibirsk, number="01-1234567")
    path = write(
        tmp_path,
        HEADER,
        "01-1234567,2026-03,cold_water,1,1,1",
        "01-1234567,2026-03,hot_water,1,1,1",
    )

    result = import_file(novosibirsk, "charges", path)

    assert messages(result) == [
        (
            3,
            "service",
            "услугу «hot_water» этот водоканал не начисляет: её начисляет другая организация",
        )
    ]
    assert charges(novosibirsk) == []


def tariff_list(tenant):
    from app.billing.statement import tariffs

    with tenant_scope(tenant):
        return [(t.service, t.tariff_kopecks, t.effective_from) for t in tariffs(tenant)]


def test_the_tariff_list_follows_every_import_and_a_refused_file_leaves_it(
    account, angarsk, tmp_path
):
    first = write(
        tmp_path,
        HEADER,
        "204817,2026-02,cold_water,4.402,51.23,225.51",
        "204817,2026-03,cold_water,4.000,51.23,204.92",
        "204817,2026-03,sewerage,4.000,30.00,120.00",
    )
    assert import_file(angarsk, "charges", first).ok
    assert tariff_list(angarsk) == [
        ("cold_water", 5123, date(2026, 2, 1)),
        ("sewerage", 3000, MARCH),
    ]
    # The utility corrects March's cold water tariff: the list is derived again, not appended to.
    corrected = write(tmp_path, HEADER, "204817,2026-03,cold_water,4.000,55.00,220.00")
    assert import_file(angarsk, "charges", corrected).ok
    assert tariff_list(angarsk) == [
        ("cold_water", 5123, date(2026, 2, 1)),
        ("cold_water", 5500, MARCH),
        ("sewerage", 3000, MARCH),
    ]
    refused = write(
        tmp_path, HEADER, "204817,2026-04,cold_water,4.000,60.00,240.00", "999999,2026-04,x,1,1,1"
    )
    assert not import_file(angarsk, "charges", refused).ok
    assert ("cold_water", 6000, date(2026, 4, 1)) not in tariff_list(angarsk)


def test_the_tariff_list_is_each_utilitys_own(account, angarsk, tenants, tmp_path):
    path = write(tmp_path, HEADER, "204817,2026-03,cold_water,4.000,51.23,204.92")
    assert import_file(angarsk, "charges", path).ok
    assert tariff_list(tenants["cheboksary"]) == []


@pytest.mark.parametrize("stored_before", [False, True])
def test_a_row_twice_in_the_file_is_refused_whether_or_not_it_is_stored(
    account, angarsk, tmp_path, stored_before
):
    # A file of new rows is inserted without looking for repeats first: the table's key finds
    # them, and then the rows are named as they are in any other file.
    if stored_before:
        import_file(angarsk, "charges", write(tmp_path, HEADER, "204817,2026-03,cold_water,1,1,1"))
    before = charges(angarsk)
    path = write(
        tmp_path,
        HEADER,
        "204817,2026-03,cold_water,1,1,1",
        "204817,2026-03,hot_water,1,1,1",
        "204817,2026-03,cold_water,2,2,2",
    )

    result = import_file(angarsk, "charges", path)

    assert messages(result) == [(4, "service", "повторяет строку 2")]
    assert charges(angarsk) == before


def test_a_file_of_new_rows_goes_in_with_one_insert(account, angarsk, tmp_path, monkeypatch):
    from app.billing.exchange import merge

    path = write(
        tmp_path,
        HEADER,
        "204817,2026-03,cold_water,1,1,1",
        "204817,2026-03,hot_water,2,2,2",
    )
    searched = []
    real = merge.check_repeats
    monkeypatch.setattr(
        merge, "check_repeats", lambda *args, **kwargs: searched.append(1) or real(*args, **kwargs)
    )

    result = import_file(angarsk, "charges", path)

    assert (result.inserted, result.updated, result.unchanged) == (2, 0, 0)
    assert searched == []  # no search for repeats: the key had nothing to refuse
