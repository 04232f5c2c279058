"""Resident sign-in in every city's modes; brute-force limits; sessions bound to their host (issue 3)."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from sqlalchemy import select

from app.auth.models import Resident
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, csrf_token, solve_captcha, submit, text


def sign_in(client, slug, data, mode=None, follow=False):
    path = f"/login?mode={mode}" if mode else "/login"
    return submit(client, slug, path, data, follow=follow)


@pytest.fixture
def cheboksary_resident(app_context, tenants):
    tenant = tenants["cheboksary"]
    account = make_account(tenant, settlement_code="novocheboksarsk", number="104512367")
    make_resident(tenant, account)
    return account


def test_cheboksary_signs_in_with_settlement_account_and_password(client, cheboksary_resident):
    response = sign_in(
        client,
        "cheboksary",
        {"settlement": "novocheboksarsk", "identifier": " 104 512 367 ", "secret": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/cabinet"
    cabinet = client.get("/cabinet", base_url=base("cheboksary"))
    assert "104512367" in text(cabinet)


def test_cheboksary_same_number_in_another_settlement_is_not_this_account(
    client, cheboksary_resident
):
    response = sign_in(
        client,
        "cheboksary",
        {"settlement": "cheboksary", "identifier": "104512367", "secret": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    assert "Неверный номер лицевого счёта или пароль." in text(response)


def test_wrong_password_and_unknown_account_get_the_same_answer(client, cheboksary_resident):
    wrong = sign_in(
        client,
        "cheboksary",
        {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": "nope-nope"},
    )
    unknown = sign_in(
        client,
        "cheboksary",
        {"settlement": "novocheboksarsk", "identifier": "999999999", "secret": "nope-nope"},
    )
    message = "Неверный номер лицевого счёта или пароль."
    assert message in text(wrong) and message in text(unknown)
    assert wrong.status_code == unknown.status_code == 200


def test_moscow_login_is_case_insensitive_and_works_for_legal_entities(
    client, app_context, tenants
):
    tenant = tenants["moscow"]
    make_resident(tenant, make_account(tenant), login="ivanov.demo")
    make_resident(
        tenant,
        make_account(tenant, kind="legal"),
        login="orion",
        kind="legal",
        organisation_name="ООО «Орион»",
    )
    assert (
        sign_in(
            client, "moscow", {"identifier": "Ivanov.Demo", "secret": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    client.post("/logout", base_url=base("moscow"))
    assert (
        sign_in(client, "moscow", {"identifier": "ORION", "secret": DEMO_PASSWORD}).status_code
        == 302
    )


def test_novosibirsk_remember_me_sets_a_host_only_cookie(client, app_context, tenants):
    tenant = tenants["novosibirsk"]
    make_resident(tenant, make_account(tenant, number="11-0007785", private_house=True))
    response = sign_in(
        client,
        "novosibirsk",
        {"identifier": "11-7785", "secret": DEMO_PASSWORD, "remember": "y"},
        mode="individual",
    )
    assert response.status_code == 302
    cookies = {
        name: morsel
        for header in response.headers.getlist("Set-Cookie")
        for name, morsel in SimpleCookie(header).items()
    }
    assert cookies["remember_token"]["expires"]
    for morsel in cookies.values():
        assert not morsel["domain"]  # host-only
        assert morsel["httponly"]
        assert morsel["samesite"] == "Lax"


def test_novosibirsk_without_remember_me_keeps_no_cookie_after_the_browser_closes(
    client, app_context, tenants
):
    tenant = tenants["novosibirsk"]
    make_resident(tenant, make_account(tenant, number="01-1234567"))
    response = sign_in(
        client,
        "novosibirsk",
        {"identifier": "01-1234567", "secret": DEMO_PASSWORD},
        mode="individual",
    )
    assert response.status_code == 302
    assert not any("remember_token" in h for h in response.headers.getlist("Set-Cookie"))


def test_novosibirsk_organisations_use_their_own_form_with_an_access_code(
    client, app_context, tenants
):
    tenant = tenants["novosibirsk"]
    make_resident(tenant, make_account(tenant, kind="legal"), login="org-0001", kind="legal")
    make_resident(tenant, make_account(tenant, number="01-7654321"))
    assert (
        sign_in(
            client,
            "novosibirsk",
            {"identifier": "ORG-0001", "secret": DEMO_PASSWORD},
            mode="organisation",
        ).status_code
        == 302
    )
    client.post("/logout", base_url=base("novosibirsk"))
    # an individual's number is no access code
    refused = sign_in(
        client,
        "novosibirsk",
        {"identifier": "01-7654321", "secret": DEMO_PASSWORD},
        mode="organisation",
    )
    assert "Неверный код доступа или пароль." in text(refused)


def test_login_page_shows_every_mode_as_a_tab(client):
    page = text(client.get("/login", base_url=base("novosibirsk")))
    assert "Физические лица" in page and "Юридические лица и управляющие компании" in page
    assert 'aria-current="page"' in page
    assert 'autocomplete="current-password"' in page


def test_angarsk_surname_needs_no_password_and_folds_case_and_yo(client, app_context, tenants):
    tenant = tenants["angarsk"]
    make_account(tenant, number="204817", owner_surname="Алёшина")
    response = sign_in(
        client, "angarsk", {"identifier": "204817", "secret": "  алешина "}, mode="surname"
    )
    assert response.status_code == 302
    assert "204817" in text(client.get("/cabinet", base_url=base("angarsk")))


def test_angarsk_wrong_surname_is_refused_without_saying_why(client, app_context, tenants):
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    response = sign_in(
        client, "angarsk", {"identifier": "204817", "secret": "Петрова"}, mode="surname"
    )
    assert "Неверный номер лицевого счёта или фамилия." in text(response)


def test_unconfirmed_and_blocked_identities_cannot_sign_in(client, app_context, tenants):
    tenant = tenants["moscow"]
    make_resident(tenant, make_account(tenant), login="pending", status="pending")
    make_resident(tenant, make_account(tenant), login="blocked", status="blocked")
    pending = sign_in(client, "moscow", {"identifier": "pending", "secret": DEMO_PASSWORD})
    assert "Регистрация ещё не подтверждена" in text(pending)
    blocked = sign_in(client, "moscow", {"identifier": "blocked", "secret": DEMO_PASSWORD})
    assert "Вход заблокирован" in text(blocked)
    assert "+7 499 763-34-34" in text(blocked)


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


def test_resident_can_switch_between_linked_accounts(client, app_context, tenants):
    moscow = tenants["moscow"]
    first, second = (
        make_account(moscow, number="7000000001"),
        make_account(moscow, number="7000000002"),
    )
    make_resident(moscow, first, second, login="two.accounts")
    foreign = make_account(moscow, number="7000000003")
    sign_in(client, "moscow", {"identifier": "two.accounts", "secret": DEMO_PASSWORD})
    page = text(client.get("/cabinet", base_url=base("moscow")))
    assert 'data-testid="current-account">7000000001' in page
    switched = submit(
        client,
        "moscow",
        "/cabinet/account",
        {"account_id": str(second.id)},
        form_page="/cabinet",
        follow=True,
    )
    assert 'data-testid="current-account">7000000002' in text(switched)
    refused = submit(
        client, "moscow", "/cabinet/account", {"account_id": str(foreign.id)}, form_page="/cabinet"
    )
    assert refused.status_code == 404


def test_sevastopol_login_needs_the_control_code(client, app, app_context, tenants):
    tenant = tenants["sevastopol"]
    make_resident(tenant, make_account(tenant, number="2045173"))
    page = text(client.get("/login", base_url=base("sevastopol")))
    assert "Контрольный код" in page and "/captcha/" in page
    data = {"identifier": "2045173", "secret": DEMO_PASSWORD, "csrf_token": csrf_token(page)}
    without = client.post("/login", base_url=base("sevastopol"), data={**data, "captcha": "00000"})
    assert without.status_code == 200
    assert "Неверный контрольный код" in text(without)
    page = text(without)
    data["csrf_token"] = csrf_token(page)
    solved = client.post(
        "/login",
        base_url=base("sevastopol"),
        data={**data, **solve_captcha(app, client, "sevastopol", page)},
    )
    assert solved.status_code == 302


def test_angarsk_surname_mode_asks_for_the_captcha_after_three_failures(
    client, app, app_context, tenants
):
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    wrong = {"identifier": "204817", "secret": "Петрова"}
    for _ in range(3):
        page = text(sign_in(client, "angarsk", wrong, mode="surname"))
        assert "Неверный номер лицевого счёта или фамилия." in page
    assert "Контрольный код" in page  # due from now on for this account
    # the right surname without the code is not enough
    refused = submit(
        client, "angarsk", "/login?mode=surname", {"identifier": "204817", "secret": "Алёшина"}
    )
    assert refused.status_code == 200 and "Неверный контрольный код" in text(refused)
    page = text(refused)
    solved = client.post(
        "/login?mode=surname",
        base_url=base("angarsk"),
        data={
            "identifier": "204817",
            "secret": "Алёшина",
            "csrf_token": csrf_token(page),
            **solve_captcha(app, client, "angarsk", page),
        },
    )
    assert solved.status_code == 302


def test_angarsk_captcha_is_per_account(client, app_context, tenants):
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    make_account(tenants["angarsk"], number="204818", owner_surname="Борисов")
    for _ in range(3):
        sign_in(client, "angarsk", {"identifier": "204817", "secret": "Петрова"}, mode="surname")
    other = sign_in(
        client, "angarsk", {"identifier": "204818", "secret": "Борисов"}, mode="surname"
    )
    assert other.status_code == 302


def test_angarsk_surname_sign_in_keeps_returning_the_same_identity(client, app_context, tenants):
    from app.auth.models import ResidentAccount

    tenant = tenants["angarsk"]
    account = make_account(tenant, number="204817", owner_surname="Алёшина")
    for _ in range(2):
        assert (
            sign_in(
                client, "angarsk", {"identifier": "204817", "secret": "Алёшина"}, mode="surname"
            ).status_code
            == 302
        )
        client.post("/logout", base_url=base("angarsk"))
    with tenant_scope(tenant):
        holders = db.session.scalars(
            select(ResidentAccount).where(ResidentAccount.account_id == account.id)
        ).all()
    assert len(holders) == 1


def test_surname_never_opens_an_identity_that_holds_other_accounts(client, app_context, tenants):
    tenant = tenants["angarsk"]
    mine = make_account(tenant, number="204817", owner_surname="Алёшина")
    other = make_account(tenant, number="204818", owner_surname="Борисов")
    make_resident(tenant, mine, other, login="both")
    sign_in(client, "angarsk", {"identifier": "204817", "secret": "Алёшина"}, mode="surname")
    page = text(client.get("/cabinet", base_url=base("angarsk")))
    assert "204817" in page and "204818" not in page
