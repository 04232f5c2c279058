"""«Узнать номер лицевого счёта» (seed 002, Angarsk): a unique match is e-mailed, otherwise staff
call back; the number never appears on the page; rate limited per client address."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.registration.lookup import matching_accounts
from app.registration.models import AccountLookupRequest
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account
from tests.support.web import base, submit, text

NUMBER = "204817"


def ask(client, **changes):
    data = {
        "full_name": "Алешина Мария Петровна",
        "email": "maria@mail.ru",
        "phone": "8 914 123-45-67",
        **changes,
    }
    return submit(client, "angarsk", "/account-lookup", data)


def requests(tenant) -> list[AccountLookupRequest]:
    db.session.expire_all()
    with tenant_scope(tenant):
        return list(db.session.scalars(select(AccountLookupRequest)))


@pytest.fixture
def angarsk(app_context, tenants):
    tenant = tenants["angarsk"]
    make_account(
        tenant,
        number=NUMBER,
        owner_surname="Алёшина",
        owner_full_name="Алёшина Мария Петровна",
        address="ул. Ленина, д. 5, кв. 12",
        email="Maria@mail.ru",
        phone="+79141234567",
    )
    return tenant


def test_form_has_the_configured_fields(client):
    page = text(client.get("/account-lookup", base_url=base("angarsk")))
    for name in ("full_name", "private_house", "email", "phone"):
        assert f'name="{name}"' in page
    assert 'type="checkbox"' in page and 'type="tel"' in page


def test_unique_match_mails_the_number_and_keeps_it_off_the_page(client, angarsk, outbox):
    response = ask(client)
    page = text(response)
    assert response.status_code == 200
    assert "Номер лицевого счёта отправлен на m***@mail.ru" in page
    assert NUMBER not in page
    [message] = outbox()
    assert message["To"] == "maria@mail.ru"
    assert "Ангарский водоканал" in message["Subject"]
    assert f"Номер лицевого счёта: {NUMBER}" in message.get_body(("plain",)).get_content()
    assert NUMBER in message.get_body(("html",)).get_content()
    assert requests(angarsk) == []


def test_a_name_without_the_email_on_file_goes_to_staff(client, angarsk, outbox):
    page = text(ask(client, email="someone.else@mail.ru", phone="8 914 000-00-00"))
    assert "Специалист водоканала перезвонит вам" in page
    assert NUMBER not in page
    assert outbox() == []
    assert len(requests(angarsk)) == 1


def test_the_phone_on_file_with_another_email_still_goes_to_staff(client, angarsk, outbox):
    ask(client, email="new.address@mail.ru")
    assert outbox() == []
    assert len(requests(angarsk)) == 1


def test_no_match_files_a_request_and_promises_a_call_back(client, angarsk, outbox):
    page = text(ask(client, full_name="Петров Пётр Петрович"))
    assert "Специалист водоканала перезвонит вам по номеру +7 914 123-45-67" in page
    assert "+7 395 551-26-46" in page  # the contact centre
    [request] = requests(angarsk)
    assert (request.full_name, request.phone, request.email) == (
        "Петров Пётр Петрович",
        "+79141234567",
        "maria@mail.ru",
    )
    assert request.status == "new" and request.private_house is False
    assert outbox() == []


def test_several_matches_go_to_staff_too(client, angarsk, outbox):
    make_account(
        angarsk, number="204818", owner_surname="Алешина", owner_full_name="Алешина Мария Петровна"
    )
    page = text(ask(client))
    assert "перезвонит" in page and NUMBER not in page
    assert len(requests(angarsk)) == 1 and outbox() == []


def test_private_house_tick_must_agree(client, angarsk, outbox):
    page = text(ask(client, private_house="y"))
    assert "перезвонит" in page
    [request] = requests(angarsk)
    assert request.private_house is True
    assert outbox() == []


def test_bad_phone_and_e_mail_are_reported_at_their_fields(client, angarsk):
    page = text(ask(client, phone="123", email="maria@"))
    assert 'id="phone-error"' in page and 'id="email-error"' in page
    assert requests(angarsk) == []


def test_another_tenants_accounts_are_never_found(client, app_context, tenants, outbox):
    make_account(
        tenants["moscow"],
        number="7012345678",
        owner_surname="Алёшина",
        owner_full_name="Алёшина Мария Петровна",
    )
    assert "перезвонит" in text(ask(client))
    assert outbox() == []


def test_lookup_is_off_where_the_tenant_has_none(client):
    assert client.get("/account-lookup", base_url=base("moscow")).status_code == 404
    assert client.get("/account-lookup", base_url=base(None)).status_code == 404


def test_lookup_is_rate_limited_per_address(client, angarsk):
    statuses = [ask(client, full_name=f"Никто {index}").status_code for index in range(11)]
    assert statuses == [200] * 10 + [429]


def test_matching_folds_case_and_yo_and_checks_the_address(angarsk):
    with tenant_scope(angarsk):
        found = matching_accounts(angarsk, {"full_name": "АЛЕШИНА МАРИЯ ПЕТРОВНА"})
        assert [account.number for account in found] == [NUMBER]
        by_address = {"full_name": "алёшина мария петровна", "address": "Ленина 5-12"}
        assert [a.number for a in matching_accounts(angarsk, by_address)] == [NUMBER]
        wrong_flat = {**by_address, "address": "Ленина 5-13"}
        assert matching_accounts(angarsk, wrong_flat) == []
        assert matching_accounts(angarsk, {"email": "maria@mail.ru"}) == []
