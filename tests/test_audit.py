"""The audit log: `record_audit` stores who did what in the caller's transaction; `/admin/audit`
lists the tenant's entries for admins and viewers, filtered and paged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app import clock
from app.audit import AuditEntry, NoTenantInScope, record_audit
from app.audit.log import PER_PAGE
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident, make_staff
from tests.support.web import base, submit, text


def staff_sign_in(client, slug, login):
    response = submit(client, slug, "/admin/login", {"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return response


def entries(tenant):
    with tenant_scope(tenant):
        db.session.expire_all()
        return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.at)))


def add_entry(tenant, action, *, at=None, target="", details=None, actor=None, monkeypatch=None):
    with tenant_scope(tenant):
        if at is not None:
            monkeypatch.setattr(clock, "now", lambda: at)
        entry = record_audit(action, target=target, details=details, actor=actor)
        db.session.flush()
        return entry


def test_record_audit_outside_a_request_is_the_system_and_joins_the_callers_transaction(
    app_context, tenants
):
    moscow = tenants["moscow"]
    with tenant_scope(moscow):
        entry = record_audit(
            "tenant.update", target="branding", details={"old": "#000000", "new": "#ffffff"}
        )
        assert entry in db.session.new  # added, not committed: the caller's commit stores it
        db.session.flush()
    (stored,) = entries(moscow)
    assert (stored.actor_kind, stored.actor_id, stored.actor_label) == ("system", None, "")
    assert stored.tenant_id == moscow.id and stored.address is None
    assert stored.details == {"old": "#000000", "new": "#ffffff"}
    assert stored.at.tzinfo is not None
    assert entries(tenants["angarsk"]) == []


def test_record_audit_names_a_given_actor_and_stores_plain_json(app_context, tenants):
    moscow = tenants["moscow"]
    staff = make_staff(moscow, login="petrova", role="admin")
    resident = make_resident(moscow, make_account(moscow), login="ivanov.demo")
    day = datetime(2026, 11, 3, tzinfo=UTC).date()
    with tenant_scope(moscow):
        staff_id = staff.id
        record_audit("staff.invite", target="sidorov", details={"on": day}, actor=staff)
        record_audit("account.view", target="1234567890", actor=resident)
        db.session.flush()
    by_staff, by_resident = entries(moscow)
    assert (by_staff.actor_kind, by_staff.actor_id, by_staff.actor_label) == (
        "staff",
        staff_id,
        "petrova",
    )
    assert by_staff.details == {"on": "2026-11-03"}
    assert (by_resident.actor_kind, by_resident.actor_label) == ("resident", "ivanov.demo")


def test_record_audit_needs_a_tenant_in_scope(app_context):
    with pytest.raises(NoTenantInScope):
        record_audit("rules.update")


def test_a_rolled_back_change_leaves_no_entry(app_context, tenants):
    moscow = tenants["moscow"]
    with tenant_scope(moscow):
        nested = db.session.begin_nested()
        record_audit("rules.update", target="contacts.email")
        db.session.flush()
        nested.rollback()
    assert entries(moscow) == []


def test_in_a_request_the_signed_in_staff_user_and_address_are_recorded(
    client, app, app_context, tenants
):
    moscow = tenants["moscow"]
    staff = make_staff(moscow, login="petrova", role="admin")
    staff_sign_in(client, "moscow", "petrova")
    cookie = client.get_cookie("session", domain="moscow.localhost")
    with (
        app.test_request_context(
            "/admin",
            base_url=base("moscow"),
            headers={"Cookie": f"session={cookie.value}"},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        ),
        tenant_scope(moscow),
    ):
        entry = record_audit("account.view", target="1234567890")
        db.session.flush()
        assert (entry.actor_kind, entry.actor_id, entry.actor_label) == (
            "staff",
            staff.id,
            "petrova",
        )
        assert entry.address == "203.0.113.7"


def test_the_console_lists_who_when_what_and_old_to_new(client, app_context, tenants):
    moscow = tenants["moscow"]
    staff = make_staff(moscow, login="petrova", role="admin")
    add_entry(
        moscow,
        "rules.update",
        target="readings.window.last_day",
        details={"old": 25, "new": 26},
        actor=staff,
    )
    add_entry(tenants["angarsk"], "rules.update", target="angarsk.secret")
    staff_sign_in(client, "moscow", "petrova")
    response = client.get("/admin/audit", base_url=base("moscow"))
    page = text(response)
    assert response.status_code == 200
    assert page.count('data-testid="audit-entry"') == 1
    assert "Сотрудник: petrova" in page
    assert "Изменение правил" in page
    assert "readings.window.last_day" in page
    assert 'data-testid="audit-old">25<' in page and 'data-testid="audit-new">26<' in page
    assert "angarsk.secret" not in page
    assert 'href="/admin/audit"' in page  # in the console's navigation


def test_filters_by_action_dates_in_the_tenants_zone_and_target(
    client, app_context, tenants, monkeypatch
):
    moscow = tenants["moscow"]
    make_staff(moscow, login="boss", role="admin")
    # 23:30 UTC on 1 November is already 2 November in Moscow (UTC+3).
    add_entry(
        moscow,
        "rules.update",
        target="contacts.email",
        at=datetime(2026, 11, 1, 23, 30, tzinfo=UTC),
        monkeypatch=monkeypatch,
    )
    add_entry(
        moscow,
        "staff.invite",
        target="sidorov",
        at=datetime(2026, 11, 5, 9, 0, tzinfo=UTC),
        monkeypatch=monkeypatch,
    )
    monkeypatch.undo()
    staff_sign_in(client, "moscow", "boss")

    def shown(query):
        return text(client.get(f"/admin/audit?{query}", base_url=base("moscow"))).count(
            'data-testid="audit-entry"'
        )

    assert shown("") == 2
    assert shown("action=staff.invite") == 1
    assert shown("date_from=2026-11-02&date_to=2026-11-02") == 1
    assert shown("date_from=2026-11-01&date_to=2026-11-01") == 0
    assert shown("date_from=2026-11-03") == 1
    assert shown("target=contacts") == 1
    assert shown("action=not.a.code") == 2  # unknown codes are ignored, not an error
    bad = text(client.get("/admin/audit?date_from=yesterday", base_url=base("moscow")))
    assert "Укажите дату в виде ГГГГ-ММ-ДД." in bad
    backwards = text(
        client.get("/admin/audit?date_from=2026-11-05&date_to=2026-11-01", base_url=base("moscow"))
    )
    assert "Дата «по» раньше даты «с»." in backwards


def test_pages_of_fifty_newest_first_keep_the_filter(client, app_context, tenants):
    moscow = tenants["moscow"]
    make_staff(moscow, login="boss", role="admin")
    with tenant_scope(moscow):
        for number in range(PER_PAGE + 3):
            record_audit("account.view", target=f"acct-{number:03d}")
        db.session.flush()
    staff_sign_in(client, "moscow", "boss")
    first = text(client.get("/admin/audit?action=account.view", base_url=base("moscow")))
    assert first.count('data-testid="audit-entry"') == PER_PAGE
    assert "page=2" in first and "action=account.view" in first
    second = text(client.get("/admin/audit?action=account.view&page=2", base_url=base("moscow")))
    assert second.count('data-testid="audit-entry"') == 3


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("viewer", 200), ("clerk", 403)])
def test_admins_and_viewers_read_the_log_clerks_do_not(client, app_context, tenants, role, status):
    make_staff(tenants["moscow"], login="worker", role=role)
    staff_sign_in(client, "moscow", "worker")
    assert client.get("/admin/audit", base_url=base("moscow")).status_code == status


def test_anonymous_and_residents_go_to_the_staff_login(client, app_context, tenants):
    moscow = tenants["moscow"]
    response = client.get("/admin/audit", base_url=base("moscow"))
    assert response.headers["Location"] == "/admin/login?next=/admin/audit"
    make_resident(moscow, make_account(moscow), login="ivanov.demo")
    submit(client, "moscow", "/login", {"identifier": "ivanov.demo", "secret": DEMO_PASSWORD})
    response = client.get("/admin/audit", base_url=base("moscow"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


def test_staff_of_another_tenant_get_404(client, app_context, tenants):
    make_staff(tenants["moscow"], login="petrova", role="admin")
    staff_sign_in(client, "moscow", "petrova")
    cookie = client.get_cookie("session", domain="moscow.localhost")
    client.set_cookie("session", cookie.value, domain="angarsk.localhost")
    assert client.get("/admin/audit", base_url=base("angarsk")).status_code == 404


def test_every_action_the_code_records_has_a_russian_name():
    """Staff read action names, not codes: a new `record_audit` call site must name its action."""
    import re
    from pathlib import Path

    from app.audit.labels import ACTION_LABELS

    code = re.compile(
        r'"((?:account|resident|staff|operator|tenant|rules|reading|lookup_request'
        r'|job|readings)\.[a-z_]+)"'
    )
    recorded = set()
    for path in (Path(__file__).resolve().parent.parent / "app").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "record_audit" in source or "_ACTION" in source:
            recorded.update(code.findall(source))
    recorded -= {"account.settings", "account.change_password"}  # endpoint names, not actions
    assert recorded, "no audit action found: the scan is broken"
    assert sorted(recorded - set(ACTION_LABELS)) == []
