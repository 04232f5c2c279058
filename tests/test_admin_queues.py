"""The console's landing page lists the queues residents' flows hand to staff, with counts, and
the progress of the reading window; the «find my account» queue's roles and tenants."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.registration.models import AccountLookupRequest
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, csrf_token, sign_in, text
from tests.test_admin_readings_desk import submit_reading
from tests.test_office_readings import staff_client

NOW = datetime(2026, 11, 22, 9, tzinfo=UTC)  # Angarsk's and Cheboksary's windows are open


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("app.clock.now", lambda: NOW)


def lookup_request(tenant, name, status="new"):
    with tenant_scope(tenant):
        row = AccountLookupRequest(full_name=name, status=status, phone="+79025551234")
        db.session.add(row)
        db.session.flush()
        return row


def home(client, slug):
    response = client.get("/admin", base_url=base(slug))
    assert response.status_code == 200
    return text(response)


def queue_count(page, key):
    start = page.index(f'data-testid="queue-{key}"')
    marker = 'data-testid="queue-count">'
    at = page.index(marker, start) + len(marker)
    return int(page[at : page.index("<", at)])


def test_the_home_page_counts_each_queue_and_links_to_it(app, tenants):
    angarsk = tenants["angarsk"]
    lookup_request(angarsk, "Сидоров Пётр")
    lookup_request(angarsk, "Кузнецова Ирина")
    lookup_request(angarsk, "Закрытый Случай", status="closed")
    jumpy, calm = make_account(angarsk), make_account(angarsk)
    make_account(angarsk)
    submit_reading(angarsk, jumpy, 90_000, flagged=True)
    submit_reading(angarsk, calm, 12_000)
    client, _ = staff_client(app, angarsk, "viewer")
    page = home(client, "angarsk")
    assert queue_count(page, "lookup_requests") == 2
    assert queue_count(page, "flagged_readings") == 1
    assert 'href="/admin/lookup-requests?status=new"' in page
    assert 'href="/admin/readings?show=flagged"' in page
    assert "передали 66% лицевых счетов с приборами учёта (2 из 3)" in page


def test_a_tenant_without_the_lookup_form_has_no_lookup_queue(app, tenants):
    cheboksary = tenants["cheboksary"]
    client, _ = staff_client(app, cheboksary, "clerk")
    page = home(client, "cheboksary")
    assert 'data-testid="queue-lookup_requests"' not in page
    assert queue_count(page, "flagged_readings") == 0


def test_the_queues_count_only_the_tenants_own_items(app, tenants):
    angarsk, cheboksary = tenants["angarsk"], tenants["cheboksary"]
    lookup_request(cheboksary, "Чужая Заявка")
    submit_reading(cheboksary, make_account(cheboksary), 90_000, flagged=True)
    client, _ = staff_client(app, angarsk, "admin")
    page = home(client, "angarsk")
    assert queue_count(page, "lookup_requests") == 0
    assert queue_count(page, "flagged_readings") == 0


def answer(client, slug, row):
    page = client.get("/admin/login", base_url=base(slug), follow_redirects=True)
    return client.post(
        f"/admin/lookup-requests/{row.id}",
        base_url=base(slug),
        data={"csrf_token": csrf_token(text(page)), "status": "answered", "note": "Перезвонили"},
    )


@pytest.mark.parametrize(
    ("kind", "status"),
    [("admin", 302), ("clerk", 302), ("viewer", 403), ("resident", 302), ("anonymous", 302)],
)
def test_role_matrix_of_answering_a_lookup_request(app, tenants, kind, status):
    angarsk = tenants["angarsk"]
    row = lookup_request(angarsk, "Сидоров Пётр")
    if kind in ("admin", "clerk", "viewer"):
        client, _ = staff_client(app, angarsk, kind)
    else:
        client = app.test_client()
        if kind == "resident":
            make_resident(angarsk, make_account(angarsk), login="ivanov.angarsk")
            signed_in = sign_in(
                client,
                "angarsk",
                {"identifier": "ivanov.angarsk", "secret": DEMO_PASSWORD},
                mode="password",
            )
            assert signed_in.status_code == 302
    response = answer(client, "angarsk", row)
    assert response.status_code == status
    if kind in ("resident", "anonymous"):
        assert response.headers["Location"].startswith("/admin/login")
    with tenant_scope(angarsk):
        db.session.expire_all()
        stored = db.session.get(AccountLookupRequest, (angarsk.id, row.id))
        assert stored.status == ("answered" if kind in ("admin", "clerk") else "new")


def test_staff_of_another_tenant_get_404_for_a_lookup_request(app, tenants):
    row = lookup_request(tenants["angarsk"], "Сидоров Пётр")
    client, _ = staff_client(app, tenants["moscow"], "admin")
    assert answer(client, "moscow", row).status_code == 404
    with tenant_scope(tenants["angarsk"]):
        db.session.expire_all()
        assert db.session.get(AccountLookupRequest, (tenants["angarsk"].id, row.id)).status == "new"


def test_a_lookup_request_links_to_the_account_search(app, tenants):
    angarsk = tenants["angarsk"]
    make_account(angarsk, number="204817", owner_surname="Сидоров", address="ул. Мира, д. 4")
    with tenant_scope(angarsk):
        db.session.add(AccountLookupRequest(full_name="Сидоров Пётр", address="Мира 4"))
        db.session.flush()
    client, _ = staff_client(app, angarsk, "clerk")
    page = text(client.get("/admin/lookup-requests", base_url=base("angarsk")))
    by_surname = "/admin/accounts?by=surname&amp;q=%D0%A1%D0%B8%D0%B4%D0%BE%D1%80%D0%BE%D0%B2"
    assert by_surname in page
    found = client.get(by_surname.replace("&amp;", "&"), base_url=base("angarsk"))
    assert "204817" in text(found)
    by_address = client.get(
        "/admin/accounts", base_url=base("angarsk"), query_string={"by": "address", "q": "Мира 4"}
    )
    assert "204817" in text(by_address)


def lookup_views(tenant):
    with tenant_scope(tenant):
        db.session.expire_all()
        return list(
            db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "lookup_request.view")
                .order_by(AuditEntry.at)
            )
        )


def test_every_view_of_the_lookup_queue_is_audit_logged(app, tenants):
    # 152-ФЗ: the queue shows residents' names, addresses and phones, as the account page does.
    angarsk, moscow = tenants["angarsk"], tenants["moscow"]
    first = str(lookup_request(angarsk, "Сидоров Пётр").id)
    closed = str(lookup_request(angarsk, "Закрытый Случай", status="closed").id)
    client, clerk = staff_client(app, angarsk, "clerk")
    clerk_id = clerk.id

    client.get("/admin/lookup-requests", base_url=base("angarsk"))
    client.get("/admin/lookup-requests?status=all", base_url=base("angarsk"))
    client.get("/admin/lookup-requests?status=answered", base_url=base("angarsk"))  # empty

    entries = lookup_views(angarsk)
    assert [(e.target, e.details["requests"]) for e in entries] == [
        ("new", [first]),
        ("all", [closed, first]),  # newest first, as shown
    ]
    assert all((e.actor_kind, e.actor_id) == ("staff", clerk_id) for e in entries)
    assert entries[1].details["shown"] == 2 and entries[1].details["page"] == 1
    assert lookup_views(moscow) == []
    admin, _ = staff_client(app, angarsk, "admin")
    log = text(admin.get("/admin/audit?action=lookup_request.view", base_url=base("angarsk")))
    assert log.count('data-testid="audit-entry"') == 2
    assert "Просмотр заявок «Узнать номер лицевого счёта»" in log
