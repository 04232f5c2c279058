"""Redis down does not take sign-in and recovery down with it (issue 7): rate limits fall back to
the process's memory, still limit, and the request is served. Needs no Redis: the app is pointed at
a port where nothing listens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs.models import TenantJob
from app.tenancy.context import tenant_scope
from tests.conftest import make_test_app
from tests.support.factories import DEMO_PASSWORD, make_account
from tests.support.outbox import keeping_rate_limit_storage
from tests.support.recovery import ANSWER, ask, make_novocheboksarsk_resident
from tests.support.web import base, sign_in, text

CLOSED_PORT = "redis://127.0.0.1:1/0"
CHEBOKSARY_LOGIN = {"settlement": "novocheboksarsk", "identifier": "104512367"}


@pytest.fixture
def client(test_database, tmp_path):
    """A client of an app whose Redis (limits, jobs, tenant cache) does not answer."""
    with keeping_rate_limit_storage():
        app = make_test_app(test_database, tmp_path, REDIS_URL=CLOSED_PORT)
        yield app.test_client()


def test_a_resident_signs_in_while_redis_is_down(client, cheboksary_resident):
    response = sign_in(client, "cheboksary", {**CHEBOKSARY_LOGIN, "secret": DEMO_PASSWORD})

    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/cabinet"
    cabinet = client.get("/cabinet", base_url=base("cheboksary"))
    assert cabinet.status_code == 200 and "104512367" in text(cabinet)


def test_failed_sign_ins_are_still_limited_in_memory_while_redis_is_down(
    client, cheboksary_resident
):
    wrong = {**CHEBOKSARY_LOGIN, "secret": "not-the-password"}
    answers = [sign_in(client, "cheboksary", wrong).status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]  # five per 15 minutes per account (SPEC §7)


def test_failures_still_bring_the_captcha_while_redis_is_down(client, app_context, tenants):
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    wrong = {"identifier": "204817", "secret": "Петрова"}  # a captcha after three failures

    pages = [text(sign_in(client, "angarsk", wrong, mode="surname")) for _ in range(3)]

    assert "Контрольный код" not in pages[1]
    assert "Контрольный код" in pages[2]  # counted in memory while Redis is away


def test_a_reset_is_answered_and_its_mail_waits_while_redis_is_down(client, app_context, tenants):
    make_novocheboksarsk_resident(tenants)

    response = ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})

    assert response.status_code == 303
    follow = client.get(response.headers["Location"], base_url=base("cheboksary"))
    assert ANSWER in text(follow)
    with tenant_scope(tenants["cheboksary"]):
        [row] = db.session.scalars(select(TenantJob).where(TenantJob.name == "mail.send")).all()
    assert row.status == "pending"  # in the outbox, for the relay once Redis is back
