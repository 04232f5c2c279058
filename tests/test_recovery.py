"""Password recovery in every city's way (SPEC §2 password recovery row, §7): reset links by mail,
single use, expiring, dying with the password; the same answer whether or not anything matched."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.auth.models import AuthToken, Resident
from app.auth.passwords import verify_password
from app.auth.tokens import ExpiredToken, InvalidToken, issue_token, peek_token
from app.db import utcnow
from app.extensions import db
from app.recovery.lookup import find_residents
from app.recovery.services import change_password, issue_reset_links
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, csrf_token, submit, text

ANSWER = (
    "Если данные верны, мы отправили ссылку для смены пароля на e-mail, указанный при регистрации."
)
NEW_PASSWORD = "Rodnik-Novy-2026"
LINK = re.compile(r"https?://[^\s\"<>]+/password/reset/[A-Za-z0-9_-]+")


def ask(client, slug, by, data):
    """Post the recovery form of the set of fields `by`."""
    return submit(client, slug, f"/password/forgot?by={by}", data)


def links_in(message) -> list[str]:
    """The distinct reset links of a mail, in the order they appear in its plain-text body."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    return list(dict.fromkeys(LINK.findall(body)))


def plain_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def set_password(client, link, password=NEW_PASSWORD, confirmation=None):
    page = client.get(link)
    assert page.status_code == 200, text(page)
    data = {
        "csrf_token": csrf_token(text(page)),
        "password": password,
        "password_confirmation": password if confirmation is None else confirmation,
    }
    return client.post(link, data=data)


def main_of(response) -> str:
    """The page's <main> (what the answer says), without the footer's per-request CSRF token."""
    return re.search(r"<main.*?</main>", text(response), re.S).group(0)


def password_works(tenant, resident, password) -> bool:
    with tenant_scope(tenant):
        db.session.expire_all()
        row = db.session.get(Resident, (tenant.id, resident.id))
        return verify_password(row.password_hash, password)


def cheboksary_sign_in(client, account, password):
    data = {"settlement": "novocheboksarsk", "identifier": account.number, "secret": password}
    return submit(client, "cheboksary", "/login", data)


@pytest.fixture
def cheboksary(app_context, tenants):
    """A Cheboksary resident of an account in Novocheboksarsk, signing in with DEMO_PASSWORD."""
    tenant = tenants["cheboksary"]
    account = make_account(tenant, settlement_code="novocheboksarsk", number="104512367")
    resident = make_resident(tenant, account, email="Ivanova@Example.com")
    return tenant, account, resident


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


# --- the same answer, whether or not anything matched --------------------------------------


def test_unknown_data_gets_the_same_answer_as_a_match(client, outbox, cheboksary):
    known = ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    unknown = ask(client, "cheboksary", "email", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert text(known) == text(unknown)
    first = client.get(known.headers["Location"], base_url=base("cheboksary"))
    second = client.get(unknown.headers["Location"], base_url=base("cheboksary"))
    assert first.status_code == second.status_code == 200
    assert main_of(first) == main_of(second)
    assert ANSWER in text(first) and "Ссылка действует 1 ч." in text(first)
    assert len(outbox()) == 1


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


# --- links: single use, expiring, dying with the password -----------------------------------


def test_a_link_works_once(client, outbox, cheboksary):
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])
    assert set_password(client, link).status_code == 302
    again = client.get(link)
    assert again.status_code == 404
    assert "Ссылка недействительна или уже использована" in text(again)
    assert again.headers["Referrer-Policy"] == "no-referrer"


