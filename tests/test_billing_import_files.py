"""Billing files as they arrive (SPEC §4): UTF-8 or Windows-1251, «,» or «;», a header naming the
columns; anything else refused with the line and the reason. Then the two ways in: the CLI and
the background job behind the /admin upload page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.billing.exchange import importer, tasks
from app.billing.exchange.cli import billing_cli
from app.billing.exchange.csvfile import ENCODING_PROBLEM, QUOTING_PROBLEM
from app.billing.exchange.importer import import_file
from app.billing.exchange.services import start_import
from app.billing.models import Charge, ImportRun
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.billing_files import ACCOUNTS, CHARGES, messages, table, write
from tests.support.factories import make_account
from tests.support.outbox import deliver_queued_jobs

ROW = "204817,2026-03,cold_water,1,40,40"
SURNAME, ADDRESS = "Щукин", "ул. Ёлочная, д. 1"


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


@pytest.fixture
def account(app_context, angarsk):
    return make_account(angarsk, number="204817")


def owners(tenant):
    with tenant_scope(tenant):
        return db.session.execute(select(Account.owner_surname, Account.address)).all()


@pytest.mark.parametrize(
    ("encoding", "delimiter", "surname", "address"),
    [
        ("utf-8", ",", SURNAME, ADDRESS),
        ("utf-8-sig", ",", SURNAME, ADDRESS),
        ("utf-8-sig", ";", SURNAME, ADDRESS),
        ("cp1251", ";", SURNAME, ADDRESS),  # as Russian Excel saves «CSV»
        ("cp1251", ",", SURNAME, ADDRESS),
        ("cp1251", ";", "ЩУКИН", "УЛ. ЛЕНИНА, 1"),  # capitals only, as old billing systems write
        ("cp1251", ";", "Іваненко", "вул. Шевченка, 1"),  # a Ukrainian name
    ],
)
def test_utf8_with_or_without_bom_and_russian_excels_windows_1251_are_read(
    app_context, angarsk, tmp_path, encoding, delimiter, surname, address
):
    cells = ["204818", "", surname, f"{surname} Юрий", f'"{address}"', "individual", "0", "0"]
    path = tmp_path / "accounts.csv"
    header = ACCOUNTS.replace(",", delimiter)
    path.write_bytes(f"{header}\r\n{delimiter.join([*cells, '', ''])}\r\n".encode(encoding))

    result = import_file(angarsk, "accounts", path)

    assert result.ok, messages(result)
    assert owners(angarsk) == [(surname, address)]


ROW_RU = f"204818;;{SURNAME};Щукин Юрий Петрович;{ADDRESS};individual;0;0;;"
NEITHER = {
    "utf-16": (ACCOUNTS + "\n" + ROW_RU.replace(";", ",")).encode("utf-16"),
    "dos-866": (ACCOUNTS.replace(",", ";") + "\n" + ROW_RU).encode("cp866"),
    "koi8-r": (ACCOUNTS.replace(",", ";") + "\n" + ROW_RU).encode("koi8-r"),
    "xlsx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\x00\x00[Content_Types]",
    "0x98": ACCOUNTS.encode() + b"\n204818,,\x98\xe0,,,,,,,\n",  # no such byte in either
}


@pytest.mark.parametrize("name", NEITHER)
def test_a_file_in_neither_encoding_is_refused_plainly(app_context, angarsk, tmp_path, name):
    path = tmp_path / "accounts.csv"
    path.write_bytes(NEITHER[name])

    result = import_file(angarsk, "accounts", path)

    assert messages(result) == [(2 if name == "0x98" else 1, None, ENCODING_PROBLEM)]
    assert owners(angarsk) == []


@pytest.mark.parametrize(
    ("header", "column", "reason"),
    [
        ("account_number,period,service,amount", None, "нет столбцов: volume, tariff"),
        (CHARGES + ",comment", "comment", "лишний столбец «comment»"),
        (CHARGES + ",Amount", "amount", "столбец «amount» повторяется"),
        ("account_number,,period,service,volume,tariff,amount", None, "пустое имя столбца"),
        ("account_number period service", None, "в заголовке нет разделителя: столбцы"),
        ("", None, "файл пуст: нет строки заголовка"),
        ('account_number,"period,service,volume,tariff,amount', None, QUOTING_PROBLEM),
    ],
)
def test_a_bad_header_is_refused_naming_the_column(
    account, angarsk, tmp_path, header, column, reason
):
    result = import_file(angarsk, "charges", write(tmp_path, header, ROW))

    [(line, found_column, found_reason)] = messages(result)
    assert (line, found_column) == (1, column)
    assert found_reason.startswith(reason)
    assert table(angarsk, Charge) == []


@pytest.mark.parametrize(
    "header",
    [
        " Account_Number ; PERIOD;service;volume;tariff;amount",  # case and spaces do not matter
        "amount,service,period,account_number,tariff,volume,settlement",  # any order; optional
        CHARGES + ",,",  # a spreadsheet's empty columns
    ],
)
def test_columns_are_found_by_name(account, angarsk, tmp_path, header):
    delimiter = ";" if ";" in header else ","
    names = [name.strip().lower() for name in header.split(delimiter)]
    cells = dict(zip(CHARGES.split(","), ROW.split(","), strict=True)) | {"settlement": ""}
    row = delimiter.join(cells.get(name, "") for name in names)

    result = import_file(angarsk, "charges", write(tmp_path, header, row, name="x.csv"))

    assert result.ok, messages(result)
    assert [(c.service, c.amount_kopecks) for c in table(angarsk, Charge)] == [("cold_water", 4000)]


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(app_context, angarsk, tmp_path):
    path = write(
        tmp_path,
        ACCOUNTS,
        '204818,,Щукин,Щукин Юрий,"ул. Ленина,\nд. 1",individual,0,0,,',  # lines 2–3
        "",
        "204819,,Петров,Петров Пётр,ул. Мира 2,individual,0,0,,,,",  # trailing separators: fine
        "204820,,Сидоров,Сидоров Илья,ул. Мира 3,individual,0,0,,,x",
        "204821,,Петров",
    )

    result = import_file(angarsk, "accounts", path)

    assert messages(result) == [
        (6, None, "в строке 11 столбцов, в заголовке 10"),
        (7, None, "в строке 3 столбцов, в заголовке 10"),
    ]
    path = write(tmp_path, ACCOUNTS, *path.read_text().splitlines()[1:5])
    assert import_file(angarsk, "accounts", path).ok
    assert ("Щукин", "ул. Ленина, д. 1") in owners(angarsk)


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ('204817,2026-04,cold_water,"1,40,40', QUOTING_PROBLEM),  # would swallow the rest
        ('204817,2026-04,cold_water,"1"5,40,40', QUOTING_PROBLEM),
        ("204817,2026-04,cold_water,1,40,\x0040", ENCODING_PROBLEM),  # a control character
    ],
)
def test_broken_quoting_or_a_control_character_is_refused_on_its_line(
    account, angarsk, tmp_path, broken, reason
):
    path = write(tmp_path, CHARGES, ROW, broken, "204817,2026-05,cold_water,1,40,40")

    result = import_file(angarsk, "charges", path)

    assert messages(result) == [(3, None, reason)]
    assert table(angarsk, Charge) == []


# --- the CLI -------------------------------------------------------------------------------------


def invoke(app, *args):
    db.session.commit()  # the test's rows outlive the rollback a refused import does
    return app.test_cli_runner().invoke(billing_cli, [str(arg) for arg in args])


def test_the_import_command_prints_a_summary(app, account, angarsk, tmp_path):
    path = write(tmp_path, CHARGES, ROW, "204817,2026-03,sewerage,1,30,30")

    result = invoke(app, "import", "angarsk", "charges", path)

    assert result.exit_code == 0, result.output
    assert result.output.startswith("charges: 2 rows — 2 inserted, 0 updated, 0 unchanged (")
    assert len(table(angarsk, Charge)) == 2


def test_the_import_command_names_each_bad_row_and_fails(
    app, account, angarsk, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "MAX_PROBLEMS", 2)  # beyond it problems are only counted
    bad = ("204817,2026-04,cold_water,1,40,40.001", "204817,x", "204817,2026-05,gas,1,1,1")
    path = write(tmp_path, CHARGES, ROW, *bad)

    result = invoke(app, "import", "angarsk", "charges", path)

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 3, amount: сумма в рублях с копейками, например 1234.56",
        "line 4: в строке 2 столбцов, в заголовке 6",
        "… and 1 more",
        "Файл не принят: 3 ошибки. Исправьте файл и загрузите его снова — ничего не изменено.",
    ]
    assert table(angarsk, Charge) == []
    assert owners(angarsk)  # the account the test made is still there


def test_the_import_command_refuses_unknown_tenants_and_kinds(app, app_context, tmp_path):
    path = write(tmp_path, CHARGES, ROW)

    unknown_tenant = invoke(app, "import", "atlantis", "charges", path)
    unknown_kind = invoke(app, "import", "angarsk", "tariffs", path)

    assert unknown_tenant.exit_code == 1
    assert "no tenant 'atlantis'" in unknown_tenant.output
    assert unknown_kind.exit_code == 2
    assert "'tariffs' is not one of 'accounts', 'meters', 'charges', 'payments'" in (
        unknown_kind.output
    )


# --- the background job --------------------------------------------------------------------------

QUEUED = pytest.param(
    "queued",
    marks=pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
)


def run_import(app, monkeypatch, tenant, mode, path: Path) -> ImportRun:
    """Start an import as the upload page does and let it finish, in-process or in a worker."""
    if mode == "in-process":
        monkeypatch.setitem(app.config, "REDIS_URL", None)
    with tenant_scope(tenant):
        run = start_import(tenant, "charges", path, "Начисления март.csv", None)
        run_id, status = run.id, run.status
    if mode == "queued":
        assert status == "queued"
        deliver_queued_jobs(app)  # a burst worker, as production's worker would
    db.session.expire_all()
    with tenant_scope(tenant):
        return db.session.scalar(select(ImportRun).where(ImportRun.id == run_id))


@pytest.mark.parametrize("mode", ["in-process", QUEUED])
def test_the_job_records_a_finished_import_on_its_run(
    app, account, angarsk, tmp_path, monkeypatch, mode
):
    path = write(tmp_path, CHARGES, ROW, "204817,2026-03,sewerage,1,30,30")

    run = run_import(app, monkeypatch, angarsk, mode, path)

    assert (run.status, run.kind, run.filename) == ("done", "charges", "Начисления март.csv")
    assert (run.total_rows, run.processed_rows, run.inserted, run.updated) == (2, 2, 2, 0)
    assert (run.errors, run.error_count, run.finished_at is not None) == ([], 0, True)
    assert run.message.startswith("Импортировано строк: 2; добавлено 2")
    assert not path.exists()  # the upload is deleted once imported
    assert len(table(angarsk, Charge)) == 2


@pytest.mark.parametrize("mode", ["in-process", QUEUED])
def test_the_job_records_every_bad_row_and_changes_nothing(
    app, account, angarsk, tmp_path, monkeypatch, mode
):
    path = write(tmp_path, CHARGES, ROW, "204817,2026-13,cold_water,1,40,40", "204899," + ROW[7:])

    run = run_import(app, monkeypatch, angarsk, mode, path)

    assert (run.status, run.error_count, run.inserted) == ("failed", 2, 0)
    assert run.errors == [
        {"line": 3, "column": "period", "reason": "месяца 13 нет: ожидается 01–12"},
        {"line": 4, "column": "account_number", "reason": "лицевой счёт не найден"},
    ]
    assert run.message.startswith("Файл не принят: 2 ошибки.")
    assert not path.exists()
    assert table(angarsk, Charge) == []


def test_an_import_that_crashes_is_recorded_as_failed(app, account, angarsk, tmp_path, monkeypatch):
    def crash(*_args, **_kwargs):
        raise RuntimeError("нет места на диске")

    monkeypatch.setattr(tasks, "import_file", crash)
    path = write(tmp_path, CHARGES, ROW)

    run = run_import(app, monkeypatch, angarsk, "in-process", path)

    assert (run.status, run.message, run.finished_at is not None) == ("failed", tasks.FAILED, True)
    assert not path.exists()
