"""The console's exchange page (`/admin/exchange`): an admin uploads a billing file, the import
runs in the background (a real RQ worker with Redis, in-process without) and its page shows the
outcome and every bad row; staff download the readings export; roles and tenants are kept apart."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.billing.models import Charge, ImportRun
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_reading, make_staff
from tests.support.outbox import deliver_queued_jobs
from tests.support.web import base, csrf_token, submit, text

HEADER = "account_number,period,service,volume,tariff,amount"


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


def staff_client(app, tenant, role="admin"):
    make_staff(tenant, login=f"exchange-{role}", role=role)
    client = app.test_client()
    response = submit(
        client,
        tenant.slug,
        "/admin/login",
        {"login": f"exchange-{role}", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    return client


def upload(app, client, tenant, content: bytes, kind="charges", filename="charges.csv"):
    page = text(client.get("/admin/exchange", base_url=base(tenant.slug)))
    response = client.post(
        "/admin/exchange/imports",
        base_url=base(tenant.slug),
        data={
            "csrf_token": csrf_token(page),
            "kind": kind,
            "file": (io.BytesIO(content), filename),
        },
        content_type="multipart/form-data",
    )
    deliver_queued_jobs(app)
    return response


def runs(tenant):
    with tenant_scope(tenant):
        return db.session.scalars(select(ImportRun)).all()


def test_an_admin_uploads_charges_and_sees_them_imported(app, app_context, angarsk):
    make_account(angarsk, number="204817")
    client = staff_client(app, angarsk)
    content = f"{HEADER}\n204817,2026-03,cold_water,4.402,51.23,225.51\n".encode()

    response = upload(app, client, angarsk, content)

    assert response.status_code == 302
    page = text(client.get(response.headers["Location"], base_url=base("angarsk")))
    assert "принят" in page and "не принят" not in page
    assert 'data-testid="run-inserted">1<' in page
    with tenant_scope(angarsk):
        assert db.session.scalars(select(Charge.amount_kopecks)).all() == [22551]
    (run,) = runs(angarsk)
    assert (run.status, run.processed_rows, run.inserted, run.filename) == (
        "done",
        1,
        1,
        "charges.csv",
    )
    listing = text(client.get("/admin/exchange", base_url=base("angarsk")))
    assert "charges.csv" in listing


def test_a_bad_file_is_refused_with_every_bad_row_and_a_csv_report(app, app_context, angarsk):
    make_account(angarsk, number="204817")
    client = staff_client(app, angarsk)
    content = "\n".join(
        [
            HEADER,
            "204817,2026-03,cold_water,1,1,1",
            "204817,2026-13,hot_water,-1,1,abc",
            "999999,2026-03,sewerage,,,1",
        ]
    ).encode("cp1251")

    response = upload(app, client, angarsk, content)

    run_page = response.headers["Location"]
    page = text(client.get(run_page, base_url=base("angarsk")))
    assert "не принят" in page
    assert "месяца 13 нет" in page and "объём не может быть отрицательным" in page
    assert "лицевой счёт не найден" in page
    with tenant_scope(angarsk):
        assert db.session.scalars(select(Charge)).all() == []
    report = client.get(f"{run_page}/errors.csv", base_url=base("angarsk"))
    lines = text(report).lstrip("\ufeff").splitlines()
    assert lines[0] == "line,column,reason"
    assert [line.split(",")[:2] for line in lines[1:]] == [
        ["3", "period"],
        ["3", "volume"],
        ["3", "amount"],
        ["4", "account_number"],
    ]


def test_a_missing_or_empty_file_is_named_at_the_field(app, app_context, angarsk):
    client = staff_client(app, angarsk)
    page = text(client.get("/admin/exchange", base_url=base("angarsk")))

    missing = client.post(
        "/admin/exchange/imports",
        base_url=base("angarsk"),
        data={"csrf_token": csrf_token(page), "kind": "charges"},
        content_type="multipart/form-data",
    )
    empty = upload(app, client, angarsk, b"")

    assert missing.status_code == 400 and "Выберите файл CSV" in text(missing)
    assert empty.status_code == 400 and "Файл пуст" in text(empty)
    assert runs(angarsk) == []


@pytest.mark.parametrize("role", ["clerk", "viewer"])
def test_only_admins_may_import(app, app_context, angarsk, role):
    client = staff_client(app, angarsk, role)
    page = text(client.get("/admin/exchange", base_url=base("angarsk")))
    assert "Загрузить файл" not in page and "Выгрузить показания" in page

    response = client.post(
        "/admin/exchange/imports",
        base_url=base("angarsk"),
        data={
            "csrf_token": csrf_token(page),
            "kind": "charges",
            "file": (io.BytesIO(b"x"), "c.csv"),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 403
    assert runs(angarsk) == []


@pytest.mark.parametrize("path", ["/admin/exchange", "/admin/exchange/readings.csv?period=2026-03"])
def test_residents_and_strangers_are_sent_to_the_staff_login(client, app_context, path):
    response = client.get(path, base_url=base("angarsk"))
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_staff_of_another_utility_get_404_for_its_imports(app, app_context, tenants):
    angarsk, moscow = tenants["angarsk"], tenants["moscow"]
    make_account(angarsk, number="204817")
    owner = staff_client(app, angarsk)
    upload(app, owner, angarsk, f"{HEADER}\n204817,2026-03,cold_water,1,1,1\n".encode())
    (run,) = runs(angarsk)
    stranger = staff_client(app, moscow)

    for path in (
        f"/admin/exchange/imports/{run.id}",
        f"/admin/exchange/imports/{run.id}/errors.csv",
    ):
        assert stranger.get(path, base_url=base("moscow")).status_code == 404
    assert "charges.csv" not in text(stranger.get("/admin/exchange", base_url=base("moscow")))


def test_staff_download_the_readings_of_a_period(app, app_context, angarsk):
    account = make_account(angarsk, number="204817")
    make_reading(angarsk, account.meters[0], date(2026, 3, 1), 123_450)
    make_reading(angarsk, account.meters[0], date(2026, 2, 1), 120_000)
    client = staff_client(app, angarsk, "viewer")

    response = client.get("/admin/exchange/readings.csv?period=2026-03", base_url=base("angarsk"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "readings-angarsk-2026-03.csv" in response.headers["Content-Disposition"]
    lines = text(response).splitlines()
    assert lines[0] == "account_number,meter_serial,service,zone,period,value,submitted_at,channel"
    serial = account.meters[0].serial
    assert [line.split(",")[:6] for line in lines[1:]] == [
        [
            "204817",
            serial,
            account.meters[0].service,
            "1",
            "2026-03",
            "123.450"[: 4 + angarsk.config.readings.decimals].rstrip("."),
        ]
    ]


def test_a_readings_download_is_audit_logged_as_a_personal_data_view(app, app_context, angarsk):
    client = staff_client(app, angarsk, "viewer")
    response = client.get("/admin/exchange/readings.csv?period=2026-03", base_url=base("angarsk"))
    assert response.status_code == 200
    with tenant_scope(angarsk):
        db.session.expire_all()
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "readings.export")
        ).all()
    assert [(e.actor_kind, e.target) for e in entries] == [("staff", "2026-03")]


def test_a_bad_export_period_is_named_at_the_field(app, app_context, angarsk):
    client = staff_client(app, angarsk, "viewer")
    response = client.get("/admin/exchange/readings.csv?period=2026-13", base_url=base("angarsk"))
    assert response.status_code == 400
    assert "месяца 13 нет" in text(response)


def test_imported_accounts_are_found_by_surname_and_address_in_the_console(
    app, app_context, angarsk
):
    client = staff_client(app, angarsk)
    header = (
        "account_number,settlement,owner_surname,owner_full_name,address,kind,private_house,"
        "common_house_meter,email,phone"
    )
    row = '301122,,ЁЛКИН,Ёлкин Пётр Ильич,"г. Ангарск, ул. Ленина, д. 1",individual,0,0,,'
    upload(app, client, angarsk, f"{header}\n{row}\n".encode(), kind="accounts")
    renamed = row.replace("ЁЛКИН", "Щукин").replace("Ленина", "Мира")
    upload(app, client, angarsk, f"{header}\n{renamed}\n".encode(), kind="accounts")

    found = text(client.get("/admin/accounts?by=surname&q=щукин", base_url=base("angarsk")))
    by_address = text(client.get("/admin/accounts?by=address&q=мира", base_url=base("angarsk")))
    old_name = text(client.get("/admin/accounts?by=surname&q=елкин", base_url=base("angarsk")))

    assert "301122" in found and "301122" in by_address
    assert "301122" not in old_name


def test_the_uploader_is_mailed_the_outcome_with_a_link(app, app_context, angarsk, outbox):
    make_account(angarsk, number="204817")
    client = staff_client(app, angarsk)

    upload(app, client, angarsk, f"{HEADER}\n204817,2026-13,cold_water,1,1,1\n".encode())

    (mail,) = [m for m in outbox() if m["To"] == "exchange-admin@example.com"]
    assert mail["Subject"] == "Файл «charges.csv» не принят"
    body = mail.get_body(("plain",)).get_content()
    assert "Строка 2, period: месяца 13 нет" in body
    (run,) = runs(angarsk)
    assert f"http://angarsk.localhost/admin/exchange/imports/{run.id}" in body