def test_an_expired_link_offers_a_new_one(client, outbox, cheboksary):
    tenant, _account, resident = cheboksary
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])
    with tenant_scope(tenant):
        db.session.execute(
            update(AuthToken)
            .where(AuthToken.resident_id == resident.id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    response = client.get(link)
    assert response.status_code == 410
    assert "Ссылка устарела" in text(response)
    assert 'href="/password/forgot"' in text(response)
    data = {
        "csrf_token": csrf_token(text(response)),
        "password": NEW_PASSWORD,
        "password_confirmation": NEW_PASSWORD,
    }
    assert client.post(link, data=data).status_code == 410
    assert password_works(tenant, resident, DEMO_PASSWORD)


def test_a_new_request_cancels_the_previous_link(client, outbox, cheboksary):
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [old], [new] = (links_in(mail) for mail in outbox())
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_other_links_die_when_the_password_is_reset(client, cheboksary):
    tenant, _account, resident = cheboksary
    with tenant_scope(tenant):
        link_a = issue_token(resident, "reset_password", timedelta(hours=1))
        link_b = issue_token(resident, "reset_password", timedelta(hours=1))
    url = base("cheboksary") + "/password/reset/{}"
    assert set_password(client, url.format(link_b)).status_code == 302
    refused = client.get(url.format(link_a))
    assert refused.status_code == 404
    assert "Ссылка недействительна или уже использована" in text(refused)


def test_change_password_kills_every_link_and_session(cheboksary):
    tenant, _account, resident = cheboksary
    with tenant_scope(tenant):
        raw = issue_token(resident, "reset_password", timedelta(hours=1))
        version = resident.session_version
        resident.must_change_password = True
        change_password(resident, NEW_PASSWORD)
        assert resident.session_version == version + 1
        assert not resident.must_change_password
        with pytest.raises(InvalidToken):
            peek_token(raw, "reset_password")
    assert password_works(tenant, resident, NEW_PASSWORD)


def test_a_reset_ends_a_session_signed_in_elsewhere(app, client, outbox, cheboksary):
    _tenant, account, _resident = cheboksary
    elsewhere = app.test_client()
    assert cheboksary_sign_in(elsewhere, account, DEMO_PASSWORD).status_code == 302
    assert elsewhere.get("/cabinet", base_url=base("cheboksary")).status_code == 200

    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])
    assert set_password(client, link).status_code == 302

    after = elsewhere.get("/cabinet", base_url=base("cheboksary"))
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/login")
    assert client.get("/cabinet", base_url=base("cheboksary")).status_code == 200


def test_the_new_password_follows_the_tenant_policy(client, outbox, cheboksary):
    tenant, _account, resident = cheboksary
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])
    mismatch = set_password(client, link, NEW_PASSWORD, confirmation="Something-Else-1")
    assert mismatch.status_code == 200
    assert 'id="password_confirmation-error"' in text(mismatch)
    assert "Пароли не совпадают." in text(mismatch)
    weak = set_password(client, link, "104512367")
    assert 'id="password-error"' in text(weak)
    assert "не должен совпадать с номером лицевого счёта" in text(weak)
    short = set_password(client, link, "Ab-1")
    assert "не короче 8 символов" in text(short)
    assert password_works(tenant, resident, DEMO_PASSWORD)
    assert set_password(client, link).status_code == 302  # the link survived the failures


# --- rate limits -----------------------------------------------------------------------------


def test_requests_for_one_identifier_are_rate_limited(client, cheboksary):
    for _ in range(5):
        assert (
            ask(client, "cheboksary", "email", {"email": "ivanova@example.com"}).status_code == 303
        )
    limited = ask(client, "cheboksary", "email", {"email": "IVANOVA@example.com"})
    assert limited.status_code == 429
    assert "Слишком много попыток" in text(limited)
    other = ask(client, "cheboksary", "email", {"email": "someone@example.com"})
    assert other.status_code == 303


def test_surname_guesses_count_against_the_account(client, app_context, tenants):
    make_account(tenants["sevastopol"], number="2045173", owner_surname="Алёшина")
    for guess in ("Петрова", "Сидорова", "Иванова", "Кузнецова", "Смирнова"):
        ask(
            client,
            "sevastopol",
            "account_number-surname",
            {"account_number": "2045173", "surname": guess},
        )
    limited = ask(
        client,
        "sevastopol",
        "account_number-surname",
        {"account_number": "2 045 173", "surname": "Алёшина"},
    )
    assert limited.status_code == 429


def test_requests_from_one_address_are_rate_limited(client):
    for number in range(20):
        response = ask(client, "cheboksary", "email", {"email": f"user{number}@example.com"})
        assert response.status_code == 303
    assert ask(client, "cheboksary", "email", {"email": "last@example.com"}).status_code == 429


# --- tenants and hosts -----------------------------------------------------------------------


def test_a_moscow_link_is_invalid_on_the_angarsk_host(client, app_context, tenants):
    moscow = tenants["moscow"]
    resident = make_resident(moscow, make_account(moscow), login="ivanov.demo")
    with tenant_scope(moscow):
        raw = issue_token(resident, "reset_password", timedelta(hours=24))
    foreign = client.get(f"/password/reset/{raw}", base_url=base("angarsk"))
    assert foreign.status_code == 404
    assert "Ссылка недействительна" in text(foreign)
    assert client.get(f"/password/reset/{raw}", base_url=base("moscow")).status_code == 200


