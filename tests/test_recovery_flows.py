"""Password recovery in every city's way (SPEC §2 password recovery row, §7): which fields identify
the resident, the mail with its reset links, and signing in with the new password."""

from __future__ import annotations

import pytest

from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.recovery import (
    ANSWER,
    NEW_PASSWORD,
    ask,
    cheboksary_sign_in,
    links_in,
    main_of,
    make_novocheboksarsk_resident,
    password_works,
    set_password,
)
from tests.support.web import base, csrf_token, submit, text


def plain_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def cheboksary(app_context, tenants):
    return make_novocheboksarsk_resident(tenants)


# --- Cheboksary: e-mail link, or settlement + account number -------------------------------


def test_cheboksary_resets_by_email_and_signs_in_with_the_new_password(
    app, client, outbox, cheboksary
):
    tenant, account, resident = cheboksary
    response = ask(client, "cheboksary", "email", {"email": " ivanova@example.COM "})
    assert response.status_code == 303
    assert response.headers["Location"] == "/password/forgot/sent"

    [mail] = outbox()
    assert mail["To"] == "Ivanova@Example.com"
    body = plain_body(mail)
    assert "Ссылка действует 1 ч." in body
    assert "пароль останется прежним" in body
    assert "104512367" in body
    [link] = links_in(mail)
    assert link.startswith("http://cheboksary.localhost/password/reset/")

    done = set_password(client, link)
    assert done.status_code == 302
    assert done.headers["Location"] == "/cabinet"
    cabinet = client.get("/cabinet", base_url=base("cheboksary"))
    assert cabinet.status_code == 200
    assert "Пароль изменён" in text(cabinet)
    assert "104512367" in text(cabinet)

    fresh = app.test_client()
    assert cheboksary_sign_in(fresh, account, DEMO_PASSWORD).status_code == 200  # refused
    assert cheboksary_sign_in(fresh, account, NEW_PASSWORD).status_code == 302
    assert password_works(tenant, resident, NEW_PASSWORD)


def test_cheboksary_finds_the_account_only_in_its_settlement(client, outbox, cheboksary):
    ask(
        client,
        "cheboksary",
        "settlement-account_number",
        {"settlement": "cheboksary", "account_number": "104512367"},
    )
    assert outbox() == []
    response = ask(
        client,
        "cheboksary",
        "settlement-account_number",
        {"settlement": "novocheboksarsk", "account_number": "104 512 367"},
    )
    assert response.status_code == 303
    [mail] = outbox()
    assert len(links_in(mail)) == 1


def test_the_page_offers_each_identify_by_set_as_a_tab(client):
    page = text(client.get("/password/forgot", base_url=base("cheboksary")))
    assert "По адресу e-mail" in page
    assert "По номеру лицевого счёта" in page
    tab = text(
        client.get("/password/forgot?by=settlement-account_number", base_url=base("cheboksary"))
    )
    assert 'name="settlement"' in tab and "г. Новочебоксарск" in tab
    assert 'name="email"' not in tab


