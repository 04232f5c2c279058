"""Who a recovery request finds, and what it is told (SPEC §2 password recovery row, §7): the same
answer whether or not anything matched, only active online residents of the host's tenant get a
link, and requests are rate-limited per identifier and per address."""

from __future__ import annotations

import pytest

from app.recovery.lookup import find_residents
from app.recovery.services import issue_reset_links
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account, make_resident
from tests.support.recovery import ANSWER, ask, main_of, make_novocheboksarsk_resident
from tests.support.web import base, csrf_token, text


@pytest.fixture
def cheboksary(app_context, tenants):
    return make_novocheboksarsk_resident(tenants)


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
