"""The links registration mails out: replaced by a new attempt, expired, used, foreign to the host;
their delivery over real SMTP; and the purge of unconfirmed registrations (SPEC §2 online
registration row, §7)."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from app.auth.models import AuthToken
from app.auth.tokens import issue_token
from app.db import utcnow
from app.extensions import db
from app.jobs.runner import run_inline
from app.registration.cli import registration_cli
from app.registration.confirmation import purge_unconfirmed
from app.tenancy.context import tenant_scope
from tests.conftest import IsolatedClient, make_test_app
from tests.support.factories import make_account, make_resident
from tests.support.outbox import deliver_queued_jobs
from tests.support.registration import (
    PASSWORD,
    cheboksary_data,
    fill,
    mailed_link,
    make_cheboksary_account,
    moscow_individual,
    residents,
    sign_out,
)
from tests.support.web import text


def token_count(tenant) -> int:
    with tenant_scope(tenant):
        return db.session.scalar(select(func.count()).select_from(AuthToken))


def expire_links(tenant) -> None:
    with tenant_scope(tenant):
        db.session.execute(update(AuthToken).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.flush()


@pytest.fixture
def cheboksary(app_context, tenants):
    return make_cheboksary_account(tenants)


# --- links: replaced, expired, used, foreign -----------------------------------------------------


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


def test_a_moscow_link_is_invalid_on_the_angarsk_host(app, client, app_context, tenants, outbox):
    fill(app, client, "moscow", "/register", moscow_individual())
    foreign = mailed_link(outbox).replace("moscow.localhost", "angarsk.localhost")
    response = client.get(foreign)
    assert response.status_code == 404 and "Ссылка недействительна" in text(response)
    assert [r.status for r in residents(tenants["moscow"])] == ["pending"]


# --- the purge job ------------------------------------------------------------------------------


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
