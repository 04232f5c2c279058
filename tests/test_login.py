"""Resident sign-in in every city's modes (issue 3)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, sign_in, submit, text


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


def test_unconfirmed_and_blocked_identities_cannot_sign_in(client, app_context, tenants):
    tenant = tenants["moscow"]
    make_resident(tenant, make_account(tenant), login="pending", status="pending")
    make_resident(tenant, make_account(tenant), login="blocked", status="blocked")
    pending = sign_in(client, "moscow", {"identifier": "pending", "secret": DEMO_PASSWORD})
    assert "Регистрация ещё не подтверждена" in text(pending)
    blocked = sign_in(client, "moscow", {"identifier": "blocked", "secret": DEMO_PASSWORD})
    assert "Вход заблокирован" in text(blocked)
    assert "+7 499 763-34-34" in text(blocked)


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
