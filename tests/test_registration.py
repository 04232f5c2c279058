"""Online registration per tenant, the e-mailed links, and the purge of unconfirmed registrations
(issue: registration and «узнать номер лицевого счёта»; SPEC §2 online registration row, §7)."""

from __future__ import annotations

import html
import re
import socket
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from app.auth.models import AuthToken, Resident
from app.auth.tokens import issue_token
from app.db import utcnow
from app.extensions import db
from app.jobs.runner import run_inline
from app.registration import services
from app.registration.cli import registration_cli
from app.registration.confirmation import purge_unconfirmed
from app.tenancy.context import tenant_scope
from tests.conftest import IsolatedClient, make_test_app
from tests.support.factories import make_account, make_resident
from tests.support.outbox import deliver_queued_jobs
from tests.support.web import base, csrf_token, solve_captcha, submit, text

PASSWORD = "Vesna-2026-river"
LINK = re.compile(r"http://[\w.]+/register/(?:confirm|set-password)/[\w-]+")
MISMATCH = "Данные не совпадают с данными лицевого счёта"


# --- helpers -------------------------------------------------------------------------------------


def fill(app, client, slug: str, path: str, data: dict, follow: bool = False):
    """GET the form at `path`, then POST `data` with its CSRF token and captcha answer."""
    page = text(client.get(path, base_url=base(slug)))
    payload = {"csrf_token": csrf_token(page), **solve_captcha(app, client, slug, page), **data}
    return client.post(path, base_url=base(slug), data=payload, follow_redirects=follow)


def mailed_link(outbox) -> str:
    message = outbox()[-1]
    return LINK.search(message.get_body(("plain",)).get_content()).group(0)


def field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else ""


def residents(tenant) -> list[Resident]:
    db.session.expire_all()
    with tenant_scope(tenant):
        return list(db.session.scalars(select(Resident).order_by(Resident.created_at)))


def token_count(tenant) -> int:
    with tenant_scope(tenant):
        return db.session.scalar(select(func.count()).select_from(AuthToken))