def test_a_moscow_email_on_the_novosibirsk_host_sends_nothing(client, outbox, app_context, tenants):
    moscow = tenants["moscow"]
    make_resident(moscow, make_account(moscow), login="ivanov.demo", email="mos@example.com")
    response = ask(client, "novosibirsk", "email", {"email": "mos@example.com"})
    assert response.status_code == 303
    assert outbox() == []


def test_recovery_is_not_served_on_the_platform_host(client):
    assert client.get("/password/forgot", base_url=base(None)).status_code == 404
    token = csrf_token(text(client.get("/", base_url=base(None))))
    posted = client.post(
        "/password/forgot",
        base_url=base(None),
        data={"csrf_token": token, "email": "resident@example.com"},
    )
    assert posted.status_code == 404
    assert client.get("/password/reset/anything", base_url=base(None)).status_code == 404


# --- finding residents and issuing links (services, no HTTP) --------------------------------


def test_find_residents_by_each_kind_of_field(app_context, tenants):
    cheboksary = tenants["cheboksary"]
    account = make_account(cheboksary, settlement_code="kugesi", owner_surname="Ёлкина")
    resident = make_resident(cheboksary, account, email="Elkina@Example.com")
    with tenant_scope(cheboksary):
        by_number = find_residents({"settlement": "kugesi", "account_number": account.number})
        assert [item.resident.id for item in by_number] == [resident.id]
        assert [a.number for a in by_number[0].accounts] == [account.number]
        assert find_residents({"settlement": "cheboksary", "account_number": account.number}) == []
        assert len(find_residents({"email": " elkina@EXAMPLE.com"})) == 1
        assert len(find_residents({"account_number": account.number, "surname": "елкина"})) == 1
        assert find_residents({"account_number": account.number, "surname": "Ёлкин"}) == []
        assert len(find_residents({"email": "elkina@example.com", "surname": "ЁЛКИНА"})) == 1

    moscow = tenants["moscow"]
    member = make_resident(moscow, login="Petrov", email="petrov@example.com")
    with tenant_scope(moscow):
        assert [f.resident.id for f in find_residents({"login": " PETROV "})] == [member.id]
        assert len(find_residents({"login": "petrov", "email": "Petrov@example.com"})) == 1
        assert find_residents({"login": "petrov", "email": "ivanov@example.com"}) == []
        assert find_residents({"login": "ivanov", "email": "petrov@example.com"}) == []


def test_passwordless_identities_are_not_found(app_context, tenants):
    angarsk = tenants["angarsk"]
    account = make_account(angarsk, number="204817")
    make_resident(angarsk, account, password=None, email="nopassword@example.com")
    with tenant_scope(angarsk):
        assert find_residents({"account_number": "204817"}) == []


def test_only_active_residents_of_online_audiences_get_links(app_context, tenants):
    tenant = tenants["novosibirsk"]
    for status, kind in (
        ("pending", "individual"),
        ("blocked", "individual"),
        ("active", "legal"),
        ("active", "individual"),
    ):
        make_resident(
            tenant, make_account(tenant), status=status, kind=kind, email="shared@example.com"
        )
    make_resident(tenant, make_account(tenant), email=None)
    with tenant_scope(tenant):
        found = find_residents({"email": "shared@example.com"})
        assert len(found) == 4
        mails = issue_reset_links(tenant, found)
    [mail] = mails
    assert [link.resident.status for link in mail.links] == ["active"]
    assert [link.resident.kind for link in mail.links] == ["individual"]


def test_a_link_of_a_resident_blocked_since_is_refused(client, cheboksary):
    tenant, _account, resident = cheboksary
    with tenant_scope(tenant):
        raw = issue_token(resident, "reset_password", timedelta(hours=1))
        resident.status = "blocked"
        db.session.flush()
    response = client.get(f"/password/reset/{raw}", base_url=base("cheboksary"))
    assert response.status_code == 404


def test_expired_tokens_are_reported_as_expired(cheboksary):
    tenant, _account, resident = cheboksary
    with tenant_scope(tenant):
        raw = issue_token(resident, "reset_password", timedelta(hours=-1))
        with pytest.raises(ExpiredToken):
            peek_token(raw, "reset_password")
