"""Resident notification preferences on /settings (issue 7): e-mail and/or SMS for reminders and
notices, receipts by e-mail or not; security mail always by e-mail; the one-click unsubscribe link
from List-Unsubscribe works without signing in."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.notifications.preferences import preferences_of, save_preferences, unsubscribe_token
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account, make_resident
from tests.support.notifications import clear_sms_outbox, recipients, sms_outbox, tick
from tests.support.readings import OPEN, freeze, post_sheet, value_field
from tests.support.readings import sign_in as reading_sign_in
from tests.support.recovery import ask, links_in, make_novocheboksarsk_resident
from tests.support.web import base, submit, text


@pytest.fixture
def novosibirsk(tenants):
    return tenants["novosibirsk"]


@pytest.fixture
def resident(app, client, app_context, novosibirsk):
    """A Novosibirsk resident with e-mail and phone, signed in on `client`."""
    return reading_sign_in(
        app,
        client,
        novosibirsk,
        make_account(novosibirsk),
        email="petrov@example.ru",
        phone="+79131234567",
    )


def save(client, **flags):
    return submit(
        client,
        "novosibirsk",
        "/settings/notifications",
        {name: "y" for name, on in flags.items() if on},
        form_page="/settings",
    )


def checked(page: str, name: str) -> bool:
    """Whether the checkbox `name` on `page` is ticked."""
    tag = re.search(rf'<input[^>]*id="{name}"[^>]*>', page).group(0)
    return " checked" in tag


def stored(tenant, resident):
    with tenant_scope(tenant):
        db.session.expire_all()
        return preferences_of(resident.id)


def test_settings_show_the_defaults_email_yes_sms_no(client, resident):
    page = text(client.get("/settings", base_url=base("novosibirsk")))
    assert "Уведомления" in page
    assert checked(page, "reminders_email") and checked(page, "notices_email")
    assert not checked(page, "reminders_sms") and not checked(page, "notices_sms")
    assert "приходят на электронную почту всегда" in page


def test_a_resident_switches_reminders_to_sms_and_gets_an_sms_instead_of_mail(
    app, client, resident, novosibirsk, outbox
):
    response = save(client, reminders_sms=True, notices_email=True, receipts_email=True)
    assert response.status_code == 302
    saved = stored(novosibirsk, resident)
    assert (saved.reminders_email, saved.reminders_sms) == (False, True)
    clear_sms_outbox(app)

    tick("2026-11-20T03:00:00Z")

    assert outbox() == []
    [sms] = sms_outbox(app)
    assert sms["to"] == "+79131234567"
    assert sms["text"].startswith("Горводоканал: открыт приём показаний счётчиков, до 25 ноября.")
    assert "http://novosibirsk.localhost/readings" in sms["text"]


def test_both_channels_and_none(app, client, resident, novosibirsk, outbox):
    save(client, reminders_email=True, reminders_sms=True)
    clear_sms_outbox(app)
    tick("2026-11-20T03:00:00Z")
    assert recipients(outbox()) == ["petrov@example.ru"]
    assert len(sms_outbox(app)) == 1


def test_a_resident_with_every_channel_off_is_not_reminded(app, client, resident, outbox):
    save(client)
    clear_sms_outbox(app)
    tick("2026-11-20T03:00:00Z")
    assert outbox() == [] and sms_outbox(app) == []


def test_sms_without_a_phone_is_refused_next_to_the_box(app, client, app_context, novosibirsk):
    person = reading_sign_in(
        app, client, novosibirsk, make_account(novosibirsk), email="n@example.ru"
    )
    response = save(client, reminders_email=True, notices_sms=True)
    assert response.status_code == 422
    assert re.search(
        r'id="notices_sms-error">Чтобы получать SMS, укажите номер мобильного телефона',
        text(response),
    )
    assert stored(novosibirsk, person).reminders_email is True  # nothing saved
    assert stored(novosibirsk, person).notices_sms is False


def test_security_mail_goes_by_email_whatever_the_preferences(client, outbox, app_context, tenants):
    tenant, _account, resident = make_novocheboksarsk_resident(tenants)
    with tenant_scope(tenant):
        save_preferences(
            resident.id,
            **{name: False for name in ("reminders_email", "notices_email", "receipts_email")},
        )

    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})

    [reset] = outbox()
    assert reset["To"] == "Ivanova@Example.com"
    assert links_in(reset)
    assert reset["List-Unsubscribe"] is None


def _unsubscribe_link(message) -> str:
    return message["List-Unsubscribe"].strip("<>")


def test_the_list_unsubscribe_link_works_in_one_click_without_signing_in(
    app, client, app_context, novosibirsk, outbox
):
    person = make_resident(novosibirsk, make_account(novosibirsk), email="u@example.ru")
    tick("2026-11-20T03:00:00Z")
    [message] = outbox()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = _unsubscribe_link(message)
    assert link in message.get_body(("plain",)).get_content()

    # A link scanner's GET changes nothing; it asks to confirm.
    page = client.get(link)
    assert page.status_code == 200 and "Отписаться" in text(page)
    assert stored(novosibirsk, person).reminders_email is True

    # The mail program's POST (RFC 8058): no session, no CSRF token.
    done = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "напоминаниями о приёме показаний больше не придут" in text(done)
    saved = stored(novosibirsk, person)
    assert (saved.reminders_email, saved.notices_email) == (False, True)

    tick("2026-11-24T03:00:00Z")  # the closing reminder
    assert len(outbox()) == 1


def test_a_forged_or_foreign_unsubscribe_link_is_not_found(client, app_context, tenants):
    novosibirsk = tenants["novosibirsk"]
    person = make_resident(novosibirsk, make_account(novosibirsk), email="f@example.ru")
    with client.application.test_request_context():
        token = unsubscribe_token(novosibirsk.id, person.id, "reminders")
    assert client.post(f"/unsubscribe/{token}x", base_url=base("novosibirsk")).status_code == 404
    # A Novosibirsk token on Moscow's host reaches nobody.
    assert client.post(f"/unsubscribe/{token}", base_url=base("moscow")).status_code == 404
    assert client.get(f"/unsubscribe/{token}", base_url=base("moscow")).status_code == 404
    assert stored(novosibirsk, person).reminders_email is True


def test_receipts_can_be_turned_off_and_carry_list_unsubscribe(
    app, client, app_context, tenants, monkeypatch, outbox
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant)
    resident = reading_sign_in(app, client, tenant, account, email="reader@example.ru")
    field = value_field(account.meters[0])

    def transmit(value):
        page = text(client.get("/readings", base_url=base("cheboksary")))
        check = post_sheet(client, "cheboksary", page, "check", **{field: value})
        return post_sheet(client, "cheboksary", text(check), "transmit", "readings-transmit")

    assert transmit("112").status_code == 303
    [receipt] = outbox()
    assert receipt["List-Unsubscribe"].startswith("<http://cheboksary.localhost/unsubscribe/")
    client.post(_unsubscribe_link(receipt))
    with tenant_scope(tenant):
        db.session.expire_all()
        assert preferences_of(resident.id).receipts_email is False

    assert transmit("113").status_code == 303
    assert len(outbox()) == 1  # no second receipt