def expire_links(tenant) -> None:
    with tenant_scope(tenant):
        db.session.execute(update(AuthToken).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.flush()


def sign_out(client, slug: str) -> None:
    assert submit(client, slug, "/logout", {}).status_code == 302


# --- Cheboksary: settlement, account, surname, meter serial, phone, e-mail, password --------------


@pytest.fixture
def cheboksary(app_context, tenants):
    tenant = tenants["cheboksary"]
    account = make_account(
        tenant,
        settlement_code="novocheboksarsk",
        number="104512367",
        owner_surname="Алёшина",
        owner_full_name="Алёшина Мария Петровна",
    )
    return SimpleNamespace(tenant=tenant, account=account, serial=account.meters[0].serial)


def cheboksary_data(fixture, **changes) -> dict:
    data = {
        "settlement": "novocheboksarsk",
        "account_number": "104 512 367",
        "surname": "алешина",
        "meter_serial": fixture.serial.lower(),
        "phone": "8 (912) 345-67-89",
        "email": "Maria@Mail.RU",
        "password": PASSWORD,
    }
    return {**data, **changes}


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


def test_starting_again_replaces_the_earlier_registration(app, client, cheboksary, outbox):
    fill(app, client, "cheboksary", "/register", cheboksary_data(cheboksary))
    first_link = mailed_link(outbox)
    fill(
        app,
        client,
        "cheboksary",
        "/register",
        cheboksary_data(cheboksary, email="maria.new@mail.ru"),
    )
    [resident] = residents(cheboksary.tenant)
    assert resident.email == "maria.new@mail.ru"
    assert token_count(cheboksary.tenant) == 1
    assert client.get(first_link).status_code == 404
    assert client.get(mailed_link(outbox)).status_code == 302


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


# --- Moscow: login-based, individual and legal entity ---------------------------------------------


def moscow_individual(**changes) -> dict:
    data = {
        "full_name": "Смирнов Олег Игоревич",
        "phone": "+7 916 123-45-67",
        "email": "smirnov@mail.ru",
        "login": "O.Smirnov",
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
        "consent": "y",
    }
    return {**data, **changes}


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


# --- Novosibirsk: account, address, full name, e-mail → a set-password link ----------------------


@pytest.fixture
def novosibirsk(app_context, tenants):
    tenant = tenants["novosibirsk"]
    make_account(
        tenant,
        number="11-0007785",
        private_house=True,
        owner_surname="Петрова",
        owner_full_name="Петрова Анна Сергеевна",
        address="г. Новосибирск, ул. Грибоедова, д. 32, кв. 5",
    )
    return tenant


NOVOSIBIRSK = {
    "account_number": "11-7785",
    "address": "Грибоедова 32-5",
    "full_name": "петрова анна сергеевна",
    "email": "petrova@ngs.ru",
}


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


# --- Angarsk: no online registration; tokens and accounts never cross tenants --------------------


def test_angarsk_has_no_online_registration_and_points_to_the_lookup(client):
    page = text(client.get("/register", base_url=base("angarsk")))
    assert "Регистрация на сайте не предусмотрена" in page
    assert 'href="/account-lookup"' in page and "+7 395 551-26-46" in page


def test_a_moscow_link_is_invalid_on_the_angarsk_host(app, client, app_context, tenants, outbox):
    fill(app, client, "moscow", "/register", moscow_individual())
    foreign = mailed_link(outbox).replace("moscow.localhost", "angarsk.localhost")
    response = client.get(foreign)
    assert response.status_code == 404 and "Ссылка недействительна" in text(response)
    assert [r.status for r in residents(tenants["moscow"])] == ["pending"]


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


# --- links: expired, used; the purge job ---------------------------------------------------------


def test_expired_link_says_so_discards_the_data_and_offers_to_start_again(
    app, client, cheboksary, outbox
):
    fill(app, client, "cheboksary", "/register", cheboksary_data(cheboksary))
    expire_links(cheboksary.tenant)
    response = client.get(mailed_link(outbox))
    page = text(response)
    assert response.status_code == 410
    assert "Срок действия ссылки истёк" in page and "введённые данные удалены" in page
    assert 'href="/register"' in page
    assert residents(cheboksary.tenant) == [] and token_count(cheboksary.tenant) == 0


def test_used_link_is_refused(app, client, cheboksary, outbox):
    fill(app, client, "cheboksary", "/register", cheboksary_data(cheboksary))
    link = mailed_link(outbox)
    assert client.get(link).status_code == 302
    sign_out(client, "cheboksary")
    again = client.get(link)
    assert again.status_code == 404
    assert "неверна или уже была использована" in text(again)
    assert 'href="/password/forgot"' in text(again)


def _pending_with_link(tenant, login: str, hours: int):
    resident = make_resident(tenant, make_account(tenant), login=login, status="pending")
    with tenant_scope(tenant):
        issue_token(resident, "confirm_email", timedelta(hours=hours))
    return resident


def test_purge_job_deletes_expired_registrations_only(app_context, tenants):
    moscow, angarsk = tenants["moscow"], tenants["angarsk"]
    stale = _pending_with_link(moscow, "stale", hours=-1)
    fresh = _pending_with_link(moscow, "fresh", hours=24)
    active = make_resident(moscow, login="active")
    with tenant_scope(moscow):  # confirmed long ago: its link expired, the resident stays
        issue_token(active, "confirm_email", timedelta(hours=-5))
    other_tenant = _pending_with_link(angarsk, "elsewhere", hours=-1)

    assert run_inline("registration.purge_unconfirmed", moscow.id, {}) == 1
    assert {r.id for r in residents(moscow)} == {fresh.id, active.id}
    assert stale.id not in {r.id for r in residents(moscow)}
    assert [r.id for r in residents(angarsk)] == [other_tenant.id]

    kept = SimpleNamespace(
        config=SimpleNamespace(registration=SimpleNamespace(discard_unconfirmed=False))
    )
    with tenant_scope(angarsk):
        assert purge_unconfirmed(kept) == 0


def test_purge_command_runs_for_every_tenant(app, app_context, tenants):
    _pending_with_link(tenants["moscow"], "stale", hours=-1)
    _pending_with_link(tenants["angarsk"], "stale", hours=-2)
    result = app.test_cli_runner().invoke(registration_cli, ["purge-unconfirmed"])
    assert result.exit_code == 0, result.output
    assert "moscow: 1" in result.output and "angarsk: 1" in result.output
    assert "total: 2" in result.output
    assert residents(tenants["moscow"]) == residents(tenants["angarsk"]) == []


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


# --- real SMTP ----------------------------------------------------------------------------------


class Collector:
    def __init__(self):
        self.envelopes, self.received = [], threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.received.set()
        return "250 OK"


def test_confirmation_mail_goes_out_over_smtp(test_database, tmp_path, app, app_context, tenants):
    # The same REDIS_URL as the suite's app: Flask-Limiter is one object shared by every app, and an
    # app without Redis would switch it to memory storage for the rest of a Redis run. With Redis,
    # the mail goes through RQ as in production and a burst worker delivers it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp_app = make_test_app(
            test_database,
            tmp_path,
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            REDIS_URL=app.config["REDIS_URL"],
        )
        smtp_app.test_client_class = IsolatedClient
        make_account(tenants["sevastopol"], number="2045173", owner_surname="Кравченко")
        response = fill(
            smtp_app,
            smtp_app.test_client(),
            "sevastopol",
            "/register",
            {
                "account_number": "2045173",
                "surname": "Кравченко",
                "email": "kravchenko@yandex.ru",
                "password": PASSWORD,
                "password_confirmation": PASSWORD,
            },
        )
        assert response.status_code == 302
        deliver_queued_jobs(smtp_app)
        assert collector.received.wait(5)
    finally:
        controller.stop()
    [envelope] = collector.envelopes
    assert envelope.rcpt_tos == ["kravchenko@yandex.ru"]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    assert "подтвердите регистрацию" in message["Subject"]
    assert "/register/confirm/" in message.get_body(("plain",)).get_content()
