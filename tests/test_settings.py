"""The resident's settings (SPEC §2: Novosibirsk's and Moscow's change password and edit contacts;
§7: residents download their data): password, login for passwordless identities, contacts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.auth.models import Resident, ResidentAccount
from app.auth.tokens import InvalidToken, issue_token, redeem_token
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, submit, text

NEW_PASSWORD = "Novyi-Parol-2026"


def sign_in(client, slug, identifier, secret, mode=None):
    path = f"/login?mode={mode}" if mode else "/login"
    return submit(client, slug, path, {"identifier": identifier, "secret": secret})


def fresh(tenant, resident) -> Resident:
    """The resident as the database now has it (requests ran in their own sessions)."""
    with tenant_scope(tenant):
        db.session.expire_all()
        return db.session.get(Resident, (tenant.id, resident.id))


def change_password(client, current, new, confirmation=None, path="/settings/password"):
    return submit(
        client,
        "moscow",
        path,
        {
            "current_password": current,
            "new_password": new,
            "new_password_confirmation": confirmation or new,
        },
    )


def save_contacts(client, slug="moscow", **data):
    return submit(client, slug, "/settings/contacts", data, form_page="/settings")


@pytest.fixture
def moscow(tenants):
    return tenants["moscow"]


@pytest.fixture
def resident(client, app_context, moscow):
    """A Moscow resident (login, e-mail, one account), signed in on `client`."""
    person = make_resident(
        moscow,
        make_account(moscow, number="7000000101"),
        login="ivanov.demo",
        email="ivanov@mail.ru",
    )
    assert sign_in(client, "moscow", "ivanov.demo", DEMO_PASSWORD).status_code == 302
    return person


def test_settings_page_has_every_section(client, resident):
    page = text(client.get("/settings", base_url=base("moscow")))
    for heading in (
        "Лицевые счета",
        "Добавить лицевой счёт",
        "Пароль",
        "Контактные данные",
        "Скачать мои данные",
    ):
        assert heading in page
    assert "7000000101" in page and "текущий" in page
    assert 'href="/settings/password"' in page
    assert 'value="ivanov@mail.ru"' in page
    assert 'href="/settings"' in text(client.get("/cabinet", base_url=base("moscow")))


def test_settings_need_a_signed_in_resident(client):
    response = client.get("/settings", base_url=base("moscow"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/settings")


def test_a_moscow_session_replayed_on_angarsk_opens_no_settings(client, resident):
    session_cookie = client.get_cookie("session", domain="moscow.localhost")
    client.set_cookie("session", session_cookie.value, domain="angarsk.localhost")
    response = client.get("/settings", base_url=base("angarsk"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# Password -----------------------------------------------------------------------------------


def test_a_wrong_current_password_is_refused(client, moscow, resident):
    response = change_password(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "Неверный текущий пароль." in text(response)
    assert (
        sign_in(
            client.application.test_client(), "moscow", "ivanov.demo", DEMO_PASSWORD
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    "weak, reason",
    [
        ("Short-1", "Пароль должен быть не короче 8 символов."),
        ("1234567890", "Пароль не может состоять только из цифр."),
        ("ivanov.demo", "Пароль не должен совпадать с логином."),
        ("a7000000101", "Пароль не должен совпадать с номером лицевого счёта."),
        (DEMO_PASSWORD, "Новый пароль должен отличаться от текущего."),
    ],
)
def test_a_weak_password_is_refused_at_the_field(client, resident, weak, reason):
    page = text(change_password(client, DEMO_PASSWORD, weak))
    assert f'<p class="error" id="new_password-error">{reason}' in page


def test_the_confirmation_must_match(client, resident):
    page = text(change_password(client, DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!"))
    assert '<p class="error" id="new_password_confirmation-error">Пароли не совпадают.' in page


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, client, moscow, resident):
    other = app.test_client()
    assert sign_in(other, "moscow", "ivanov.demo", DEMO_PASSWORD).status_code == 302
    with tenant_scope(moscow):
        reset_link = issue_token(resident, "reset_password", timedelta(hours=1))

    response = change_password(client, DEMO_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings"
    assert "Пароль изменён." in text(client.get("/settings", base_url=base("moscow")))
    assert client.get("/cabinet", base_url=base("moscow")).status_code == 200
    assert other.get("/cabinet", base_url=base("moscow")).status_code == 302

    with tenant_scope(moscow), pytest.raises(InvalidToken):
        redeem_token(reset_link, "reset_password")
    third = app.test_client()
    assert sign_in(third, "moscow", "ivanov.demo", DEMO_PASSWORD).status_code == 200
    assert sign_in(third, "moscow", "ivanov.demo", NEW_PASSWORD).status_code == 302


def test_after_the_change_the_current_account_stays_chosen(client, moscow, resident):
    second = make_account(moscow, number="7000000202")
    with tenant_scope(moscow):
        fresh(moscow, resident).account_links.append(ResidentAccount(account_id=second.id))
        db.session.flush()
    submit(
        client, "moscow", "/cabinet/account", {"account_id": str(second.id)}, form_page="/cabinet"
    )
    assert change_password(client, DEMO_PASSWORD, NEW_PASSWORD).status_code == 302
    cabinet = text(client.get("/cabinet", base_url=base("moscow")))
    assert 'data-testid="current-account">7000000202' in cabinet


def test_an_office_issued_password_must_be_changed_first(client, app_context, moscow):
    person = make_resident(
        moscow, make_account(moscow), login="orion", kind="legal", must_change_password=True
    )
    assert sign_in(client, "moscow", "orion", DEMO_PASSWORD).status_code == 302
    for path in ("/cabinet", "/settings"):
        response = client.get(path, base_url=base("moscow"))
        assert response.status_code == 302
        assert response.headers["Location"] == f"/settings/password?next={path}"
    page = text(client.get("/settings/password?next=/cabinet", base_url=base("moscow")))
    assert "Вы вошли с временным паролем." in page

    response = change_password(
        client, DEMO_PASSWORD, NEW_PASSWORD, path="/settings/password?next=/cabinet"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/cabinet"
    assert client.get("/cabinet", base_url=base("moscow")).status_code == 200
    assert fresh(moscow, person).must_change_password is False


def test_next_never_leaves_the_host(client, resident):
    response = change_password(
        client, DEMO_PASSWORD, NEW_PASSWORD, path="/settings/password?next=//evil.example/"
    )
    assert response.headers["Location"] == "/settings"


def test_password_guessing_through_the_form_is_rate_limited(client, resident):
    for _ in range(10):
        assert change_password(client, "guess-guess", NEW_PASSWORD).status_code == 200
    assert change_password(client, DEMO_PASSWORD, NEW_PASSWORD).status_code == 429


# Passwordless identities (Angarsk) ----------------------------------------------------------


@pytest.fixture
def angarsk_by_surname(client, app_context, tenants):
    """Angarsk's account 204817, signed in on `client` by the owner's surname (no password)."""
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    assert sign_in(client, "angarsk", "204817", "Алёшина", mode="surname").status_code == 302
    return tenants["angarsk"]


def create_credentials(client, login, password, confirmation=None):
    return submit(
        client,
        "angarsk",
        "/settings/credentials",
        {
            "login": login,
            "new_password": password,
            "new_password_confirmation": confirmation or password,
        },
    )


def test_a_passwordless_identity_creates_a_login_and_signs_in_with_it(
    app, client, angarsk_by_surname
):
    page = text(client.get("/settings", base_url=base("angarsk")))
    assert "Создать логин и пароль" in page and 'href="/settings/password"' not in page
    assert (
        client.get("/settings/password", base_url=base("angarsk")).headers["Location"]
        == "/settings/credentials"
    )

    response = create_credentials(client, " Aleshina.A ", NEW_PASSWORD)
    assert response.status_code == 302
    page = text(client.get("/settings", base_url=base("angarsk")))
    assert "Логин и пароль созданы" in page and 'href="/settings/password"' in page
    assert client.get("/cabinet", base_url=base("angarsk")).status_code == 200  # session goes on

    other = app.test_client()
    assert sign_in(other, "angarsk", "aleshina.a", NEW_PASSWORD, mode="password").status_code == 302
    assert 'data-testid="current-account">204817' in text(
        other.get("/cabinet", base_url=base("angarsk"))
    )
    # Having a login now, the identity has no more use for the form.
    assert client.get("/settings/credentials", base_url=base("angarsk")).status_code == 404


def test_a_taken_login_and_a_weak_password_are_refused_at_their_fields(client, angarsk_by_surname):
    make_resident(angarsk_by_surname, make_account(angarsk_by_surname), login="taken")
    page = text(create_credentials(client, "TAKEN", NEW_PASSWORD))
    assert '<p class="error" id="login-error">Этот логин уже занят, выберите другой.' in page
    page = text(create_credentials(client, "free.login", "free.login"))
    assert "Пароль не должен совпадать с логином." in page
    page = text(create_credentials(client, "я", NEW_PASSWORD))
    assert '<p class="error" id="login-error">Логин: от 3 до 64' in page


def test_identities_with_a_password_get_no_credentials_form(client, resident):
    assert client.get("/settings/credentials", base_url=base("moscow")).status_code == 404


# Contacts -----------------------------------------------------------------------------------


def test_invalid_phone_and_e_mail_are_refused_at_their_fields(client, moscow, resident):
    page = text(save_contacts(client, email="ivanov@", phone="12345"))
    assert '<p class="error" id="email-error">Введите адрес электронной почты' in page
    assert '<p class="error" id="phone-error">Введите номер мобильного телефона' in page
    landline = text(save_contacts(client, email="ivanov@mail.ru", phone="+7 495 123-45-67"))
    assert '<p class="error" id="phone-error">' in landline
    person = fresh(moscow, resident)
    assert (person.email, person.phone) == ("ivanov@mail.ru", None)


def test_the_phone_is_saved_in_e164(client, moscow, resident):
    response = save_contacts(client, email="ivanov@mail.ru", phone="8 (912) 345-67-89")
    assert response.status_code == 302
    assert fresh(moscow, resident).phone == "+79123456789"
    page = text(client.get("/settings", base_url=base("moscow")))
    assert "Контактные данные сохранены." in page and 'value="+7 912 345-67-89"' in page


def test_a_new_e_mail_needs_the_current_password(client, moscow, resident):
    page = text(save_contacts(client, email="new@mail.ru", phone=""))
    assert "Чтобы сменить адрес электронной почты, введите текущий пароль." in page
    page = text(save_contacts(client, email="new@mail.ru", phone="", current_password="wrong"))
    assert '<p class="error" id="current_password-error">Неверный текущий пароль.' in page
    assert fresh(moscow, resident).email == "ivanov@mail.ru"

    response = save_contacts(
        client, email=" New@Mail.RU ", phone="", current_password=DEMO_PASSWORD
    )
    assert response.status_code == 302
    person = fresh(moscow, resident)
    assert person.email == "New@mail.ru"
    assert person.email_confirmed_at is None  # the new address is not confirmed yet


def test_contacts_are_read_only_where_the_tenant_does_not_offer_editing(client, angarsk_by_surname):
    page = text(client.get("/settings", base_url=base("angarsk")))
    assert "Контактные данные" in page and "не указана" in page
    assert 'action="/settings/contacts"' not in page
    assert save_contacts(client, slug="angarsk", email="a@mail.ru").status_code == 404


# Data download (152-ФЗ) ---------------------------------------------------------------------


def test_my_data_is_a_json_file_of_this_resident_only(client, moscow, resident):
    make_resident(
        moscow,
        make_account(moscow, number="7000000909"),
        login="neighbour",
        email="neighbour@mail.ru",
    )
    response = client.get("/settings/my-data.json", base_url=base("moscow"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    body = response.get_data(as_text=True)
    assert "argon2" not in body and "password" not in body and "session_version" not in body
    data = json.loads(body)
    assert data["resident"]["login"] == "ivanov.demo"
    assert data["resident"]["email"] == "ivanov@mail.ru"
    assert [account["number"] for account in data["accounts"]] == ["7000000101"]
    assert data["accounts"][0]["meters"][0]["serial"] == "7000000101-1"
    assert "7000000909" not in body and "neighbour" not in body
