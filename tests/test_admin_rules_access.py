"""Who may use the rules editor: admins edit; clerks and viewers look (a POST is 403); residents
and visitors go to the staff login; staff of another utility find nothing (404)."""

from __future__ import annotations

import pytest

from tests.support.factories import DEMO_PASSWORD, make_account, make_resident, make_staff
from tests.support.web import base, csrf_token, submit, text
from tests.test_admin_rules import audit_entries, edit, rules_form, sign_in_staff, stored

PAGES = ("/admin/rules", "/admin/rules/readings", "/admin/rules/features", "/admin/rules/export")


@pytest.mark.parametrize("role", ["admin", "clerk", "viewer"])
def test_every_role_reads_the_rules_and_exports_them(client, app_context, tenants, role):
    sign_in_staff(client, "moscow", role=role, tenants=tenants)
    for path in PAGES:
        assert client.get(path, base_url=base("moscow")).status_code == 200, path
    page = text(client.get("/admin/rules/readings", base_url=base("moscow")))
    editable = role == "admin"
    assert ('value="save"' in page) is editable
    assert ("Только просмотр: правила меняет администратор." in page) is not editable
    assert ('name="readings.decimals" value="0" inputmode="numeric" disabled' in page) is (
        not editable
    )
    assert 'href="/admin/rules"' in page  # in the console's navigation


@pytest.mark.parametrize("role", ["clerk", "viewer"])
@pytest.mark.parametrize("action", ["save", "preview"])
def test_clerks_and_viewers_cannot_post(client, app_context, tenants, role, action):
    sign_in_staff(client, "moscow", role=role, tenants=tenants)
    before = stored(tenants, "moscow")
    response = edit(client, "moscow", "readings", {"readings.decimals": "2"}, action=action)
    assert response.status_code == 403
    assert stored(tenants, "moscow") == before
    assert audit_entries(tenants["moscow"]) == []


def test_an_unknown_section_is_not_found(client, app_context, tenants):
    sign_in_staff(client, "moscow", tenants=tenants)
    assert client.get("/admin/rules/slug", base_url=base("moscow")).status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_visitors_are_sent_to_the_staff_login(client, path):
    response = client.get(path, base_url=base("moscow"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login?next={path}"


def test_a_visitors_post_changes_nothing(client, app_context, tenants):
    before = stored(tenants, "moscow")
    response = submit(
        client,
        "moscow",
        "/admin/rules/readings",
        {"readings.decimals": "2"},
        form_page="/admin/login",
    )
    assert response.status_code == 302
    assert stored(tenants, "moscow") == before


def test_a_signed_in_resident_is_not_staff(client, app_context, tenants):
    moscow = tenants["moscow"]
    make_resident(moscow, make_account(moscow), login="ivanov.demo")
    submit(client, "moscow", "/login", {"identifier": "ivanov.demo", "secret": DEMO_PASSWORD})
    for path in PAGES:
        response = client.get(path, base_url=base("moscow"))
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/admin/login"), path


def test_staff_of_another_utility_cannot_see_or_change_its_rules(client, app_context, tenants):
    make_staff(tenants["angarsk"], login="boss", role="admin")  # same login, other utility
    sign_in_staff(client, "moscow", tenants=tenants)
    moscow_page = text(client.get("/admin/rules/readings", base_url=base("moscow")))
    data = {**rules_form(moscow_page), "readings.decimals": ["2"], "action": ["save"]}
    before = stored(tenants, "angarsk")
    # The session cookie is host-only; replayed by hand on Angarsk's host it is not valid there.
    cookie = client.get_cookie("session", domain="moscow.localhost")
    client.set_cookie("session", cookie.value, domain="angarsk.localhost")
    for path in PAGES:
        assert client.get(path, base_url=base("angarsk")).status_code == 404, path
    data["csrf_token"] = [csrf_token(moscow_page)]
    response = client.post("/admin/rules/readings", base_url=base("angarsk"), data=data)
    assert response.status_code == 404
    assert stored(tenants, "angarsk") == before
    assert audit_entries(tenants["angarsk"]) == []
