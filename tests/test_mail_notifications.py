"""What every mail carries (issue 7): a plain-text and an HTML part in the utility's branding with
its contacts; List-Unsubscribe on mail a resident may decline, never on security mail; and a
Message-ID fixed when the mail is queued, so a job delivered twice resends the same message."""

from __future__ import annotations

import pytest
from markupsafe import escape

from app.jobs.runner import run_inline
from app.mail.rendering import send_templated_mail
from app.templating import format_phone
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account, make_resident, make_staff
from tests.support.notifications import tick
from tests.support.recovery import ask, make_novocheboksarsk_resident
from tests.support.registration import cheboksary_data, fill, make_cheboksary_account
from tests.support.web import submit


def _parts(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def _branded(message, tenant) -> None:
    text, html = _parts(message)
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"].addresses[0].display_name == tenant.config.short_name
    assert tenant.config.branding.primary_colour in html
    phone = format_phone(tenant.config.contacts.phones[0].number)
    assert tenant.config.name in text and str(escape(tenant.config.name)) in html
    assert phone in text and phone in html


@pytest.fixture
def cheboksary(tenants):
    return tenants["cheboksary"]


def test_registration_confirmation_is_security_mail_without_list_unsubscribe(
    app, client, app_context, tenants, outbox
):
    account = make_cheboksary_account(tenants)
    fill(app, client, "cheboksary", "/register", cheboksary_data(account))
    [message] = outbox()
    _branded(message, tenants["cheboksary"])
    assert message["List-Unsubscribe"] is None
    assert "Отписаться" not in _parts(message)[0]


def test_password_reset_is_security_mail_without_list_unsubscribe(
    client, app_context, tenants, outbox
):
    make_novocheboksarsk_resident(tenants)
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [message] = outbox()
    _branded(message, tenants["cheboksary"])
    assert message["List-Unsubscribe"] is None


def test_a_reminder_carries_list_unsubscribe_in_the_header_and_both_parts(
    app_context, cheboksary, outbox
):
    make_resident(cheboksary, make_account(cheboksary), email="r@example.ru")
    tick("2026-11-20T07:00:00Z")  # Cheboksary's window opens: 10:00 Moscow time
    [message] = outbox()
    _branded(message, cheboksary)
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://cheboksary.localhost/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = _parts(message)
    assert link in text and link in html


def test_a_notice_carries_list_unsubscribe(client, app_context, cheboksary, outbox):
    make_resident(cheboksary, make_account(cheboksary), email="r@example.ru")
    make_staff(cheboksary, login="admin", role="admin")
    submit(client, "cheboksary", "/admin/login", {"login": "admin", "password": "Vodokabinet-2026"})
    submit(
        client,
        "cheboksary",
        "/admin/notices",
        {"topic": "tariff", "audience": "", "subject": "Новые тарифы", "body": "С 1 января."},
    )
    [message] = outbox()
    _branded(message, cheboksary)
    assert message["List-Unsubscribe"].startswith("<http://cheboksary.localhost/unsubscribe/")


def test_the_message_id_is_fixed_when_queued_and_a_redelivery_reuses_it(
    app_context, cheboksary, outbox
):
    with (
        app_context.test_request_context(base_url="http://cheboksary.localhost/"),
        tenant_scope(cheboksary),
    ):
        message_id = send_templated_mail(
            "r@example.ru",
            "Номер лицевого счёта",
            "account_number",
            number="104512367",
            login_url="http://cheboksary.localhost/login",
            register_url=None,
        )
    [first] = outbox()
    assert first["Message-ID"] == message_id
    assert message_id.endswith("@vodokabinet.localhost>")

    # The worker crashed after sending; the queue delivers the same job again.
    run_inline(
        "mail.send",
        cheboksary.id,
        {
            "to": "r@example.ru",
            "subject": first["Subject"],
            "text": first.get_body(("plain",)).get_content(),
            "html": first.get_body(("html",)).get_content(),
            "message_id": message_id,
        },
    )
    assert [m["Message-ID"] for m in outbox()] == [message_id, message_id]


def test_reminder_message_ids_are_the_same_however_often_they_are_computed(app_context, cheboksary):
    from app.mail.message import new_message_id

    with tenant_scope(cheboksary):
        first = new_message_id("mailing/resident")
        assert new_message_id("mailing/resident") == first
        assert new_message_id("mailing/other") != first
        assert new_message_id() != new_message_id()
