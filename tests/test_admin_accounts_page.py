"""The account page of the staff console: what it shows, the audit entries its views leave
(152-ФЗ), blocking and unblocking a login, who may do what, and other tenants' ids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.auth.models import Resident
from app.auth.tokens import InvalidToken, issue_token, peek_token
from app.extensions import db
from app.readings.models import Submission
from app.tenancy.context import tenant_scope
from tests.support.factories import (
    DEMO_PASSWORD,
    add_charge,
    add_payment,
    make_account,
    make_reading,
    make_resident,
    make_staff,
)
from tests.support.web import base, csrf_token, sign_in, submit, text
from tests.test_office_readings import staff_client

NOW = datetime(2026, 11, 22, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("app.clock.now", lambda: NOW)


@pytest.fixture
def moscow_account(tenants):
    moscow = tenants["moscow"]
    account = make_account(
        moscow,
        number="7000000901",
        owner_surname="Щукина",
        owner_full_name="Щукина Анна Павловна",
        address="ул. Арбат, д. 5, кв. 7",
    )
    meter = account.meters[0]
    make_reading(moscow, meter, date(2026, 10, 1), 48_213_000)
    add_charge(moscow, account, "2026-10", "cold_water", 45_678, volume=4_000, tariff=11_419)
    add_payment(moscow, account, date(2026, 11, 3), 40_000)
    resident = make_resident(
        moscow, account, login="shchukina.anna", email="anna@example.com", phone="+79161234567"
    )
    return account, resident


def audit_entries(tenant, action):
    with tenant_scope(tenant):
        return list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.at)
            )
        )


def page_of(client, slug, account):
    return client.get(f"/admin/accounts/{account.id}", base_url=base(slug))


def post_block(client, slug, account, resident, action="block"):
    path = f"/admin/accounts/{account.id}/logins/{resident.id}/{action}"
    return submit(client, slug, path, {}, form_page=f"/admin/accounts/{account.id}")


def resident_status(tenant, resident):
    with tenant_scope(tenant):
        stored = db.session.get(Resident, (tenant.id, resident.id))
        db.session.refresh(stored)
        return stored.status


def test_the_account_page_shows_meters_readings_money_and_logins(app, tenants, moscow_account):
    account, _resident = moscow_account
    client, _ = staff_client(app, tenants["moscow"], "viewer")
    response = page_of(client, "moscow", account)
    assert response.status_code == 200
    page = text(response)
    assert "7000000901" in page and "Щукина Анна Павловна" in page and "ул. Арбат, д. 5" in page
    assert f"{account.number}-1" in page  # the meter's serial
    assert ">48213<" in page  # the October reading (Moscow: whole cubic metres)
    assert "456,78" in page  # the charge
    assert "400,00" in page  # the payment
    assert "Задолженность" in page and "56,78" in page  # 456.78 − 400.00
    assert "shchukina.anna" in page and "anna@example.com" in page
    assert 'data-testid="login-status">действует<' in page
    # a viewer sees no buttons that change anything
    assert "block-button" not in page and "Внести показания" not in page


def test_every_view_of_personal_data_is_audit_logged(app, tenants, moscow_account):
    moscow = tenants["moscow"]
    account, _resident = moscow_account
    client, staff = staff_client(app, moscow, "clerk")
    page_of(client, "moscow", account)
    client.get(f"/admin/accounts/{account.id}/issue-login", base_url=base("moscow"))
    client.get(f"/admin/accounts/{account.id}/readings", base_url=base("moscow"))
    entries = audit_entries(moscow, "account.view")
    assert [entry.details["page"] for entry in entries] == ["account", "issue_login", "readings"]
    for entry in entries:
        assert entry.actor_kind == "staff" and entry.actor_id == staff.id
        assert entry.target == "7000000901"
        assert entry.details["account_id"] == str(account.id)


def test_a_blocked_resident_loses_the_session_and_cannot_sign_in(app, tenants, moscow_account):
    moscow = tenants["moscow"]
    account, resident = moscow_account
    with tenant_scope(moscow):
        link = issue_token(resident, "reset_password", timedelta(hours=1))
        db.session.flush()
    resident_client = app.test_client()
    signed_in = sign_in(
        resident_client, "moscow", {"identifier": "shchukina.anna", "secret": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert resident_client.get("/cabinet", base_url=base("moscow")).status_code == 200

    clerk, staff = staff_client(app, moscow, "clerk")
    blocked = post_block(clerk, "moscow", account, resident)
    assert blocked.status_code == 303
    assert blocked.headers["Location"] == f"/admin/accounts/{account.id}"
    assert resident_status(moscow, resident) == "blocked"
    page = text(page_of(clerk, "moscow", account))
    assert "заблокирован, его сеансы завершены" in page and "unblock-button" in page

    assert resident_client.get("/cabinet", base_url=base("moscow")).status_code == 302
    refused = sign_in(
        app.test_client(), "moscow", {"identifier": "shchukina.anna", "secret": DEMO_PASSWORD}
    )
    assert refused.status_code == 200 and "Вход заблокирован" in text(refused)
    with tenant_scope(moscow), pytest.raises(InvalidToken):  # the e-mailed link is used up
        peek_token(link, "reset_password")
    (entry,) = audit_entries(moscow, "resident.block")
    assert entry.actor_id == staff.id and entry.details["resident_id"] == str(resident.id)

    unblocked = post_block(clerk, "moscow", account, resident, "unblock")
    assert unblocked.status_code == 303
    assert resident_status(moscow, resident) == "active"
    again = sign_in(
        app.test_client(), "moscow", {"identifier": "shchukina.anna", "secret": DEMO_PASSWORD}
    )
    assert again.status_code == 302
    assert len(audit_entries(moscow, "resident.unblock")) == 1


def test_blocking_twice_changes_nothing_the_second_time(app, tenants, moscow_account):
    moscow = tenants["moscow"]
    account, resident = moscow_account
    clerk, _ = staff_client(app, moscow, "admin")
    post_block(clerk, "moscow", account, resident)
    again = post_block(clerk, "moscow", account, resident)
    assert again.status_code == 303
    assert "Состояние входа уже изменилось" in text(page_of(clerk, "moscow", account))
    assert len(audit_entries(moscow, "resident.block")) == 1
    assert post_block(clerk, "moscow", account, resident, "unblock").status_code == 303
    assert post_block(clerk, "moscow", account, resident, "unblock").status_code == 303
    assert resident_status(moscow, resident) == "active"


def test_a_login_of_another_account_is_not_found(app, tenants, moscow_account):
    moscow = tenants["moscow"]
    account, _resident = moscow_account
    stranger = make_resident(moscow, make_account(moscow), login="stranger")
    clerk, _ = staff_client(app, moscow, "clerk")
    assert post_block(clerk, "moscow", account, stranger).status_code == 404
    assert resident_status(moscow, stranger) == "active"


# Role matrix: every route this desk adds or touches, for each kind of visitor.
ROLES = ("admin", "clerk", "viewer")


def visitor(app, tenant, kind):
    if kind in ROLES:
        return staff_client(app, tenant, kind)[0]
    client = app.test_client()
    if kind == "resident":
        make_resident(tenant, make_account(tenant), login="matrix.resident")
        response = sign_in(
            client, tenant.slug, {"identifier": "matrix.resident", "secret": DEMO_PASSWORD}
        )
        assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    ("kind", "page_status", "post_status"),
    [
        ("admin", 200, 303),
        ("clerk", 200, 303),
        ("viewer", 200, 403),
        ("resident", 302, 302),
        ("anonymous", 302, 302),
    ],
)
def test_role_matrix_of_the_accounts_desk(
    app, tenants, moscow_account, kind, page_status, post_status
):
    moscow = tenants["moscow"]
    account, resident = moscow_account
    client = visitor(app, moscow, kind)
    for path in (
        "/admin/accounts?q=7000000901",
        f"/admin/accounts/{account.id}",
        f"/admin/accounts/{account.id}/readings",
        "/admin/readings",
        "/admin/readings?show=missing",
        "/admin/lookup-requests",
        "/admin",
    ):
        response = client.get(path, base_url=base("moscow"))
        assert response.status_code == page_status, (kind, path)
        if page_status == 302:
            assert response.headers["Location"].startswith("/admin/login"), (kind, path)
    # A CSRF token from any page of the host: the role, not the token, decides.
    landing = client.get("/admin/login", base_url=base("moscow"), follow_redirects=True)
    token = csrf_token(text(landing))
    for action in ("block", "unblock"):
        path = f"/admin/accounts/{account.id}/logins/{resident.id}/{action}"
        response = client.post(path, base_url=base("moscow"), data={"csrf_token": token})
        assert response.status_code == post_status, (kind, path)
    # Admins and clerks blocked and unblocked; nobody else changed anything.
    assert resident_status(moscow, resident) == "active"
    changed = kind in ("admin", "clerk")
    assert len(audit_entries(moscow, "resident.block")) == int(changed)
    assert len(audit_entries(moscow, "resident.unblock")) == int(changed)


def test_staff_of_another_tenant_get_404_for_every_id(app, tenants, moscow_account):
    account, resident = moscow_account
    make_staff(tenants["angarsk"], login="angarsk-admin", role="admin")
    client = app.test_client()
    signed_in = submit(
        client, "angarsk", "/admin/login", {"login": "angarsk-admin", "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302
    token = csrf_token(text(client.get("/admin/accounts", base_url=base("angarsk"))))
    with tenant_scope(tenants["moscow"]):
        submission_id = db.session.scalar(
            select(Submission.id).where(Submission.account_id == account.id)
        )
    for path in (
        f"/admin/accounts/{account.id}",
        f"/admin/accounts/{account.id}/issue-login",
        f"/admin/accounts/{account.id}/readings",
        f"/admin/accounts/{account.id}/readings/{submission_id}",
    ):
        assert client.get(path, base_url=base("angarsk")).status_code == 404, path
    for path in (
        f"/admin/accounts/{account.id}/issue-login",
        f"/admin/accounts/{account.id}/readings",
    ):
        response = client.post(path, base_url=base("angarsk"), data={"csrf_token": token})
        assert response.status_code == 404, path
    for action in ("block", "unblock"):
        path = f"/admin/accounts/{account.id}/logins/{resident.id}/{action}"
        response = client.post(path, base_url=base("angarsk"), data={"csrf_token": token})
        assert response.status_code == 404, path
    assert resident_status(tenants["moscow"], resident) == "active"
    assert audit_entries(tenants["angarsk"], "account.view") == []


def test_a_viewer_gets_403_on_every_post_of_the_desk(app, tenants, moscow_account):
    moscow = tenants["moscow"]
    account, resident = moscow_account
    client, _ = staff_client(app, moscow, "viewer")
    token = csrf_token(text(client.get("/admin", base_url=base("moscow"))))
    for path in (
        f"/admin/accounts/{account.id}/logins/{resident.id}/block",
        f"/admin/accounts/{account.id}/logins/{resident.id}/unblock",
        f"/admin/accounts/{account.id}/issue-login",
        f"/admin/accounts/{account.id}/readings",
    ):
        response = client.post(path, base_url=base("moscow"), data={"csrf_token": token})
        assert response.status_code == 403, path
        assert "Недостаточно прав" in text(response)
    issue_page = client.get(f"/admin/accounts/{account.id}/issue-login", base_url=base("moscow"))
    assert issue_page.status_code == 403
    assert resident_status(moscow, resident) == "active"
