"""Importing payments (SPEC §4): two equal payments on one day are two payments, yet the same
file twice stores each once; money in kopecks; one bad row, or another utility's file, and
nothing changes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.billing.exchange.importer import import_file
from app.billing.exchange.merge import AMBIGUOUS
from app.billing.models import Payment
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement
from tests.support.billing_files import PAYMENTS, later, messages, table, write
from tests.support.factories import add_payment, make_account

MARCH_5 = date(2026, 3, 5)
EQUAL = "204817,2026-03-05,1500.00,sberbank"


def payments(tenant):
    """(paid on, kopecks, channel) of every payment of `tenant`, oldest first."""
    with tenant_scope(tenant):
        rows = db.session.execute(
            select(Payment.paid_on, Payment.amount_kopecks, Payment.channel)
        ).all()
    return sorted(rows, key=lambda row: (row[0], row[1], row[2] or ""))


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


@pytest.fixture
def account(app_context, angarsk):
    return make_account(angarsk, number="204817")


def test_payments_are_stored_in_kopecks(account, angarsk, tmp_path):
    path = write(
        tmp_path,
        PAYMENTS,
        EQUAL,
        '204817,2026-03-05,"1 234,56",',
        "204817,2026-03-06,0.01,Почта России",
    )

    result = import_file(angarsk, "payments", path)

    assert result.ok, messages(result)
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert payments(angarsk) == [
        (MARCH_5, 123_456, None),
        (MARCH_5, 150_000, "sberbank"),
        (date(2026, 3, 6), 1, "Почта России"),
    ]


@pytest.mark.parametrize(("encoding", "delimiter"), [("utf-8-sig", ","), ("cp1251", ";")])
def test_a_spreadsheets_file_with_russian_channels_is_read(
    account, angarsk, tmp_path, encoding, delimiter
):
    rows = [PAYMENTS, "204817,2026-03-05,1500,Почта России", "204817,2026-03-06,20.5,Сбербанк"]
    path = tmp_path / "payments.csv"
    path.write_bytes("\r\n".join(row.replace(",", delimiter) for row in rows).encode(encoding))

    result = import_file(angarsk, "payments", path)

    assert result.ok, messages(result)
    assert payments(angarsk) == [
        (MARCH_5, 150_000, "Почта России"),
        (date(2026, 3, 6), 2_050, "Сбербанк"),
    ]


def test_two_equal_payments_on_one_day_stay_two_and_the_same_file_adds_none(
    account, angarsk, tmp_path, monkeypatch
):
    path = write(tmp_path, PAYMENTS, EQUAL, EQUAL, "204817,2026-03-05,1500.00,")
    assert import_file(angarsk, "payments", path).inserted == 3
    before = table(angarsk, Payment)
    later(monkeypatch)

    again = import_file(angarsk, "payments", path)

    assert (again.rows, again.inserted, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert table(angarsk, Payment) == before  # nothing new, not even a timestamp
    assert payments(angarsk) == [
        (MARCH_5, 150_000, None),
        (MARCH_5, 150_000, "sberbank"),
        (MARCH_5, 150_000, "sberbank"),
    ]


def test_a_later_file_adds_only_the_payments_not_imported_yet(account, angarsk, tmp_path):
    import_file(angarsk, "payments", write(tmp_path, PAYMENTS, EQUAL, EQUAL))
    add_payment(angarsk, account, MARCH_5, 150_000, channel="sberbank")  # paid in the cabinet

    result = import_file(
        angarsk,
        "payments",
        write(tmp_path, PAYMENTS, EQUAL, "204817,2026-03-20,200,sberbank", EQUAL, EQUAL),
    )

    assert (result.inserted, result.unchanged) == (2, 2)
    assert payments(angarsk).count((MARCH_5, 150_000, "sberbank")) == 4
    assert import_file(angarsk, "payments", write(tmp_path, PAYMENTS, EQUAL)).inserted == 0


BAD_ROWS = [
    ("204817,2026-03-05,0,bank", "amount", "сумма платежа должна быть больше нуля"),
    ("204817,2026-03-05,-100,bank", "amount", "сумма платежа должна быть больше нуля"),
    ('204817,2026-03-05,"12,345",bank', "amount", "сумма платежа в рублях с копейками"),
    ("204817,2026-03-05,сто,bank", "amount", "сумма платежа в рублях с копейками"),
    ("204817,2026-03-05,,bank", "amount", "обязательное поле"),
    ("204817,2026-02-30,1,bank", "paid_on", "такой даты нет: 2026-02-30"),
    ("204817,05.03.2026,1,bank", "paid_on", "дата в формате ГГГГ-ММ-ДД"),
    ("204817,1999-03-05,1,bank", "paid_on", "год 1999 вне допустимого диапазона"),
    ("204817,2026-03-05,1," + "б" * 41, "channel", "не длиннее 40 символов"),
    ("204818,2026-03-05,1,bank", "account_number", "лицевой счёт не найден"),
    ("2048170,2026-03-05,1,bank", "account_number", "не в формате лицевых счетов"),
]


@pytest.mark.parametrize(("line", "column", "reason"), BAD_ROWS)
def test_every_bad_cell_is_named_with_its_line_and_column(
    account, angarsk, tmp_path, line, column, reason
):
    result = import_file(angarsk, "payments", write(tmp_path, PAYMENTS, EQUAL, line))

    [(found_line, found_column, found_reason)] = messages(result)
    assert (found_line, found_column) == (3, column)
    assert reason in found_reason
    assert payments(angarsk) == []  # the good line 2 is not imported either


def test_one_bad_row_leaves_every_payment_as_it_was(account, angarsk, tmp_path, monkeypatch):
    import_file(angarsk, "payments", write(tmp_path, PAYMENTS, EQUAL))
    before = table(angarsk, Payment)
    later(monkeypatch)
    path = write(
        tmp_path,
        PAYMENTS,
        EQUAL,
        EQUAL,  # would be a second one
        "204817,2026-03-07,300,bank",  # would be new
        "204817,2026-03-08,0,bank",
    )

    result = import_file(angarsk, "payments", path)

    assert messages(result) == [(5, "amount", "сумма платежа должна быть больше нуля")]
    assert (result.inserted, result.unchanged) == (0, 0)
    assert table(angarsk, Payment) == before


def test_another_utilitys_payments_file_is_refused(account, angarsk, tenants, tmp_path):
    moscow = tenants["moscow"]
    for number in ("7012345678", "7012345679"):
        make_account(moscow, number=number)
    path = write(
        tmp_path,
        PAYMENTS,
        "7012345678,2026-03-05,100,card",
        "7012345679,2026-03-05,200,card",
        "204817,2026-03-05,300,card",  # one number happens to be this utility's
    )

    result = import_file(angarsk, "payments", path)

    assert [(line, column) for line, column, _ in messages(result)] == [
        (2, "account_number"),
        (3, "account_number"),
    ]
    assert result.message.startswith(
        "Файл не принят: лицевые счета не найдены у этого водоканала в 2 из 3 строк — похоже, "
        "это файл другого водоканала."
    )
    assert payments(angarsk) == []


def test_a_few_unknown_accounts_are_just_errors(account, angarsk, tmp_path):
    path = write(tmp_path, PAYMENTS, EQUAL, EQUAL, "204899,2026-03-05,1,card")

    result = import_file(angarsk, "payments", path)

    assert messages(result) == [(4, "account_number", "лицевой счёт не найден")]
    assert "другого водоканала" not in result.message


def test_with_several_settlements_the_row_names_the_settlement(app_context, tenants, tmp_path):
    cheboksary = tenants["cheboksary"]
    for code in ("cheboksary", "kugesi"):
        make_account(cheboksary, number="104512367", settlement_code=code)
    header = PAYMENTS + ",settlement"

    refused = import_file(
        cheboksary,
        "payments",
        write(tmp_path, header, "104512367,2026-03-05,1,card,", "104512367,2026-03-05,1,card,x"),
    )
    result = import_file(
        cheboksary,
        "payments",
        write(
            tmp_path,
            header,
            "104512367,2026-03-05,100,card,cheboksary",
            "104512367,2026-03-05,200,card,kugesi",
        ),
    )

    assert messages(refused) == [
        (2, "account_number", AMBIGUOUS),
        (
            3,
            "settlement",
            "населённый пункт «x» неизвестен: ожидается cheboksary, novocheboksarsk, kugesi",
        ),
    ]
    assert result.ok, messages(result)
    with tenant_scope(cheboksary):
        placed = db.session.execute(
            select(Settlement.code, Payment.amount_kopecks)
            .join(Account, Account.id == Payment.account_id)
            .join(Settlement, Settlement.id == Account.settlement_id)
            .order_by(Settlement.code)
        ).all()
    assert placed == [("cheboksary", 10_000), ("kugesi", 20_000)]
