"""Online registration in each city, from the form to a confirmed sign-in (issue: registration and
«узнать номер лицевого счёта»; SPEC §2 online registration row, §7)."""

from __future__ import annotations

import pytest

from tests.support.factories import make_account
from tests.support.registration import (
    NOVOSIBIRSK,
    PASSWORD,
    cheboksary_data,
    field_error,
    fill,
    mailed_link,
    make_cheboksary_account,
    make_novosibirsk_account,
    moscow_individual,
    residents,
    sign_out,
)
from tests.support.web import base, csrf_token, text


@pytest.fixture
def cheboksary(app_context, tenants):
    return make_cheboksary_account(tenants)


@pytest.fixture
def novosibirsk(app_context, tenants):
    return make_novosibirsk_account(tenants)


# --- Cheboksary: settlement, account, surname, meter serial, phone, e-mail, password --------------


def test_cheboksary_registers_confirms_by_mail_and_signs_in(app, client, cheboksary, outbox):
    response = fill(app, client, "cheboksary", "/register", cheboksary_data(cheboksary))
    assert response.status_code == 302
    sent = text(client.get(response.headers["Location"], base_url=base("cheboksary")))
    assert "Проверьте почту" in sent and "M***@mail.ru" in sent and "1 час" in sent

    [resident] = residents(cheboksary.tenant)
    assert (resident.status, resident.phone, resident.email) == (
        "pending",
        "+79123456789",
        "Maria@mail.ru",
    )
    assert resident.full_name == "Алёшина Мария Петровна" and resident.password_hash
    [message] = outbox()
    assert message["To"] == "Maria@mail.ru"
    assert "Водоканал Чебоксары" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "Ссылка действует 1 час." in body and "введённые данные будут удалены" in body
    assert "Если вы не регистрировались" in body
    assert mailed_link(outbox) in message.get_body(("html",)).get_content()

    # pending: the password does not open the cabinet yet
    early = fill(
        app,
        client,
        "cheboksary",
        "/login",
        {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": PASSWORD},
    )
    assert "Регистрация ещё не подтверждена" in text(early)

    confirmed = client.get(mailed_link(outbox))
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/cabinet"
    cabinet = text(client.get("/cabinet", base_url=base("cheboksary")))
    assert "Регистрация подтверждена" in cabinet
    assert 'data-testid="current-account">104512367' in cabinet
    [resident] = residents(cheboksary.tenant)
    assert resident.status == "active" and resident.email_confirmed_at is not None

    sign_out(client, "cheboksary")
    again = fill(
        app,
        client,
        "cheboksary",
        "/login",
        {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": PASSWORD},
    )
    assert again.status_code == 302 and again.headers["Location"] == "/cabinet"


# --- Sevastopol: account, surname, e-mail, password + confirmation -------------------------------


def test_sevastopol_registers_and_signs_in_with_the_control_code(
    app, client, app_context, tenants, outbox
):
    tenant = tenants["sevastopol"]
    make_account(tenant, number="2045173", owner_surname="Кравченко")
    response = fill(
        app,
        client,
        "sevastopol",
        "/register",
        {
            "account_number": "2045173",
            "surname": "КРАВЧЕНКО",
            "email": "kravchenko@yandex.ru",
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert "Ссылка действует 24 часа" in outbox()[-1].get_body(("plain",)).get_content()
    assert client.get(mailed_link(outbox)).headers["Location"] == "/cabinet"
    assert [r.status for r in residents(tenant)] == ["active"]

    sign_out(client, "sevastopol")
    login = fill(app, client, "sevastopol", "/login", {"identifier": "2045173", "secret": PASSWORD})
    assert login.status_code == 302 and login.headers["Location"] == "/cabinet"


# --- Moscow: login-based, individual and legal entity ---------------------------------------------


def test_moscow_individual_registers_with_login_consent_and_captcha(
    app, client, app_context, tenants, outbox
):
    tenant = tenants["moscow"]
    page = text(client.get("/register", base_url=base("moscow")))
    assert "Физическое лицо" in page and "Юридическое лицо" in page
    assert "152-ФЗ" in page and "Условия использования личного кабинета" in page
    response = fill(app, client, "moscow", "/register", moscow_individual())
    assert response.status_code == 302
    [resident] = residents(tenant)
    assert (resident.login, resident.kind, resident.phone) == (
        "o.smirnov",
        "individual",
        "+79161234567",
    )
    assert "48 часов" in outbox()[-1].get_body(("plain",)).get_content()
    assert client.get(mailed_link(outbox)).headers["Location"] == "/cabinet"
    assert "Регистрация подтверждена" in text(client.get("/cabinet", base_url=base("moscow")))
    sign_out(client, "moscow")
    login = fill(app, client, "moscow", "/login", {"identifier": "o.smirnov", "secret": PASSWORD})
    assert login.status_code == 302


def test_moscow_legal_entity_registers_with_a_valid_inn(app, client, app_context, tenants, outbox):
    tenant = tenants["moscow"]
    data = {
        **moscow_individual(login="orion-buh", email="buh@orion.ru"),
        "organisation_name": "ООО «Орион»",
        "position": "Главный бухгалтер",
        "inn": "7701 004 013",
    }
    bad = text(
        fill(app, client, "moscow", "/register?audience=legal", {**data, "inn": "7701004014"})
    )
    assert "Неверный ИНН" in field_error(bad, "inn")
    assert residents(tenant) == []

    assert fill(app, client, "moscow", "/register?audience=legal", data).status_code == 302
    [resident] = residents(tenant)
    assert (resident.kind, resident.inn, resident.organisation_name) == (
        "legal",
        "7701004013",
        "ООО «Орион»",
    )
    assert resident.position == "Главный бухгалтер"
    client.get(mailed_link(outbox))
    sign_out(client, "moscow")
    assert (
        fill(
            app, client, "moscow", "/login", {"identifier": "ORION-BUH", "secret": PASSWORD}
        ).status_code
        == 302
    )


# --- Novosibirsk: account, address, full name, e-mail → a set-password link ----------------------


def test_novosibirsk_mails_a_set_password_link_never_a_password(app, client, novosibirsk, outbox):
    assert fill(app, client, "novosibirsk", "/register", NOVOSIBIRSK).status_code == 302
    [resident] = residents(novosibirsk)
    assert resident.status == "pending" and resident.password_hash is None
    link = mailed_link(outbox)
    assert "/register/set-password/" in link
    foreign = link.replace("novosibirsk.localhost", "moscow.localhost")
    assert client.get(foreign).status_code == 404  # another tenant knows no such link

    form = client.get(link)
    assert form.status_code == 200 and "Задайте пароль" in text(form)
    weak = client.post(
        link,
        data={
            "csrf_token": csrf_token(text(form)),
            "password": "11-0007785",
            "password_confirmation": "11-0007785",
        },
    )
    assert "номером лицевого счёта" in field_error(text(weak), "password")
    done = client.post(
        link,
        data={
            "csrf_token": csrf_token(text(form)),
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
        },
    )
    assert done.headers["Location"] == "/cabinet"
    assert "Пароль сохранён" in text(client.get("/cabinet", base_url=base("novosibirsk")))
    assert client.get(link).status_code == 404  # single use

    sign_out(client, "novosibirsk")
    login = fill(
        app,
        client,
        "novosibirsk",
        "/login?mode=individual",
        {"identifier": "11-7785", "secret": PASSWORD},
    )
    assert login.status_code == 302
