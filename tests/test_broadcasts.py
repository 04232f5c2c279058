"""Notices from the console (issue 7): admins and clerks send a tariff change or planned works to
every resident of the utility or of one settlement, delivered in batches in the background while
the page shows how many have gone; viewers only look; another utility's notices are not found."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.notifications import mailings as mailing_module
from app.notifications.models import Mailing
from app.notifications.preferences import save_preferences
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident, make_staff
from tests.support.notifications import clear_sms_outbox, mailings, recipients, sms_outbox
from tests.support.web import base, submit, text

NOTICE = {
    "topic": "works",
    "audience": "novocheboksarsk",
    "subject": "Отключение воды 3 декабря",
    "body": "3 декабря с 9:00 до 17:00 не будет холодной воды на ул. Винокурова.\nПриносим извинения.",
}


def staff_sign_in(client, slug, login):
    response = submit(client, slug, "/admin/login", {"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302, text(response)


def send_notice(client, slug="cheboksary", **fields):
    return submit(client, slug, "/admin/notices", {**NOTICE, **fields})


@pytest.fixture
def cheboksary(app_context, tenants):
    return tenants["cheboksary"]


@pytest.fixture
def clerk(client, cheboksary):
    make_staff(cheboksary, login="clerk", role="clerk")
    staff_sign_in(client, "cheboksary", "clerk")


def test_a_notice_reaches_every_resident_of_the_settlement_and_no_one_else(
    client, clerk, cheboksary, tenants, outbox
):
    for index in range(3):
        make_resident(
            cheboksary,
            make_account(cheboksary, settlement_code="novocheboksarsk"),
            email=f"novo{index}@example.ru",
        )
    make_resident(cheboksary, make_account(cheboksary), email="city@example.ru")
    make_resident(
        cheboksary,
        make_account(cheboksary, settlement_code="novocheboksarsk"),
        email="blocked@example.ru",
        status="blocked",
    )
    moscow = tenants["moscow"]
    make_resident(moscow, make_account(moscow), email="moscow@example.ru")

    response = send_notice(client)

    assert response.status_code == 302
    messages = outbox()
    assert recipients(messages) == ["novo0@example.ru", "novo1@example.ru", "novo2@example.ru"]
    message = messages[0]
    assert message["Subject"] == "Водоканал Чебоксары: Отключение воды 3 декабря"
    assert "не будет холодной воды" in message.get_body(("plain",)).get_content()
    assert "не будет холодной воды" in message.get_body(("html",)).get_content()
    assert message["List-Unsubscribe"].startswith("<http://cheboksary.localhost/unsubscribe/")

    page = text(client.get(response.headers["Location"], base_url=base("cheboksary")))
    assert "Отключение воды 3 декабря" in page
    assert "Новочебоксарск" in page
    progress = re.search(r'data-testid="notice-progress">(.*?)</span>', page, re.S).group(1)
    assert "готово" in progress and "писем 3, SMS 0; получателей 3" in progress


def test_a_notice_to_everyone_reaches_both_settlements(client, clerk, cheboksary, outbox):
    make_resident(
        cheboksary,
        make_account(cheboksary, settlement_code="novocheboksarsk"),
        email="novo@example.ru",
    )
    make_resident(cheboksary, make_account(cheboksary), email="city@example.ru")

    send_notice(client, audience="", topic="tariff", subject="Новые тарифы с 1 января")

    assert recipients(outbox()) == ["city@example.ru", "novo@example.ru"]


def test_sms_goes_to_residents_who_chose_it(app, client, clerk, cheboksary, outbox):
    resident = make_resident(
        cheboksary,
        make_account(cheboksary, settlement_code="novocheboksarsk"),
        email="sms@example.ru",
        phone="+79031234567",
    )
    with tenant_scope(cheboksary):
        save_preferences(resident.id, notices_email=False, notices_sms=True)
    clear_sms_outbox(app)

    send_notice(client, body="Не будет воды. " * 40)

    assert outbox() == []
    [sms] = sms_outbox(app)
    assert sms["to"] == "+79031234567"
    assert sms["text"].startswith("Водоканал Чебоксары: Отключение воды 3 декабря. Не будет воды.")
    assert sms["text"].endswith("…")


def test_delivery_is_planned_then_batched_on_the_low_queue(
    client, clerk, cheboksary, monkeypatch, outbox
):
    queued = []
    real_enqueue = mailing_module.enqueue

    def recording_enqueue(name, **kwargs):
        queued.append((name, kwargs.get("queue"), len(kwargs.get("recipients") or [])))
        return real_enqueue(name, **kwargs)

    monkeypatch.setattr(mailing_module, "enqueue", recording_enqueue)
    monkeypatch.setattr(mailing_module, "BATCH_SIZE", 2)
    for index in range(5):
        make_resident(
            cheboksary,
            make_account(cheboksary, settlement_code="novocheboksarsk"),
            email=f"r{index}@example.ru",
        )

    send_notice(client)

    assert len(outbox()) == 5  # (with Redis, this runs the queued jobs)
    assert queued == [
        ("notifications.plan_mailing", "low", 0),
        ("notifications.deliver_batch", "low", 2),
        ("notifications.deliver_batch", "low", 2),
        ("notifications.deliver_batch", "low", 1),
    ]
    [notice] = mailings(cheboksary, "notice")
    assert (notice.batches, notice.batches_done, notice.emails_sent) == (3, 3, 5)


def test_a_batch_delivered_twice_sends_nothing_more(client, clerk, cheboksary, outbox):
    make_resident(
        cheboksary,
        make_account(cheboksary, settlement_code="novocheboksarsk"),
        email="once@example.ru",
    )
    send_notice(client)
    [message] = outbox()
    [notice] = mailings(cheboksary, "notice")

    with tenant_scope(cheboksary):
        mailing_module.deliver_batch(
            mailing_id=str(notice.id),
            number=0,
            recipients=[["00000000-0000-0000-0000-000000000000", message["Message-ID"]]],
            base_url="http://cheboksary.localhost/",
        )
    assert len(outbox()) == 1
    assert mailings(cheboksary, "notice")[0].batches_done == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"subject": ""}, "subject", "Заполните это поле."),
        ({"body": "   "}, "body", "Заполните это поле."),
        ({"subject": "Я" * 151}, "subject", "Не длиннее 150 символов."),
        ({"audience": "atlantis"}, "audience", "Выберите значение из списка."),
        ({"topic": "spam"}, "topic", "Выберите значение из списка."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_sent(
    client, clerk, cheboksary, outbox, fields, field, message
):
    make_resident(cheboksary, make_account(cheboksary), email="r@example.ru")
    response = send_notice(client, **fields)
    assert response.status_code == 422
    assert f'id="{field}-error">{message}' in text(response)
    assert mailings(cheboksary) == [] and outbox() == []


def test_a_viewer_sees_the_notices_but_gets_403_on_sending(client, cheboksary, outbox):
    make_staff(cheboksary, login="viewer", role="viewer")
    staff_sign_in(client, "cheboksary", "viewer")
    make_resident(cheboksary, make_account(cheboksary), email="r@example.ru")

    page = client.get("/admin/notices", base_url=base("cheboksary"))
    assert page.status_code == 200 and "Сообщения абонентам" in text(page)
    assert 'action="/admin/notices"' not in text(page)  # no form to send
    response = send_notice(client, form_page="/admin")
    assert response.status_code == 403
    assert mailings(cheboksary) == [] and outbox() == []


def test_another_utilitys_notice_is_not_found(client, app_context, tenants, outbox):
    moscow, cheboksary = tenants["moscow"], tenants["cheboksary"]
    make_staff(moscow, login="clerk", role="clerk")
    staff_sign_in(client, "moscow", "clerk")
    send_notice(client, "moscow", audience="")
    [moscow_notice] = mailings(moscow, "notice")
    assert (
        client.get(f"/admin/notices/{moscow_notice.id}", base_url=base("moscow")).status_code == 200
    )

    make_staff(cheboksary, login="clerk", role="clerk")
    other = client.application.test_client()
    staff_sign_in(other, "cheboksary", "clerk")
    response = other.get(f"/admin/notices/{moscow_notice.id}", base_url=base("cheboksary"))
    assert response.status_code == 404
    assert "Отключение воды" not in text(other.get("/admin/notices", base_url=base("cheboksary")))

    # A Moscow session replayed on Cheboksary's console reaches nothing there.
    cookie = client.get_cookie("session", domain="moscow.localhost")
    client.set_cookie("session", cookie.value, domain="cheboksary.localhost")
    for path in ("/admin/notices", f"/admin/notices/{moscow_notice.id}"):
        assert client.get(path, base_url=base("cheboksary")).status_code == 404, path
    assert send_notice(client, form_page="/admin/login").status_code == 404
    with tenant_scope(cheboksary):
        assert db.session.scalar(select(func.count()).select_from(Mailing)) == 0


def test_staff_must_sign_in(client):
    response = client.get("/admin/notices", base_url=base("cheboksary"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
