"""«Ваш пароль изменён» (issue 7): after a password change in /settings or through a reset link the
resident gets a security mail, by e-mail whatever the preferences say, without List-Unsubscribe."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.notifications.preferences import save_preferences
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.recovery import ask, links_in, make_novocheboksarsk_resident, set_password
from tests.support.web import base, sign_in, submit

NEW_PASSWORD = "Novyi-Parol-2026"
SUBJECT = "Мосводоканал: ваш пароль изменён"


@pytest.fixture
def moscow(tenants):
    return tenants["moscow"]


@pytest.fixture
def resident(client, app_context, moscow):
    """A Moscow resident who turned off every optional mail, signed in on `client`."""
    person = make_resident(
        moscow, make_account(moscow), login="ivanov.demo", email="ivanov@mail.ru"
    )
    with tenant_scope(moscow):
        save_preferences(
            person.id,
            reminders_email=False,
            reminders_sms=False,
            notices_email=False,
            notices_sms=False,
            receipts_email=False,
        )
    login = {"identifier": "ivanov.demo", "secret": DEMO_PASSWORD}
    assert sign_in(client, "moscow", login).status_code == 302
    return person


def change_password(client, current):
    data = {
        "current_password": current,
        "new_password": NEW_PASSWORD,
        "new_password_confirmation": NEW_PASSWORD,
    }
    return submit(client, "moscow", "/settings/password", data)


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_password_changed_in_settings_is_announced_by_a_security_mail(
    client, resident, outbox, monkeypatch
):
    monkeypatch.setattr("app.clock.now", lambda: datetime(2026, 11, 30, 9, 5, tzinfo=UTC))

    assert change_password(client, DEMO_PASSWORD).status_code == 302

    [message] = outbox()  # although every optional mail is turned off
    assert message["To"] == "ivanov@mail.ru"
    assert message["Subject"] == SUBJECT
    assert message["List-Unsubscribe"] is None
    for body in (plain(message), message.get_body(("html",)).get_content()):
        assert "изменён 30 ноября 2026, 12:05" in body  # Moscow time
        assert "ivanov.demo" in body
        assert "http://moscow.localhost/password/forgot" in body
    assert "Отписаться" not in plain(message)


def test_a_refused_change_sends_nothing(client, resident, outbox):
    assert change_password(client, "not-my-password").status_code == 200
    assert outbox() == []


def test_a_reset_through_the_mailed_link_is_announced_too(
    app, client, outbox, app_context, tenants
):
    make_novocheboksarsk_resident(tenants)
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])

    assert set_password(client, link).status_code == 302

    _reset_link_mail, changed = outbox()
    assert changed["To"] == "Ivanova@Example.com"
    assert changed["Subject"] == "Водоканал Чебоксары: ваш пароль изменён"
    assert changed["List-Unsubscribe"] is None
    assert "http://cheboksary.localhost/password/forgot" in plain(changed)


def test_a_resident_without_e_mail_changes_the_password_without_a_mail(
    client, app_context, moscow, outbox
):
    make_resident(moscow, make_account(moscow), login="bez.pochty", email=None)
    login = {"identifier": "bez.pochty", "secret": DEMO_PASSWORD}
    assert sign_in(client, "moscow", login).status_code == 302
    assert change_password(client, DEMO_PASSWORD).status_code == 302
    assert outbox() == []
    assert client.get("/settings", base_url=base("moscow")).status_code == 200
