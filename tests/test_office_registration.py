"""Office registration (SPEC §2; seeds 000 and 004): a clerk finds the account, hands out a login
with a one-time password that the resident must change at first sign-in; and the «find my
account» queue staff call back from."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.auth.models import Resident, StaffUser
from app.auth.passwords import verify_password
from app.extensions import db
from app.registration.models import AccountLookupRequest
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident, make_staff
from tests.support.web import base, submit, text

PASSWORD_SHOWN = re.compile(r'data-testid="one-time-password">([^<]+)<')
LOGIN_SHOWN = re.compile(r'data-testid="issued-login">([^<]+)<')
CHANGE_PASSWORD_PATH = "/settings/password"  # account.change_password


def clerk_of(client, tenant, role="clerk"):
    make_staff(tenant, login="office", role=role)
    response = submit(
        client, tenant.slug, "/admin/login", {"login": "office", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    return client


def issue(client, slug, account, data=None):
    path = f"/admin/accounts/{account.id}/issue-login"
    return submit(client, slug, path, data or {})


def shown_password(response) -> str:
    match = PASSWORD_SHOWN.search(text(response))
    assert match, text(response)
    return match.group(1)


def linked_residents(tenant, account):
    with tenant_scope(tenant):
        db.session.expire_all()
        return db.session.scalars(
            select(Resident)
            .join(Resident.account_links)
            .where(Resident.account_links.any(account_id=account.id))
        ).all()


def test_cheboksary_clerk_issues_a_password_and_the_resident_must_change_it(
    app, app_context, tenants
):
    cheboksary = tenants["cheboksary"]
    account = make_account(
        cheboksary,
        settlement_code="novocheboksarsk",
        number="104512367",
        owner_full_name="Алёшина Мария Петровна",
        owner_surname="Алёшина",
    )
    clerk = clerk_of(app.test_client(), cheboksary)

    found = text(clerk.get("/admin/accounts?q=104 512 367", base_url=base("cheboksary")))
    assert "104512367" in found and "г. Новочебоксарск" in found
    form = text(clerk.get(f"/admin/accounts/{account.id}/issue-login", base_url=base("cheboksary")))
    assert "логин не нужен" in form
    assert 'name="login"' not in form

    result = issue(
        clerk, "cheboksary", account, {"email": "maria@example.com", "phone": "8 912 345-67-89"}
    )
    assert result.status_code == 200
    assert result.headers["Cache-Control"] == "no-store"
    password = shown_password(result)
    assert len(password) == 10
    assert "Логин не нужен" in text(result)
    assert "г. Новочебоксарск" in text(result)

    (resident,) = linked_residents(cheboksary, account)
    assert resident.login is None
    assert resident.status == "active" and resident.must_change_password
    assert resident.kind == "individual"
    assert resident.full_name == "Алёшина Мария Петровна"
    assert resident.email == "maria@example.com" and resident.phone == "+79123456789"
    assert password not in (resident.password_hash or "")
    assert verify_password(resident.password_hash, password)

    resident_client = app.test_client()
    signed_in = submit(
        resident_client,
        "cheboksary",
        "/login",
        {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": password},
    )
    assert signed_in.status_code == 302
    cabinet = resident_client.get(signed_in.headers["Location"], base_url=base("cheboksary"))
    assert cabinet.status_code == 302
    assert cabinet.headers["Location"].split("?")[0] == CHANGE_PASSWORD_PATH


def test_novosibirsk_organisation_gets_an_access_code_and_signs_in_with_its_own_form(
    app, app_context, tenants
):
    novosibirsk = tenants["novosibirsk"]
    account = make_account(
        novosibirsk, kind="legal", organisation_name="ООО «Обь»", number="01-7000001"
    )
    clerk = clerk_of(app.test_client(), novosibirsk)
    form = text(
        clerk.get(f"/admin/accounts/{account.id}/issue-login", base_url=base("novosibirsk"))
    )
    assert "по коду доступа и паролю" in form

    result = issue(clerk, "novosibirsk", account)
    code = LOGIN_SHOWN.search(text(result)).group(1)
    password = shown_password(result)
    assert re.fullmatch(r"ORG-[2-9A-HJ-NP-Z]{6}", code)
    (resident,) = linked_residents(novosibirsk, account)
    assert resident.login == code.lower()
    assert resident.kind == "legal" and resident.organisation_name == "ООО «Обь»"

    resident_client = app.test_client()
    signed_in = submit(
        resident_client,
        "novosibirsk",
        "/login?mode=organisation",
        {"identifier": code.lower(), "secret": password},
    )
    assert signed_in.status_code == 302
    cabinet = resident_client.get(signed_in.headers["Location"], base_url=base("novosibirsk"))
    assert cabinet.headers["Location"].split("?")[0] == CHANGE_PASSWORD_PATH


def test_moscow_clerk_chooses_the_login_from_a_suggestion(client, app_context, tenants):
    moscow = tenants["moscow"]
    account = make_account(
        moscow,
        kind="legal",
        number="7012345678",
        owner_surname="Щукина",
        organisation_name="АО «Вектор»",
    )
    make_resident(moscow, make_account(moscow), login="taken.login")
    clerk_of(client, moscow)
    form = text(client.get(f"/admin/accounts/{account.id}/issue-login", base_url=base("moscow")))
    assert 'value="shchukina5678"' in form

    taken = issue(client, "moscow", account, {"login": "Taken.Login"})
    assert taken.status_code == 200
    assert "Этот логин уже занят" in text(taken)
    bad = issue(client, "moscow", account, {"login": "вектор"})
    assert "латинские буквы" in text(bad)

    result = issue(client, "moscow", account, {"login": "Vector.Office"})
    assert LOGIN_SHOWN.search(text(result)).group(1) == "vector.office"
    (resident,) = linked_residents(moscow, account)
    assert resident.login == "vector.office"


def test_an_account_with_a_login_gets_a_new_password_only_after_the_tick(app, app_context, tenants):
    moscow = tenants["moscow"]
    account = make_account(moscow)
    make_resident(moscow, account, login="ivanov.demo")
    resident_client = app.test_client()
    submit(
        resident_client, "moscow", "/login", {"identifier": "ivanov.demo", "secret": DEMO_PASSWORD}
    )
    assert resident_client.get("/cabinet", base_url=base("moscow")).status_code == 200

    clerk = clerk_of(app.test_client(), moscow)
    form = text(clerk.get(f"/admin/accounts/{account.id}/issue-login", base_url=base("moscow")))
    assert "Вход уже выдан" in form and "ivanov.demo" in form
    (resident,) = linked_residents(moscow, account)

    refused = issue(clerk, "moscow", account, {"resident": str(resident.id)})
    assert refused.status_code == 200
    assert "Подтвердите замену пароля." in text(refused)
    assert len(linked_residents(moscow, account)) == 1

    result = issue(clerk, "moscow", account, {"resident": str(resident.id), "confirm": "y"})
    password = shown_password(result)
    assert LOGIN_SHOWN.search(text(result)).group(1) == "ivanov.demo"
    (resident,) = linked_residents(moscow, account)
    assert resident.must_change_password
    assert verify_password(resident.password_hash, password)
    assert not verify_password(resident.password_hash, DEMO_PASSWORD)
    # the old sessions are over
    assert resident_client.get("/cabinet", base_url=base("moscow")).status_code == 302


def test_an_account_whose_owner_has_no_password_login_cannot_be_issued_one(
    client, app_context, tenants
):
    cheboksary = tenants["cheboksary"]
    account = make_account(cheboksary, kind="legal", organisation_name="ООО «Волга»")
    clerk_of(client, cheboksary)
    path = f"/admin/accounts/{account.id}/issue-login"
    page = text(client.get(path, base_url=base("cheboksary")))
    assert "нет входа по паролю" in page and f'action="{path}"' not in page
    refused = issue(client, "cheboksary", account, {"email": "volga@example.com"})
    assert refused.status_code == 200 and "one-time-password" not in text(refused)
    assert linked_residents(cheboksary, account) == []


def test_search_by_surname_ignores_case_and_yo(client, app_context, tenants):
    angarsk = tenants["angarsk"]
    make_account(
        angarsk, number="204817", owner_surname="Алёшина", owner_full_name="Алёшина Мария Петровна"
    )
    make_account(angarsk, number="204818", owner_surname="АЛЕШИНА", owner_full_name="АЛЕШИНА ОЛЬГА")
    make_account(angarsk, number="204819", owner_surname="Алешин")
    clerk_of(client, angarsk, role="viewer")
    page = text(client.get("/admin/accounts?q= алешина ", base_url=base("angarsk")))
    assert "204817" in page and "204818" in page and "204819" not in page
    assert "Найдено: 2" in page


def test_search_shows_the_same_number_in_every_settlement(client, app_context, tenants):
    cheboksary = tenants["cheboksary"]
    make_account(cheboksary, settlement_code="cheboksary", number="100000001")
    make_account(cheboksary, settlement_code="kugesi", number="100000001")
    clerk_of(client, cheboksary)
    page = text(client.get("/admin/accounts?q=100000001", base_url=base("cheboksary")))
    assert page.count('data-testid="settlement"') == 2
    assert "г. Чебоксары" in page and "пос. Кугеси" in page


def test_search_normalises_novosibirsk_private_sector_numbers(client, app_context, tenants):
    novosibirsk = tenants["novosibirsk"]
    make_account(novosibirsk, number="11-0007785", private_house=True)
    clerk_of(client, novosibirsk)
    for query in ("7785", "11-7785", "11 0007785"):
        page = text(client.get(f"/admin/accounts?q={query}", base_url=base("novosibirsk")))
        assert "11-0007785" in page, query


def test_search_explains_a_malformed_number(client, app_context, tenants):
    clerk_of(client, tenants["moscow"])
    page = text(client.get("/admin/accounts?q=12-34", base_url=base("moscow")))
    assert "Неверный номер лицевого счёта" in page and "7012345678" in page


def test_search_lists_the_logins_an_account_already_has(client, app_context, tenants):
    moscow = tenants["moscow"]
    account = make_account(moscow, number="7000000009")
    make_resident(moscow, account, login="first.login")
    clerk_of(client, moscow)
    page = text(client.get("/admin/accounts?q=7000000009", base_url=base("moscow")))
    assert "first.login" in page and "Выдать новый пароль" in page


def test_invalid_contacts_are_refused_next_to_the_field(client, app_context, tenants):
    cheboksary = tenants["cheboksary"]
    account = make_account(cheboksary)
    clerk_of(client, cheboksary)
    response = issue(client, "cheboksary", account, {"email": "not-an-address", "phone": "12"})
    assert response.status_code == 200
    assert "Неверный адрес почты." in text(response)
    assert "Неверный номер телефона" in text(response)
    assert linked_residents(cheboksary, account) == []


def make_lookup_request(tenant, **fields):
    with tenant_scope(tenant):
        row = AccountLookupRequest(**fields)
        db.session.add(row)
        db.session.flush()
        return row


@pytest.fixture
def angarsk_queue(app_context, tenants):
    angarsk = tenants["angarsk"]
    older = make_lookup_request(
        angarsk,
        full_name="Сидоров Пётр",
        private_house=True,
        phone="+79025551234",
        email="sidorov@example.com",
        created_at=datetime(2026, 3, 1, 1, 30, tzinfo=UTC),
    )
    newer = make_lookup_request(
        angarsk, full_name="Кузнецова Ирина", created_at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    )
    closed = make_lookup_request(angarsk, full_name="Закрытый Случай", status="closed")
    return older, newer, closed


def test_the_queue_lists_new_requests_newest_first_in_local_time(client, tenants, angarsk_queue):
    clerk_of(client, tenants["angarsk"])
    page = text(client.get("/admin/lookup-requests", base_url=base("angarsk")))
    assert page.index("Кузнецова Ирина") < page.index("Сидоров Пётр")
    assert "Закрытый Случай" not in page
    assert "01.03.2026 09:30" in page  # Asia/Irkutsk, UTC+8
    assert 'href="tel:+79025551234"' in page and 'href="mailto:sidorov@example.com"' in page
    closed = text(client.get("/admin/lookup-requests?status=closed", base_url=base("angarsk")))
    assert "Закрытый Случай" in closed and "Сидоров Пётр" not in closed
    every = text(client.get("/admin/lookup-requests?status=all", base_url=base("angarsk")))
    assert every.count('data-testid="lookup-request"') == 3


def test_a_clerk_answers_a_request_with_a_note(client, tenants, angarsk_queue):
    angarsk = tenants["angarsk"]
    older = angarsk_queue[0]
    clerk_of(client, angarsk)
    response = submit(
        client,
        "angarsk",
        f"/admin/lookup-requests/{older.id}",
        {"status": "answered", "note": " Сообщили номер 204817 ", "back_status": "new"},
        form_page="/admin/lookup-requests",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/lookup-requests?status=new"
    with tenant_scope(angarsk):
        db.session.expire_all()
        row = db.session.get(AccountLookupRequest, (angarsk.id, older.id))
        clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == "office"))
        assert row.status == "answered" and row.staff_note == "Сообщили номер 204817"
        assert row.handled_by_id == clerk.id and row.handled_at is not None
    answered = text(client.get("/admin/lookup-requests?status=answered", base_url=base("angarsk")))
    assert "Сообщили номер 204817" in answered and "Петрова Анна" in answered


def test_an_unknown_status_changes_nothing(client, tenants, angarsk_queue):
    angarsk = tenants["angarsk"]
    older = angarsk_queue[0]
    clerk_of(client, angarsk)
    response = submit(
        client,
        "angarsk",
        f"/admin/lookup-requests/{older.id}",
        {"status": "new"},
        form_page="/admin/lookup-requests",
    )
    assert response.status_code == 302
    with tenant_scope(angarsk):
        db.session.expire_all()
        assert db.session.get(AccountLookupRequest, (angarsk.id, older.id)).handled_at is None


def test_a_viewer_sees_the_queue_without_the_forms(client, tenants, angarsk_queue):
    clerk_of(client, tenants["angarsk"], role="viewer")
    page = text(client.get("/admin/lookup-requests", base_url=base("angarsk")))
    assert "Сидоров Пётр" in page
    assert 'name="status"' not in page
