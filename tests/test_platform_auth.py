"""Platform operators sign in at the platform host `/platform` and see every utility (SPEC §1, §5).
Operator and staff sessions never stand in for each other."""

from __future__ import annotations

import re

from app.auth.models import Operator
from app.auth.passwords import hash_password
from app.extensions import db
from tests.conftest import SLUGS
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident, make_staff
from tests.support.web import base, submit, text

NEW_PASSWORD = "Operator-parol-2026"


def make_operator(login="operator", *, must_change_password=False, active=True):
    operator = Operator(
        login=login,
        email=f"{login}@platform.example",
        full_name="Оператор Платформы",
        password_hash=hash_password(DEMO_PASSWORD),
        must_change_password=must_change_password,
        active=active,
    )
    db.session.add(operator)
    db.session.flush()
    return operator


def operator_sign_in(client, login="operator", password=DEMO_PASSWORD):
    return submit(client, None, "/platform/login", {"login": login, "password": password})


def row_of(page: str, slug: str) -> str:
    match = re.search(rf'<tr data-testid="tenant-{slug}">(.*?)</tr>', page, re.DOTALL)
    assert match, f"no row for {slug}"
    return match.group(1)


def test_the_directory_shows_every_tenant_with_its_hosts_and_counts(client, app_context, tenants):
    make_operator()
    moscow, angarsk = tenants["moscow"], tenants["angarsk"]
    make_resident(moscow, make_account(moscow), login="one")
    make_resident(moscow, make_account(moscow), login="two", status="pending")
    make_account(moscow)
    make_account(angarsk)
    response = operator_sign_in(client, "OPERATOR")
    assert response.status_code == 302
    assert response.headers["Location"] == "/platform"
    page = text(client.get("/platform", base_url=base(None)))
    for slug in SLUGS:
        assert f'href="http://{slug}.localhost/"' in row_of(page, slug)
        assert f"{slug}.localhost" in row_of(page, slug)
    assert 'data-testid="accounts">3<' in row_of(page, "moscow")
    assert 'data-testid="residents">1<' in row_of(page, "moscow")  # the pending one cannot sign in
    assert 'data-testid="accounts">1<' in row_of(page, "angarsk")
    assert 'data-testid="residents">0<' in row_of(page, "angarsk")
    assert 'data-testid="accounts">0<' in row_of(page, "sevastopol")
    assert "Подключено водоканалов: 5." in page


def test_operator_login_is_only_on_the_platform_host(client):
    assert client.get("/platform/login", base_url=base("moscow")).status_code == 404
    assert client.get("/platform", base_url=base("moscow")).status_code == 404
    assert client.get("/platform/login", base_url=base(None)).status_code == 200


def test_anonymous_visitors_are_sent_to_the_operator_login(client):
    response = client.get("/platform", base_url=base(None))
    assert response.status_code == 302
    assert response.headers["Location"] == "/platform/login?next=/platform"


def test_wrong_password_unknown_login_and_inactive_operator_are_refused(client, app_context):
    make_operator()
    make_operator("retired", active=False)
    for login, password in (("operator", "wrong"), ("nobody", "wrong")):
        response = operator_sign_in(client, login, password)
        assert response.status_code == 200
        assert "Неверный логин или пароль." in text(response)
    assert "Вход отключён" in text(operator_sign_in(client, "retired"))
    assert client.get("/platform", base_url=base(None)).status_code == 302


def test_an_operator_login_is_locked_after_five_failures(client, app_context):
    make_operator()
    statuses = [operator_sign_in(client, password="wrong").status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert operator_sign_in(client).status_code == 429


def test_a_generated_password_must_be_changed_first(client, app_context):
    make_operator(must_change_password=True)
    operator_sign_in(client)
    forced = client.get("/platform", base_url=base(None))
    assert forced.headers["Location"] == "/platform/password?next=/platform"
    changed = submit(
        client,
        None,
        "/platform/password?next=/platform",
        {
            "current_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        },
    )
    assert changed.headers["Location"] == "/platform"
    assert client.get("/platform", base_url=base(None)).status_code == 200
    submit(client, None, "/platform/logout", {}, form_page="/platform")
    assert operator_sign_in(client, password=NEW_PASSWORD).status_code == 302


def test_logout_ends_the_operator_session(client, app_context):
    make_operator()
    operator_sign_in(client)
    response = submit(client, None, "/platform/logout", {}, form_page="/platform")
    assert response.headers["Location"] == "/platform/login"
    assert client.get("/platform", base_url=base(None)).status_code == 302


def test_a_staff_session_is_not_an_operator_session(client, app_context, tenants):
    make_staff(tenants["moscow"], login="operator", role="admin")  # even with the same login
    make_operator()
    submit(client, "moscow", "/admin/login", {"login": "operator", "password": DEMO_PASSWORD})
    cookie = client.get_cookie("session", domain="moscow.localhost")
    client.set_cookie("session", cookie.value, domain="localhost")
    response = client.get("/platform", base_url=base(None))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/platform/login")


def test_an_operator_session_is_not_a_staff_session(client, app_context, tenants):
    make_staff(tenants["moscow"], login="operator", role="admin")
    make_operator()
    operator_sign_in(client)
    assert client.get("/platform", base_url=base(None)).status_code == 200
    cookie = client.get_cookie("session", domain="localhost")
    client.set_cookie("session", cookie.value, domain="moscow.localhost")
    response = client.get("/admin", base_url=base("moscow"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
