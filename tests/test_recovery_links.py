"""Reset links and sessions (SPEC §2 password recovery row, §7): a link works once, expires, dies
with the password and on another tenant's host; a reset ends the resident's other sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.auth.models import AuthToken
from app.auth.tokens import ExpiredToken, InvalidToken, issue_token, peek_token
from app.db import utcnow
from app.extensions import db
from app.recovery.services import change_password
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.recovery import (
    NEW_PASSWORD,
    ask,
    cheboksary_sign_in,
    links_in,
    make_novocheboksarsk_resident,
    password_works,
    set_password,
)
from tests.support.web import base, csrf_token, text


@pytest.fixture
def cheboksary(app_context, tenants):
    return make_novocheboksarsk_resident(tenants)


# --- links: single use, expiring, dying with the password -----------------------------------


def test_a_link_works_once(client, outbox, cheboksary):
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])
    assert set_password(client, link).status_code == 302
    again = client.get(link)
    assert again.status_code == 404
    assert "Ссылка недействительна или уже использована" in text(again)
    assert again.headers["Referrer-Policy"] == "no-referrer"


def test_an_expired_link_offers_a_new_one(client, outbox, cheboksary):
    tenant, _account, resident = cheboksary
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])
    with tenant_scope(tenant):
        db.session.execute(
            update(AuthToken)
            .where(AuthToken.resident_id == resident.id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    response = client.get(link)
    assert response.status_code == 410
    assert "Ссылка устарела" in text(response)
    assert 'href="/password/forgot"' in text(response)
    data = {
        "csrf_token": csrf_token(text(response)),
        "password": NEW_PASSWORD,
        "password_confirmation": NEW_PASSWORD,
    }
    assert client.post(link, data=data).status_code == 410
    assert password_works(tenant, resident, DEMO_PASSWORD)


def test_a_new_request_cancels_the_previous_link(client, outbox, cheboksary):
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [old], [new] = (links_in(mail) for mail in outbox())
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_other_links_die_when_the_password_is_reset(client, cheboksary):
    tenant, _account, resident = cheboksary
    with tenant_scope(tenant):
        link_a = issue_token(resident, "reset_password", timedelta(hours=1))
        link_b = issue_token(resident, "reset_password", timedelta(hours=1))
    url = base("cheboksary") + "/password/reset/{}"
    assert set_password(client, url.format(link_b)).status_code == 302
    refused = client.get(url.format(link_a))
    assert refused.status_code == 404
    assert "Ссылка недействительна или уже использована" in text(refused)


def test_change_password_kills_every_link_and_session(cheboksary):
    tenant, _account, resident = cheboksary
    with tenant_scope(tenant):
        raw = issue_token(resident, "reset_password", timedelta(hours=1))
        version = resident.session_version
        resident.must_change_password = True
        change_password(resident, NEW_PASSWORD)
        assert resident.session_version == version + 1
        assert not resident.must_change_password
        with pytest.raises(InvalidToken):
            peek_token(raw, "reset_password")
    assert password_works(tenant, resident, NEW_PASSWORD)


def test_a_reset_ends_a_session_signed_in_elsewhere(app, client, outbox, cheboksary):
    _tenant, account, _resident = cheboksary
    elsewhere = app.test_client()
    assert cheboksary_sign_in(elsewhere, account, DEMO_PASSWORD).status_code == 302
    assert elsewhere.get("/cabinet", base_url=base("cheboksary")).status_code == 200

    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])
    assert set_password(client, link).status_code == 302

    after = elsewhere.get("/cabinet", base_url=base("cheboksary"))
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/login")
    assert client.get("/cabinet", base_url=base("cheboksary")).status_code == 200


def test_the_new_password_follows_the_tenant_policy(client, outbox, cheboksary):
    tenant, _account, resident = cheboksary
    ask(client, "cheboksary", "email", {"email": "ivanova@example.com"})
    [link] = links_in(outbox()[0])
    mismatch = set_password(client, link, NEW_PASSWORD, confirmation="Something-Else-1")
    assert mismatch.status_code == 200
    assert 'id="password_confirmation-error"' in text(mismatch)
    assert "Пароли не совпадают." in text(mismatch)
    weak = set_password(client, link, "104512367")
    assert 'id="password-error"' in text(weak)
    assert "не должен совпадать с номером лицевого счёта" in text(weak)
    short = set_password(client, link, "Ab-1")
    assert "не короче 8 символов" in text(short)
    assert password_works(tenant, resident, DEMO_PASSWORD)
    assert set_password(client, link).status_code == 302  # the link survived the failures


# --- tokens: foreign hosts, blocked residents, expiry ---------------------------------------


def test_a_moscow_link_is_invalid_on_the_angarsk_host(client, app_context, tenants):
    moscow = tenants["moscow"]
    resident = make_resident(moscow, make_account(moscow), login="ivanov.demo")
    with tenant_scope(moscow):
        raw = issue_token(resident, "reset_password", timedelta(hours=24))
    foreign = client.get(f"/password/reset/{raw}", base_url=base("angarsk"))
    assert foreign.status_code == 404
    assert "Ссылка недействительна" in text(foreign)
    assert client.get(f"/password/reset/{raw}", base_url=base("moscow")).status_code == 200


def test_a_link_of_a_resident_blocked_since_is_refused(client, cheboksary):
    tenant, _account, resident = cheboksary
    with tenant_scope(tenant):
        raw = issue_token(resident, "reset_password", timedelta(hours=1))
        resident.status = "blocked"
        db.session.flush()
    response = client.get(f"/password/reset/{raw}", base_url=base("cheboksary"))
    assert response.status_code == 404


def test_expired_tokens_are_reported_as_expired(cheboksary):
    tenant, _account, resident = cheboksary
    with tenant_scope(tenant):
        raw = issue_token(resident, "reset_password", timedelta(hours=-1))
        with pytest.raises(ExpiredToken):
            peek_token(raw, "reset_password")
