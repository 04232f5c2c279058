"""Importing accounts (SPEC §4): new accounts inserted, changed ones updated, unchanged ones not
touched; the tenant's settlements and account-number shape decide what a row may hold; one bad
row, or another utility's file, and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.billing.exchange.importer import import_file
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement
from tests.support.billing_files import ACCOUNTS, later, messages, table, write
from tests.support.factories import make_account

SAME = '204817,,Иванов,Иванов Иван Иванович,"ул. Ленина, д. 1, кв. 1",individual,0,0,,'


def accounts(tenant):
    """(settlement, number, surname, full name, address, kind, private house, common-house
    meter, e-mail, phone) of every account of `tenant`."""
    with tenant_scope(tenant):
        return db.session.execute(
            select(
                Settlement.code,
                Account.number,
                Account.owner_surname,
                Account.owner_full_name,
                Account.address,
                Account.kind,
                Account.private_house,
                Account.common_house_meter,
                Account.email,
                Account.phone,
            )
            .join(Settlement, Settlement.id == Account.settlement_id)
            .order_by(Account.number, Settlement.code)
        ).all()


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


def test_new_accounts_are_stored_with_every_column(app_context, angarsk, tmp_path):
    path = write(
        tmp_path,
        ACCOUNTS,
        '204817,,Щукин,Щукин Юрий Петрович,"ул. Ленина, д. 1, кв. 2",individual,0,0,'
        "Shchukin@Example.COM,8 (912) 345-67-89",
        "204818,angarsk,Ромашка,ООО «Ромашка»,ул. Мира 5,legal,0,1,,",
        "204819, angarsk ,Петров,Петров Пётр,пос. Майск,management_company,1,0,,+7 3955 51-26-46",
    )

    result = import_file(angarsk, "accounts", path)

    assert result.ok, messages(result)
    assert (result.rows, result.inserted, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert result.message == "Импортировано строк: 3; добавлено 3, изменено 0, без изменений 0."
    stored = accounts(angarsk)
    assert [row[:5] for row in stored] == [
        ("angarsk", "204817", "Щукин", "Щукин Юрий Петрович", "ул. Ленина, д. 1, кв. 2"),
        ("angarsk", "204818", "Ромашка", "ООО «Ромашка»", "ул. Мира 5"),
        ("angarsk", "204819", "Петров", "Петров Пётр", "пос. Майск"),
    ]
    assert [row[5:] for row in stored] == [
        ("individual", False, False, "Shchukin@example.com", "+79123456789"),
        ("legal", False, True, None, None),
        ("management_company", True, False, None, "+73955512646"),
    ]


def test_a_changed_row_updates_its_account_and_an_unchanged_one_is_left_alone(
    app_context, angarsk, tmp_path, monkeypatch
):
    make_account(angarsk, number="204817")
    make_account(angarsk, number="204818")
    before = {row.number: row for row in table(angarsk, Account)}
    later(monkeypatch)
    path = write(
        tmp_path,
        ACCOUNTS,
        SAME,
        "204818,,Иванов,Иванов Иван Иванович,ул. Мира 7,individual,1,0,ivanov@example.com,",
    )

    result = import_file(angarsk, "accounts", path)

    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 1)
    after = {row.number: row for row in table(angarsk, Account)}
    assert after["204817"] == before["204817"]  # not even updated_at moves
    changed = after["204818"]
    assert (changed.address, changed.private_house, changed.email) == (
        "ул. Мира 7",
        True,
        "ivanov@example.com",
    )
    assert changed.updated_at > before["204818"].updated_at
    assert changed.created_at == before["204818"].created_at


def test_importing_the_same_file_twice_changes_nothing(app_context, angarsk, tmp_path, monkeypatch):
    path = write(
        tmp_path,
        ACCOUNTS,
        SAME,
        "204818,,Щукин,Щукин Юрий,ул. Мира 5,individual,1,1,yu@example.com,+79123456789",
    )
    assert import_file(angarsk, "accounts", path).inserted == 2
    before = table(angarsk, Account)
    later(monkeypatch)

    again = import_file(angarsk, "accounts", path)

    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert table(angarsk, Account) == before


def test_one_number_in_two_settlements_is_two_accounts(app_context, tenants, tmp_path):
    cheboksary = tenants["cheboksary"]
    make_account(cheboksary, number="104512367", settlement_code="novocheboksarsk")
    path = write(
        tmp_path,
        ACCOUNTS,
        "104512367,cheboksary,Иванов,Иванов Иван Иванович,ул. Ленина 1,individual,0,0,,",
        "104512367,kugesi,Петров,Петров Пётр,ул. Мира 2,individual,1,0,,",
    )

    result = import_file(cheboksary, "accounts", path)

    assert (result.inserted, result.updated, result.unchanged) == (2, 0, 0)
    assert [(code, number, surname) for code, number, surname, *_ in accounts(cheboksary)] == [
        ("cheboksary", "104512367", "Иванов"),
        ("kugesi", "104512367", "Петров"),
        ("novocheboksarsk", "104512367", "Иванов"),
    ]


BAD_ROWS = [
    (
        "204818,,Щукин,Щукин Юрий,ул. Мира 5,person,0,0,,",
        "kind",
        "вид абонента «person» неизвестен",
    ),
    ("204818,,Щукин,Щукин Юрий,ул. Мира 5,individual,да,0,,", "private_house", "ожидается 0 или 1"),
    ("204818,,Щукин,Щукин Юрий,ул. Мира 5,individual,0,2,,", "common_house_meter", "ожидается 0"),
    ("204818,,Щукин,Щукин Юрий,ул. Мира 5,individual,0,0,yu@,", "email", "«yu@» — не адрес"),
    ("204818,,Щукин,Щукин Юрий,ул. Мира 5,individual,0,0,,12345", "phone", "«12345» — не номер"),
    ("204818,,,Щукин Юрий,ул. Мира 5,individual,0,0,,", "owner_surname", "обязательное поле"),
    ("204818,,Щукин,Щукин Юрий,ул. Мира 5,,0,0,,", "kind", "обязательное поле"),
    ("204818,irkutsk,Щукин,Щукин Юрий,ул. Мира 5,individual,0,0,,", "settlement", "«irkutsk»"),
    ("20481,,Щукин,Щукин Юрий,ул. Мира 5,individual,0,0,,", "account_number", "(пример: 204817)"),
    ("204818,,Щукин,Щукин Юрий," + "д" * 501 + ",individual,0,0,,", "address", "не длиннее 500"),
]


@pytest.mark.parametrize(("line", "column", "reason"), BAD_ROWS)
def test_every_bad_cell_is_named_with_its_line_and_column(
    app_context, angarsk, tmp_path, line, column, reason
):
    result = import_file(angarsk, "accounts", write(tmp_path, ACCOUNTS, SAME, line))

    [(found_line, found_column, found_reason)] = messages(result)
    assert (found_line, found_column) == (3, column)
    assert reason in found_reason
    assert accounts(angarsk) == []  # the good line 2 is not imported either


def test_the_settlement_is_required_where_there_are_several(app_context, tenants, tmp_path):
    cheboksary = tenants["cheboksary"]
    path = write(
        tmp_path,
        ACCOUNTS,
        "104512367,,Иванов,Иванов Иван Иванович,ул. Ленина 1,individual,0,0,,",
        "104512368,ангарск,Иванов,Иванов Иван Иванович,ул. Ленина 1,individual,0,0,,",
    )

    result = import_file(cheboksary, "accounts", path)

    assert messages(result) == [
        (2, "settlement", "обязательное поле: у водоканала несколько населённых пунктов"),
        (
            3,
            "settlement",
            "населённый пункт «ангарск» неизвестен: ожидается cheboksary, novocheboksarsk, kugesi",
        ),
    ]
    assert accounts(cheboksary) == []


def test_numbers_must_be_in_the_tenants_canonical_form(app_context, tenants, tmp_path):
    novosibirsk = tenants["novosibirsk"]
    path = write(
        tmp_path,
        ACCOUNTS,
        "11-0007785,,Иванов,Иванов Иван Иванович,ул. Ленина 1,individual,1,0,,",
        "01-12345,,Иванов,Иванов Иван Иванович,ул. Ленина 2,individual,0,0,,",
        "7785,,Иванов,Иванов Иван Иванович,ул. Ленина 3,individual,1,0,,",
    )

    result = import_file(novosibirsk, "accounts", path)

    assert messages(result) == [
        (3, "account_number", "номер «01-12345» записан не в каноническом виде: 01-0012345"),
        (
            4,
            "account_number",
            "номер «7785» не в формате лицевых счетов этого водоканала (пример: 01-1234567)",
        ),
    ]


def test_a_number_twice_in_one_file_is_refused(app_context, angarsk, tmp_path):
    repeated = SAME.replace(",,", ",angarsk,", 1)

    result = import_file(angarsk, "accounts", write(tmp_path, ACCOUNTS, SAME, SAME, repeated))

    assert messages(result) == [
        (3, "account_number", "повторяет строку 2"),
        (4, "account_number", "повторяет строку 2"),
    ]
    assert "2 ошибки" in result.message
    assert accounts(angarsk) == []


def test_one_bad_row_leaves_every_account_as_it_was(app_context, angarsk, tmp_path, monkeypatch):
    make_account(angarsk, number="204817", email="old@example.com")
    before = table(angarsk, Account)
    later(monkeypatch)
    path = write(
        tmp_path,
        ACCOUNTS,
        SAME,  # would clear the e-mail
        "204818,,Щукин,Щукин Юрий,ул. Мира 5,individual,0,0,,",  # would be new
        "204819,,Петров,Петров Пётр,ул. Мира 6,individual,0,0,,не телефон",
    )

    result = import_file(angarsk, "accounts", path)

    assert [(line, column) for line, column, _ in messages(result)] == [(4, "phone")]
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 0)
    assert result.message.startswith("Файл не принят: 1 ошибка.")
    assert table(angarsk, Account) == before


def test_another_utilitys_accounts_file_is_refused(app_context, tenants, tmp_path):
    angarsk, moscow = tenants["angarsk"], tenants["moscow"]
    make_account(angarsk, number="204817")
    before = table(angarsk, Account)
    path = write(
        tmp_path,
        ACCOUNTS,
        "7012345678,moscow,Иванов,Иванов Иван Иванович,ул. Тверская 1,individual,0,0,,",
        "7012345679,moscow,Петров,Петров Пётр,ул. Тверская 2,individual,0,0,,",
    )
    assert import_file(moscow, "accounts", path).inserted == 2

    result = import_file(angarsk, "accounts", path)

    assert not result.ok
    assert [(line, column) for line, column, _ in messages(result)] == [
        (2, "account_number"),
        (2, "settlement"),
        (3, "account_number"),
        (3, "settlement"),
    ]
    assert "похоже, это файл другого водоканала" in result.message
    assert "Ничего не изменено" in result.message
    assert table(angarsk, Account) == before