def test_a_malformed_account_number_is_explained_at_the_field(client, outbox, cheboksary):
    response = ask(
        client,
        "cheboksary",
        "settlement-account_number",
        {"settlement": "novocheboksarsk", "account_number": "10451"},
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="account_number-error"' in page
    assert "состоит из 9 цифр" in page and "104512367" in page
    assert outbox() == []


def test_an_unknown_set_of_fields_is_not_found(client):
    response = client.get("/password/forgot?by=phone", base_url=base("cheboksary"))
    assert response.status_code == 404
    posted = submit(
        client,
        "cheboksary",
        "/password/forgot?by=phone",
        {"email": "resident@example.com"},
        form_page="/password/forgot",
    )
    assert posted.status_code == 404


# --- Sevastopol: account number + surname ----------------------------------------------------


def test_sevastopol_needs_the_account_number_and_the_owners_surname(
    client, outbox, app_context, tenants
):
    tenant = tenants["sevastopol"]
    account = make_account(tenant, number="2045173", owner_surname="Алёшина")
    resident = make_resident(tenant, account, email="aleshina@example.com")

    wrong = ask(
        client,
        "sevastopol",
        "account_number-surname",
        {"account_number": "2045173", "surname": "Петрова"},
    )
    assert wrong.status_code == 303
    assert outbox() == []

    right = ask(
        client,
        "sevastopol",
        "account_number-surname",
        {"account_number": "2045173", "surname": "  АЛЕШИНА "},
    )
    assert right.headers["Location"] == wrong.headers["Location"]
    [mail] = outbox()
    assert mail["To"] == "aleshina@example.com"
    [link] = links_in(mail)
    assert set_password(client, link).status_code == 302
    assert password_works(tenant, resident, NEW_PASSWORD)


# --- Angarsk: not online ---------------------------------------------------------------------


def test_angarsk_shows_the_contact_centre_phone_and_no_form(client, outbox):
    response = client.get("/password/forgot", base_url=base("angarsk"))
    assert response.status_code == 200
    page = text(response)
    main = main_of(response)
    assert "Восстановить пароль на сайте нельзя" in main
    assert "+7 395 551-26-46" in main
    assert 'href="tel:+73955512646"' in main
    assert "<form" not in main
    assert "/login?mode=surname" in main  # the passwordless way in is offered
    token = csrf_token(page)
    posted = client.post(
        "/password/forgot",
        base_url=base("angarsk"),
        data={"csrf_token": token, "email": "resident@example.com"},
    )
    assert posted.status_code == 200
    assert "<form" not in main_of(posted)
    assert outbox() == []


# --- Moscow: login + e-mail; legal entities in person ----------------------------------------


def test_moscow_individual_resets_by_login_and_email(app, client, outbox, app_context, tenants):
    tenant = tenants["moscow"]
    resident = make_resident(
        tenant, make_account(tenant), login="ivanov.demo", email="ivanov@example.com"
    )
    ask(client, "moscow", "login-email", {"login": "Ivanov.Demo", "email": "other@example.com"})
    assert outbox() == []  # both must match
    ask(client, "moscow", "login-email", {"login": "Ivanov.Demo", "email": "IVANOV@example.com"})
    [mail] = outbox()
    body = plain_body(mail)
    assert "Ссылка действует 24 ч." in body
    assert "ivanov.demo" in body
    [link] = links_in(mail)
    assert set_password(client, link).status_code == 302
    fresh = app.test_client()
    signed_in = submit(
        fresh, "moscow", "/login", {"identifier": "ivanov.demo", "secret": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert password_works(tenant, resident, NEW_PASSWORD)


def test_moscow_legal_entity_gets_no_mail_and_is_sent_to_the_office(
    client, outbox, app_context, tenants
):
    tenant = tenants["moscow"]
    make_resident(
        tenant,
        make_account(tenant, kind="legal"),
        login="orion",
        kind="legal",
        email="orion@example.com",
        organisation_name="ООО «Орион»",
    )
    form = text(client.get("/password/forgot", base_url=base("moscow")))
    assert "Юридические лица и управляющие компании восстанавливают доступ" in form
    assert "Плетешковский пер., д. 2" in form

    response = ask(
        client, "moscow", "login-email", {"login": "orion", "email": "orion@example.com"}
    )
    assert response.status_code == 303
    assert outbox() == []
    answer = client.get(response.headers["Location"], base_url=base("moscow"))
    assert ANSWER in text(answer)
    assert "только лично" in main_of(answer)


# --- Novosibirsk: by account number, or by e-mail with one message per address ---------------


def test_novosibirsk_resets_by_account_number_in_the_tenants_format(
    client, outbox, app_context, tenants
):
    tenant = tenants["novosibirsk"]
    account = make_account(tenant, number="11-0007785", private_house=True)
    resident = make_resident(tenant, account, email="sidorov@example.com")
    ask(client, "novosibirsk", "account_number", {"account_number": "11-7785"})
    [mail] = outbox()
    assert "11-0007785" in plain_body(mail)
    [link] = links_in(mail)
    assert set_password(client, link).status_code == 302
    assert password_works(tenant, resident, NEW_PASSWORD)


def test_novosibirsk_sends_one_mail_with_a_link_for_every_account_of_the_address(
    app, client, outbox, app_context, tenants
):
    tenant = tenants["novosibirsk"]
    flat = make_account(tenant, number="01-1234567", address="ул. Кирова, д. 3, кв. 7")
    house = make_account(
        tenant, number="11-0000042", private_house=True, address="ул. Садовая, д. 42"
    )
    first = make_resident(tenant, flat, email="petrova@example.com")
    second = make_resident(tenant, house, email="Petrova@Example.com")
    make_resident(tenant, make_account(tenant), email="someone.else@example.com")

    ask(client, "novosibirsk", "email", {"email": "petrova@example.com"})
    [mail] = outbox()
    body = plain_body(mail)
    assert "01-1234567" in body and "ул. Кирова, д. 3, кв. 7" in body
    assert "11-0000042" in body and "ул. Садовая, д. 42" in body
    links = links_in(mail)
    assert len(links) == 2

    # Each link sets the password of its own resident (the body lists them in the same order).
    assert set_password(app.test_client(), links[0], "Pervy-Parol-01").status_code == 302
    assert set_password(app.test_client(), links[1], "Vtoroy-Parol-02").status_code == 302
    assert password_works(tenant, first, "Pervy-Parol-01")
    assert password_works(tenant, second, "Vtoroy-Parol-02")
    for number, password in (("01-1234567", "Pervy-Parol-01"), ("11-0000042", "Vtoroy-Parol-02")):
        signed_in = submit(
            app.test_client(),
            "novosibirsk",
            "/login?mode=individual",
            {"identifier": number, "secret": password},
        )
        assert signed_in.status_code == 302


def test_novosibirsk_organisations_restore_access_in_person(client, outbox, app_context, tenants):
    tenant = tenants["novosibirsk"]
    make_resident(
        tenant,
        make_account(tenant, number="01-7000001", kind="management_company"),
        login="uk-0001",
        kind="management_company",
        email="uk@example.com",
    )
    ask(client, "novosibirsk", "email", {"email": "uk@example.com"})
    ask(client, "novosibirsk", "account_number", {"account_number": "01-7000001"})
    assert outbox() == []
