"""Sign-in defences: limits per account and address, session rotation, sessions bound to their
host, logout, no open redirects (issue 3, SPEC §7)."""

from __future__ import annotations

from app.auth.models import Resident
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, sign_in, submit, text


def test_account_is_locked_after_repeated_failures_even_for_the_right_password(
    client, cheboksary_resident
):
    data = {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": "wrong-one"}
    for _ in range(5):
        assert sign_in(client, "cheboksary", data).status_code == 200
    locked = sign_in(client, "cheboksary", {**data, "secret": DEMO_PASSWORD})
    assert locked.status_code == 429
    assert "Слишком много попыток" in text(locked)
    assert "15 мин" in text(locked)


def test_lockout_of_one_account_does_not_touch_another(
    client, app_context, tenants, cheboksary_resident
):
    other = make_account(tenants["cheboksary"], settlement_code="cheboksary", number="200000001")
    make_resident(tenants["cheboksary"], other)
    for _ in range(6):
        sign_in(
            client,
            "cheboksary",
            {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": "wrong"},
        )
    assert (
        sign_in(
            client,
            "cheboksary",
            {"settlement": "cheboksary", "identifier": "200000001", "secret": DEMO_PASSWORD},
        ).status_code
        == 302
    )


def test_unknown_accounts_lock_out_exactly_like_real_ones(client):
    data = {"identifier": "nobody-here", "secret": "wrong-one"}
    statuses = [sign_in(client, "moscow", data).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_one_address_is_limited_across_accounts(client, app, monkeypatch):
    config = app.extensions["tenant_cache"].directory().by_slug["moscow"].config
    assert config.login.failure_limit_per_address == "30 per 15 minutes"
    statuses = [
        sign_in(client, "moscow", {"identifier": f"user{i}", "secret": "x"}).status_code
        for i in range(31)
    ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_session_is_rotated_at_sign_in(client, cheboksary_resident):
    client.get("/login", base_url=base("cheboksary"))
    before = client.get_cookie("session", domain="cheboksary.localhost").value
    sign_in(
        client,
        "cheboksary",
        {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": DEMO_PASSWORD},
    )
    after = client.get_cookie("session", domain="cheboksary.localhost").value
    assert before != after
    with client.session_transaction(base_url=base("cheboksary")) as session:
        assert session["sid"] and session["_user_id"].startswith("resident:")


def test_a_moscow_session_means_nothing_on_the_angarsk_host(client, app_context, tenants):
    moscow = tenants["moscow"]
    make_resident(moscow, make_account(moscow), login="ivanov.demo")
    sign_in(client, "moscow", {"identifier": "ivanov.demo", "secret": DEMO_PASSWORD})
    session_cookie = client.get_cookie("session", domain="moscow.localhost")
    # the browser would never send it (host-only); replay it by hand on Angarsk's host
    client.set_cookie("session", session_cookie.value, domain="angarsk.localhost")
    response = client.get("/cabinet", base_url=base("angarsk"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_changing_the_password_version_ends_existing_sessions(client, app_context, tenants):
    moscow = tenants["moscow"]
    resident = make_resident(moscow, make_account(moscow), login="ivanov.demo")
    sign_in(client, "moscow", {"identifier": "ivanov.demo", "secret": DEMO_PASSWORD})
    assert client.get("/cabinet", base_url=base("moscow")).status_code == 200
    with tenant_scope(moscow):
        db.session.get(Resident, (moscow.id, resident.id)).end_all_sessions()
        db.session.commit()
    assert client.get("/cabinet", base_url=base("moscow")).status_code == 302


def test_logout_needs_a_post_with_csrf_and_ends_the_session(client, cheboksary_resident):
    sign_in(
        client,
        "cheboksary",
        {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": DEMO_PASSWORD},
    )
    assert "Выйти из личного кабинета?" in text(client.get("/logout", base_url=base("cheboksary")))
    assert client.post("/logout", base_url=base("cheboksary")).status_code == 400  # no token
    assert submit(client, "cheboksary", "/logout", {}).status_code == 302
    assert client.get("/cabinet", base_url=base("cheboksary")).status_code == 302


def test_cabinet_needs_a_signed_in_resident(client):
    response = client.get("/cabinet", base_url=base("sevastopol"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/cabinet"


def test_next_parameter_never_leaves_the_host(client, cheboksary_resident):
    response = submit(
        client,
        "cheboksary",
        "/login?next=https://evil.example/",
        {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": DEMO_PASSWORD},
    )
    assert response.headers["Location"] == "/cabinet"


def test_login_is_not_served_on_the_platform_host(client):
    assert client.get("/login", base_url=base(None)).status_code == 404


def test_an_unknown_login_mode_is_404_and_leaves_the_shared_limits_in_place(client):
    """Any error inside a limit check sends Flask-Limiter to per-process memory for a while (as
    if Redis were down): a made-up `?mode=` must be a plain 404, not such an error."""
    from app.extensions import limiter

    response = submit(client, "moscow", "/login?mode=nonsense", {"identifier": "x", "secret": "y"})

    assert response.status_code == 404
    assert limiter._storage_dead is False
