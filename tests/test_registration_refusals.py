"""Registration refused: a bad field, data that do not match the account, an account or login that
already has a way in, an audience served in the office; nothing is written (SPEC §2 online
registration row, §7)."""

from __future__ import annotations

import re

import pytest

from app.registration import services
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account, make_resident
from tests.support.registration import (
    MISMATCH,
    NOVOSIBIRSK,
    PASSWORD,
    cheboksary_data,
    field_error,
    fill,
    make_cheboksary_account,
    make_novosibirsk_account,
    moscow_individual,
    residents,
)
from tests.support.web import base, csrf_token, text


@pytest.fixture
def cheboksary(app_context, tenants):
    return make_cheboksary_account(tenants)


@pytest.fixture
def novosibirsk(app_context, tenants):
    return make_novosibirsk_account(tenants)


# --- Cheboksary: the account check and the fields ------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"surname": "Петрова"},
        {"meter_serial": "000000"},
        {"settlement": "cheboksary"},
        {"account_number": "999999999"},
    ],
)
def test_cheboksary_mismatch_is_refused_without_naming_the_field(
    app, client, cheboksary, outbox, changes
):
    response = fill(app, client, "cheboksary", "/register", cheboksary_data(cheboksary, **changes))
    page = text(response)
    assert response.status_code == 200
    assert MISMATCH in page
    assert 'class="error"' not in page  # no field is singled out
    assert residents(cheboksary.tenant) == [] and outbox() == []


def test_cheboksary_account_without_meters_is_sent_to_its_office(app, client, app_context, tenants):
    tenant = tenants["cheboksary"]
    make_account(tenant, settlement_code="cheboksary", number="200000001", meters=0)
    response = fill(
        app,
        client,
        "cheboksary",
        "/register",
        {
            "settlement": "cheboksary",
            "account_number": "200000001",
            "surname": "Иванов",
            "meter_serial": "123",
            "phone": "+79123456789",
            "email": "ivanov@mail.ru",
            "password": PASSWORD,
        },
    )
    page = text(response)
    assert "нет приборов учёта" in page
    assert "г. Чебоксары, Мясокомбинатский проезд, д. 12" in page
    assert "+7 835 255-70-80" in page and "+7 835 256-68-96" in page
    assert residents(tenant) == []


def test_account_with_a_login_points_to_recovery(app, client, cheboksary, outbox):
    make_resident(cheboksary.tenant, cheboksary.account)
    page = text(fill(app, client, "cheboksary", "/register", cheboksary_data(cheboksary)))
    assert "У этого лицевого счёта уже есть вход в личный кабинет" in page
    assert 'href="/password/forgot"' in page
    assert len(residents(cheboksary.tenant)) == 1 and outbox() == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "Введите номер мобильного телефона"),
        ({"phone": "+7 8352 55-70-80"}, "phone", "Введите номер мобильного телефона"),
        ({"email": "maria@"}, "email", "Введите адрес электронной почты"),
        ({"password": "12345678901"}, "password", "только из цифр"),
        ({"password": "abc"}, "password", "не короче 8 символов"),
        ({"password": "104512367a"}, "password", "номером лицевого счёта"),
        ({"account_number": "10451"}, "account_number", "Пример: 104512367"),
        ({"settlement": ""}, "settlement", "Выберите населённый пункт"),
    ],
)
def test_bad_input_is_reported_at_its_field(app, client, cheboksary, changes, field, message):
    page = text(
        fill(app, client, "cheboksary", "/register", cheboksary_data(cheboksary, **changes))
    )
    assert message in field_error(page, field)
    assert residents(cheboksary.tenant) == []


# --- Sevastopol ----------------------------------------------------------------------------------


def test_sevastopol_password_confirmation_must_match(app, client, app_context, tenants):
    tenant = tenants["sevastopol"]
    make_account(tenant, number="2045173", owner_surname="Кравченко")
    page = text(
        fill(
            app,
            client,
            "sevastopol",
            "/register",
            {
                "account_number": "2045173",
                "surname": "Кравченко",
                "email": "k@yandex.ru",
                "password": PASSWORD,
                "password_confirmation": PASSWORD + "x",
            },
        )
    )
    assert "Пароли не совпадают." in field_error(page, "password_confirmation")
    assert residents(tenant) == []


# --- Moscow: consent, a free login, the captcha; legal entities in person ------------------------


def test_moscow_needs_consent_and_a_free_login(app, client, app_context, tenants):
    tenant = tenants["moscow"]
    make_resident(tenant, login="o.smirnov", email="other@mail.ru")
    no_consent = text(
        fill(
            app,
            client,
            "moscow",
            "/register",
            {k: v for k, v in moscow_individual().items() if k != "consent"},
        )
    )
    assert "Без согласия" in field_error(no_consent, "consent")
    taken = text(fill(app, client, "moscow", "/register", moscow_individual()))
    assert "Этот логин уже занят" in field_error(taken, "login")
    assert len(residents(tenant)) == 1


