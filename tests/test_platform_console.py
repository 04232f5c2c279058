"""Operators open any utility's console through a one-time pass from `/platform` (read-only,
audited in that utility); utility staff never reach `/platform` (SPEC §1, §7)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident, make_staff
from tests.support.web import base, sign_in, submit, text
from tests.test_platform_auth import make_operator, operator_sign_in


@pytest.fixture
def operator(client, app_context):
    operator = make_operator()
    assert operator_sign_in(client).status_code == 302
    return operator


def console_pass(client, slug="moscow") -> str:
    """The tenant-host path (with the pass) that /platform redirects the operator to."""
    response = submit(
        client, None, f"/platform/tenants/{slug}/console", {}, form_page=f"/platform/tenants/{slug}"
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc == f"{slug}.localhost"
    assert location.path == "/admin/operator-entry"
    return f"{location.path}?{location.query}"


def test_an_operator_opens_a_console_read_only_and_the_visit_is_audited(client, operator, tenants):
    entry = console_pass(client)
    landed = client.get(entry, base_url=base("moscow"))
    assert landed.headers["Location"] == "/admin"
    home = text(client.get("/admin", base_url=base("moscow")))
    assert 'data-testid="operator-visit"' in home
    assert "Просмотр" in home  # the viewer role
    assert client.get("/admin/accounts", base_url=base("moscow")).status_code == 200
    assert client.get("/admin/staff", base_url=base("moscow")).status_code == 403
    with tenant_scope(tenants["moscow"]):
        [visit] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "operator.console_visit")
        ).all()
        assert (visit.actor_kind, visit.actor_label) == ("operator", "operator")
        assert visit.actor_id == operator.id
    with tenant_scope(tenants["angarsk"]):
        assert db.session.scalar(select(AuditEntry.id)) is None


def test_a_pass_works_once_only_on_its_own_tenant_and_only_for_a_minute(
    app, client, operator, monkeypatch
):
    entry = console_pass(client)
    assert app.test_client().get(entry, base_url=base("angarsk")).status_code == 404
    assert app.test_client().get(entry, base_url=base("moscow")).status_code == 302
    assert app.test_client().get(entry, base_url=base("moscow")).status_code == 404  # used

    late = console_pass(client)
    moment = clock.now() + timedelta(seconds=61)
    monkeypatch.setattr(clock, "now", lambda: moment)
    assert app.test_client().get(late, base_url=base("moscow")).status_code == 404
    assert (
        app.test_client()
        .get("/admin/operator-entry?token=forged", base_url=base("moscow"))
        .status_code
        == 404
    )


def test_switching_an_operator_off_ends_their_console_visits(client, operator, tenants):
    client.get(console_pass(client), base_url=base("moscow"))
    assert client.get("/admin", base_url=base("moscow")).status_code == 200
    operator.active = False
    db.session.flush()
    assert client.get("/admin", base_url=base("moscow")).status_code == 302


PLATFORM_GETS = ("/platform", "/platform/tenants/new", "/platform/tenants/upload",
                 "/platform/tenants/moscow")  # fmt: skip
PLATFORM_POSTS = ("suspend", "resume", "admins", "console")


def test_staff_residents_and_visitors_never_reach_the_platform(app, app_context, tenants):
    make_staff(tenants["moscow"], login="boss", role="admin")
    make_resident(tenants["moscow"], make_account(tenants["moscow"]), login="resident1")
    staff = app.test_client()
    submit(staff, "moscow", "/admin/login", {"login": "boss", "password": DEMO_PASSWORD})
    resident = app.test_client()
    sign_in(resident, "moscow", {"login": "resident1", "password": DEMO_PASSWORD})
    for client in (staff, resident, app.test_client()):
        for path in PLATFORM_GETS:
            assert client.get(path, base_url=base("moscow")).status_code == 404
            response = client.get(path, base_url=base(None))
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/platform/login")
        for action in PLATFORM_POSTS:
            path = f"/platform/tenants/moscow/{action}"
            assert client.post(path, base_url=base("moscow")).status_code == 404
            assert client.post(path, base_url=base(None)).status_code in (302, 400)
    assert not tenants["moscow"].is_suspended


def test_operators_see_every_platform_page_and_unknown_tenants_are_404(client, operator):
    for path in PLATFORM_GETS:
        assert client.get(path, base_url=base(None)).status_code == 200
    assert client.get("/platform/tenants/atlantis", base_url=base(None)).status_code == 404


def test_an_operator_invites_another_admin_to_a_utility(app, client, operator, tenants, outbox):
    response = submit(
        client,
        None,
        "/platform/tenants/angarsk/admins",
        {"admin_name": "Петров Пётр", "admin_email": "petrov@avk.example"},
        form_page="/platform/tenants/angarsk",
    )
    assert response.status_code == 302
    [mail] = outbox()
    assert "http://angarsk.localhost/admin/invitation/" in mail.get_body(("plain",)).get_content()
    with tenant_scope(tenants["angarsk"]):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.invite"))
        assert (entry.actor_kind, entry.target) == ("operator", "petrov@avk.example")


def test_a_utilitys_page_in_the_console_wears_the_platforms_dress(client, operator, tenants):
    # Not the utility's portal: its brand, resident menu and contacts footer stay on its host.
    moscow = tenants["moscow"]
    page = text(client.get("/platform/tenants/moscow", base_url=base(None)))
    assert f'<h1 id="tenant-title">{moscow.name}</h1>' in page
    assert 'data-testid="utility-name"' not in page
    assert 'id="contacts-title"' not in page
    assert moscow.config.branding.primary_colour not in page
    assert "<title>Мосводоканал — Платформа</title>" in page
