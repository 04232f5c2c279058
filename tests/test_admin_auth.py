"""Staff sign-in at `<tenant host>/admin`: passwords, lockout, forced change, roles, and a session
that means nothing on another tenant's host (SPEC §1, §7)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import StaffUser
from app.auth.passwords import verify_password
from app.extensions import db
from app.registration.models import AccountLookupRequest
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident, make_staff
from tests.support.web import base, submit, text

NEW_PASSWORD = "Svezhiy-parol-77"


def staff_sign_in(client, slug, login, password=DEMO_PASSWORD, path="/admin/login"):
    return submit(client, slug, path, {"login": login, "password": password})


def make_lookup_request(tenant, **fields):
    with tenant_scope(tenant):
        row = AccountLookupRequest(
            **{"full_name": "Сидоров Пётр", "phone": "+79025551234", **fields}
        )
        db.session.add(row)
        db.session.flush()
        return row


def stored_staff(tenant, login):
    with tenant_scope(tenant):
        db.session.expire_all()
        return db.session.scalar(select(StaffUser).where(StaffUser.login == login))


def test_staff_sign_in_with_any_case_of_the_login_and_land_on_the_console(
    client, app_context, tenants
):
    moscow = tenants["moscow"]
    make_staff(moscow, login="petrova", role="clerk")
    make_account(moscow)
    response = staff_sign_in(client, "moscow", " PETROVA ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin"
    page = text(client.get("/admin", base_url=base("moscow")))
    assert 'data-testid="staff-name">Петрова Анна (petrova)' in page
    assert 'data-testid="staff-role">Специалист абонентского отдела' in page
    assert 'data-testid="count-accounts">1<' in page
    assert 'href="/admin/accounts"' in page


def test_the_console_is_framed_as_the_console_not_as_the_residents_portal(
    client, app_context, tenants
):
    make_staff(tenants["moscow"], login="petrova", role="clerk")
    login_page = text(client.get("/admin/login", base_url=base("moscow")))
    staff_sign_in(client, "moscow", "petrova")
    console = text(client.get("/admin", base_url=base("moscow")))
    portal = text(client.get("/login", base_url=base("moscow")))
    for page in (login_page, console):
        assert "Консоль водоканала" in page
        assert "Личный кабинет абонента" not in page
        assert 'id="contacts-title"' not in page  # the residents' contacts footer
    assert "Личный кабинет абонента" in portal and 'id="contacts-title"' in portal


def test_wrong_password_and_unknown_login_get_the_same_answer(client, app_context, tenants):
    make_staff(tenants["moscow"], login="petrova")
    wrong = staff_sign_in(client, "moscow", "petrova", "not-the-password")
    unknown = staff_sign_in(client, "moscow", "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert "Неверный логин или пароль." in text(wrong)
    assert "Неверный логин или пароль." in text(unknown)


def test_a_staff_login_is_locked_after_five_failures_even_for_the_right_password(
    client, app_context, tenants
):
    make_staff(tenants["moscow"], login="petrova")
    statuses = [staff_sign_in(client, "moscow", "Petrova", "wrong").status_code for _ in range(5)]
    locked = staff_sign_in(client, "moscow", "petrova")
    assert statuses == [200] * 5
    assert locked.status_code == 429
    assert "Слишком много попыток" in text(locked)


def test_one_address_is_limited_across_staff_logins(client):
    statuses = [
        staff_sign_in(client, "angarsk", f"user{index}", "x").status_code for index in range(31)
    ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_a_lockout_on_one_tenant_does_not_reach_another(client, app_context, tenants):
    make_staff(tenants["angarsk"], login="petrova")
    for _ in range(6):
        staff_sign_in(client, "moscow", "petrova", "wrong")
    assert staff_sign_in(client, "angarsk", "petrova").status_code == 302


def test_inactive_staff_cannot_sign_in(client, app_context, tenants):
    staff = make_staff(tenants["moscow"], login="former")
    with tenant_scope(tenants["moscow"]):
        staff.active = False
        db.session.flush()
    response = staff_sign_in(client, "moscow", "former")
    assert response.status_code == 200
    assert "Вход отключён" in text(response)
    assert client.get("/admin", base_url=base("moscow")).status_code == 302


def test_deactivating_staff_ends_their_session(client, app_context, tenants):
    staff = make_staff(tenants["moscow"], login="petrova")
    staff_sign_in(client, "moscow", "petrova")
    assert client.get("/admin", base_url=base("moscow")).status_code == 200
    with tenant_scope(tenants["moscow"]):
        db.session.get(StaffUser, (tenants["moscow"].id, staff.id)).active = False
        db.session.commit()
    assert client.get("/admin", base_url=base("moscow")).status_code == 302


def test_logout_is_a_post_with_csrf_and_ends_the_session(client, app_context, tenants):
    make_staff(tenants["moscow"], login="petrova")
    staff_sign_in(client, "moscow", "petrova")
    assert client.get("/admin/logout", base_url=base("moscow")).status_code == 405
    assert client.post("/admin/logout", base_url=base("moscow")).status_code == 400  # no token
    response = submit(client, "moscow", "/admin/logout", {}, form_page="/admin")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login"
    assert client.get("/admin", base_url=base("moscow")).status_code == 302


def test_first_sign_in_with_a_one_time_password_forces_a_change(client, app_context, tenants):
    moscow = tenants["moscow"]
    make_staff(moscow, login="novichok", must_change_password=True)
    assert staff_sign_in(client, "moscow", "novichok").headers["Location"] == "/admin"
    forced = client.get("/admin/accounts", base_url=base("moscow"))
    assert forced.status_code == 302
    assert forced.headers["Location"] == "/admin/password?next=/admin/accounts"
    page = text(client.get(forced.headers["Location"], base_url=base("moscow")))
    assert "Вы вошли с временным паролем" in page

    weak = submit(
        client,
        "moscow",
        "/admin/password?next=/admin/accounts",
        {
            "current_password": DEMO_PASSWORD,
            "new_password": "1234567890",
            "confirmation": "1234567890",
        },
    )
    assert weak.status_code == 200
    assert "Пароль не может состоять только из цифр." in text(weak)

    changed = submit(
        client,
        "moscow",
        "/admin/password?next=/admin/accounts",
        {
            "current_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert changed.headers["Location"] == "/admin/accounts"
    assert client.get("/admin/accounts", base_url=base("moscow")).status_code == 200
    staff = stored_staff(moscow, "novichok")
    assert staff.must_change_password is False
    assert verify_password(staff.password_hash, NEW_PASSWORD)


def test_a_password_change_ends_other_sessions_but_keeps_this_one(app, app_context, tenants):
    make_staff(tenants["moscow"], login="petrova")
    this, other = app.test_client(), app.test_client()
    staff_sign_in(this, "moscow", "petrova")
    staff_sign_in(other, "moscow", "petrova")
    submit(
        this,
        "moscow",
        "/admin/password",
        {
            "current_password": DEMO_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        },
    )
    assert this.get("/admin", base_url=base("moscow")).status_code == 200
    assert other.get("/admin", base_url=base("moscow")).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "current_password": "wrong",
                "new_password": NEW_PASSWORD,
                "confirmation": NEW_PASSWORD,
            },
            "Неверный текущий пароль.",
        ),
        (
            {"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD, "confirmation": "x"},
            "Пароли не совпадают.",
        ),
        (
            {
                "current_password": DEMO_PASSWORD,
                "new_password": DEMO_PASSWORD,
                "confirmation": DEMO_PASSWORD,
            },
            "Новый пароль должен отличаться от текущего.",
        ),
        (
            {
                "current_password": DEMO_PASSWORD,
                "new_password": "Petrova",
                "confirmation": "Petrova",
            },
            "Пароль должен быть не короче 10 символов.",
        ),
    ],
)
def test_password_change_explains_what_is_wrong(client, app_context, tenants, data, message):
    make_staff(tenants["moscow"], login="petrova")
    staff_sign_in(client, "moscow", "petrova")
    response = submit(client, "moscow", "/admin/password", data)
    assert response.status_code == 200
    assert message in text(response)
    assert verify_password(stored_staff(tenants["moscow"], "petrova").password_hash, DEMO_PASSWORD)


@pytest.mark.parametrize(("role", "may_act"), [("viewer", False), ("clerk", True), ("admin", True)])
def test_role_matrix(client, app_context, tenants, role, may_act):
    angarsk = tenants["angarsk"]
    account = make_account(angarsk)
    request_row = make_lookup_request(angarsk)
    make_staff(angarsk, login="worker", role=role)
    staff_sign_in(client, "angarsk", "worker")
    for path in ("/admin", "/admin/accounts?q=Иванов", "/admin/lookup-requests"):
        assert client.get(path, base_url=base("angarsk")).status_code == 200, path

    issue_page = client.get(f"/admin/accounts/{account.id}/issue-login", base_url=base("angarsk"))
    handled = submit(
        client,
        "angarsk",
        f"/admin/lookup-requests/{request_row.id}",
        {"status": "answered", "note": "Перезвонили"},
        form_page="/admin",
    )
    issued = submit(
        client,
        "angarsk",
        f"/admin/accounts/{account.id}/issue-login",
        {"login": "ivanov-office"},
        form_page="/admin",
    )
    if may_act:
        assert issue_page.status_code == 200
        assert handled.status_code == 302
        assert issued.status_code == 200 and 'data-testid="one-time-password"' in text(issued)
    else:
        assert issue_page.status_code == handled.status_code == issued.status_code == 403
        assert "Недостаточно прав" in text(issue_page)
        assert "Выдать доступ" not in text(
            client.get("/admin/accounts?q=Иванов", base_url=base("angarsk"))
        )


@pytest.mark.parametrize(
    "path",
    ["/admin", "/admin/accounts", "/admin/lookup-requests", "/admin/password"],
)
def test_anonymous_visitors_are_sent_to_the_staff_login(client, path):
    response = client.get(path, base_url=base("moscow"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/login?next={path}"


def test_a_signed_in_resident_is_not_staff(client, app_context, tenants):
    moscow = tenants["moscow"]
    make_resident(moscow, make_account(moscow), login="ivanov.demo")
    assert (
        submit(
            client, "moscow", "/login", {"identifier": "ivanov.demo", "secret": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    response = client.get("/admin", base_url=base("moscow"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin"


def test_a_moscow_staff_user_gets_404_on_the_angarsk_console(client, app_context, tenants):
    make_staff(tenants["moscow"], login="petrova", role="admin")
    make_staff(tenants["angarsk"], login="petrova", role="admin")  # same login, other tenant
    angarsk_account = make_account(tenants["angarsk"])
    staff_sign_in(client, "moscow", "petrova")
    cookie = client.get_cookie("session", domain="moscow.localhost")
    # the browser never sends it there (host-only); replay it by hand
    client.set_cookie("session", cookie.value, domain="angarsk.localhost")
    for path in (
        "/admin",
        "/admin/lookup-requests",
        f"/admin/accounts/{angarsk_account.id}/issue-login",
    ):
        assert client.get(path, base_url=base("angarsk")).status_code == 404, path
    # and it signs nobody in there: the login page is the usual one
    assert client.get("/admin/login", base_url=base("angarsk")).status_code == 200


def test_another_tenants_account_and_request_are_not_found(client, app_context, tenants):
    moscow, angarsk = tenants["moscow"], tenants["angarsk"]
    moscow_account = make_account(moscow)
    moscow_request = make_lookup_request(moscow)
    make_staff(angarsk, login="clerk", role="clerk")
    staff_sign_in(client, "angarsk", "clerk")
    assert (
        client.get(
            f"/admin/accounts/{moscow_account.id}/issue-login", base_url=base("angarsk")
        ).status_code
        == 404
    )
    posted = submit(
        client,
        "angarsk",
        f"/admin/accounts/{moscow_account.id}/issue-login",
        {"login": "stranger"},
        form_page="/admin",
    )
    assert posted.status_code == 404
    handled = submit(
        client,
        "angarsk",
        f"/admin/lookup-requests/{moscow_request.id}",
        {"status": "closed"},
        form_page="/admin",
    )
    assert handled.status_code == 404
    with tenant_scope(moscow):
        db.session.expire_all()
        assert db.session.get(AccountLookupRequest, (moscow.id, moscow_request.id)).status == "new"


def test_the_staff_console_is_not_served_on_the_platform_host(client):
    assert client.get("/admin/login", base_url=base(None)).status_code == 404
    assert client.get("/admin", base_url=base(None)).status_code == 404


def test_next_never_leaves_the_host(client, app_context, tenants):
    make_staff(tenants["moscow"], login="petrova")
    response = staff_sign_in(
        client, "moscow", "petrova", path="/admin/login?next=https://evil.example/"
    )
    assert response.headers["Location"] == "/admin"


def test_sign_in_rotates_the_session(client, app_context, tenants):
    make_staff(tenants["moscow"], login="petrova")
    client.get("/admin/login", base_url=base("moscow"))
    before = client.get_cookie("session", domain="moscow.localhost").value
    staff_sign_in(client, "moscow", "petrova")
    after = client.get_cookie("session", domain="moscow.localhost").value
    assert before != after
    with client.session_transaction(base_url=base("moscow")) as session:
        assert session["_user_id"].startswith("staff:")