def test_moscow_e_mail_of_an_active_resident_points_to_recovery(app, client, app_context, tenants):
    tenant = tenants["moscow"]
    make_resident(tenant, login="old.login", email="smirnov@mail.ru")
    page = text(
        fill(app, client, "moscow", "/register", moscow_individual(email="SMIRNOV@mail.ru"))
    )
    assert "С этим адресом электронной почты уже зарегистрирован вход" in page
    assert 'href="/password/forgot"' in page
    assert len(residents(tenant)) == 1


def test_moscow_legal_entities_recover_access_in_person(app, client, app_context, tenants):
    tenant = tenants["moscow"]
    make_resident(tenant, login="orion", kind="legal", email="buh@orion.ru")
    data = {
        **moscow_individual(login="orion-2", email="buh@orion.ru"),
        "organisation_name": "ООО «Орион»",
        "position": "Бухгалтер",
        "inn": "7701004013",
    }
    page = text(fill(app, client, "moscow", "/register?audience=legal", data))
    assert "уже зарегистрирован вход" in page
    assert "лично в офисе" in page and "Плетешковский пер., д. 2" in page
    assert 'href="/password/forgot"' not in page


def test_moscow_wrong_captcha_writes_nothing(app, client, app_context, tenants):
    page = text(client.get("/register", base_url=base("moscow")))
    challenge = re.search(r'name="captcha_challenge" value="([^"]+)"', page).group(1)
    response = client.post(
        "/register",
        base_url=base("moscow"),
        data={
            **moscow_individual(),
            "csrf_token": csrf_token(page),
            "captcha": "0",
            "captcha_challenge": challenge,
        },
    )
    assert "Неверный контрольный код" in text(response)
    assert residents(tenants["moscow"]) == []


# --- Novosibirsk: the address must match; organisations go to the office ------------------------


def test_novosibirsk_wrong_address_is_a_mismatch(app, client, novosibirsk):
    page = text(
        fill(app, client, "novosibirsk", "/register", {**NOVOSIBIRSK, "address": "Грибоедова 32-6"})
    )
    assert MISMATCH in page and residents(novosibirsk) == []


def test_novosibirsk_organisations_are_sent_to_the_office(client):
    page = text(client.get("/register?audience=legal", base_url=base("novosibirsk")))
    assert "получают код доступа и пароль в отделе договоров" in page
    assert 'name="email"' not in page
    assert client.get("/register?audience=nobody", base_url=base("novosibirsk")).status_code == 404


def test_novosibirsk_legal_account_does_not_fit_the_individual_form(
    app, client, app_context, tenants
):
    tenant = tenants["novosibirsk"]
    make_account(
        tenant,
        number="01-0000042",
        kind="legal",
        owner_full_name="Сидоров Пётр Ильич",
        address="ул. Ленина, д. 1, кв. 1",
    )
    page = text(
        fill(
            app,
            client,
            "novosibirsk",
            "/register",
            {
                "account_number": "01-0000042",
                "address": "Ленина 1-1",
                "full_name": "Сидоров Петр Ильич",
                "email": "s@ngs.ru",
            },
        )
    )
    assert "оформлен не на физическое лицо" in page
    assert "отделе договоров" in page
    assert residents(tenant) == []


# --- Angarsk: no online registration; accounts never cross tenants ------------------------------


def test_angarsk_has_no_online_registration_and_points_to_the_lookup(client):
    page = text(client.get("/register", base_url=base("angarsk")))
    assert "Регистрация на сайте не предусмотрена" in page
    assert 'href="/account-lookup"' in page and "+7 395 551-26-46" in page


def test_another_tenants_account_cannot_be_registered(app, client, app_context, tenants):
    make_account(tenants["cheboksary"], number="2045173", owner_surname="Кравченко")
    make_account(tenants["moscow"], number="7012345678", owner_surname="Кравченко")
    page = text(
        fill(
            app,
            client,
            "sevastopol",
            "/register",
            {
                "account_number": "2045173",
                "surname": "Кравченко",
                "email": "k@ya.ru",
                "password": PASSWORD,
                "password_confirmation": PASSWORD,
            },
        )
    )
    assert MISMATCH in page
    angarsk = fill(
        app,
        client,
        "angarsk",
        "/register",
        {"account_number": "7012345678", "surname": "Кравченко", "email": "k@ya.ru"},
    )
    assert "Регистрация на сайте не предусмотрена" in text(angarsk)
    assert all(residents(tenants[slug]) == [] for slug in ("sevastopol", "angarsk", "cheboksary"))


# --- the service on its own, without HTTP --------------------------------------------------------


def test_service_refusals_carry_a_reason(app_context, cheboksary):
    form = cheboksary.tenant.config.registration.forms[0]
    data = {
        **cheboksary_data(cheboksary),
        "account_number": "104512367",
        "email": "maria@mail.ru",
        "phone": "+79123456789",
    }
    with tenant_scope(cheboksary.tenant):
        with pytest.raises(services.RegistrationRefused) as refused:
            services.register(cheboksary.tenant, form, {**data, "surname": "Петрова"})
        assert refused.value.reason == "mismatch" and refused.value.field is None
        registration = services.register(cheboksary.tenant, form, data)
        assert registration.purpose == "confirm_email" and registration.ttl_hours == 1
        assert [link.account_id for link in registration.resident.account_links] == [
            cheboksary.account.id
        ]
