"""Driving password recovery from tests: the request form, the mailed reset links, the new password."""

from __future__ import annotations

import re

from app.auth.models import Resident
from app.auth.passwords import verify_password
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account, make_resident
from tests.support.web import csrf_token, submit, text

ANSWER = (
    "Если данные верны, мы отправили ссылку для смены пароля на e-mail, указанный при регистрации."
)
NEW_PASSWORD = "Rodnik-Novy-2026"
LINK = re.compile(r"https?://[^\s\"<>]+/password/reset/[A-Za-z0-9_-]+")


def ask(client, slug, by, data):
    """Post the recovery form of the set of fields `by`."""
    return submit(client, slug, f"/password/forgot?by={by}", data)


def links_in(message) -> list[str]:
    """The distinct reset links of a mail, in the order they appear in its plain-text body."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    return list(dict.fromkeys(LINK.findall(body)))


def set_password(client, link, password=NEW_PASSWORD, confirmation=None):
    """Open the reset `link` and post `password` (confirmed by `confirmation`, default the same)."""
    page = client.get(link)
    assert page.status_code == 200, text(page)
    data = {
        "csrf_token": csrf_token(text(page)),
        "password": password,
        "password_confirmation": password if confirmation is None else confirmation,
    }
    return client.post(link, data=data)


def main_of(response) -> str:
    """The page's <main> (what the answer says), without the footer's per-request CSRF token."""
    return re.search(r"<main.*?</main>", text(response), re.S).group(0)


def password_works(tenant, resident, password) -> bool:
    """Whether `password` is the resident's password as the database holds it now."""
    with tenant_scope(tenant):
        db.session.expire_all()
        row = db.session.get(Resident, (tenant.id, resident.id))
        return verify_password(row.password_hash, password)


def cheboksary_sign_in(client, account, password):
    """Post Cheboksary's login form for an account in Novocheboksarsk."""
    data = {"settlement": "novocheboksarsk", "identifier": account.number, "secret": password}
    return submit(client, "cheboksary", "/login", data)


def make_novocheboksarsk_resident(tenants):
    """A Cheboksary resident of an account in Novocheboksarsk, signing in with DEMO_PASSWORD:
    (tenant, account, resident)."""
    tenant = tenants["cheboksary"]
    account = make_account(tenant, settlement_code="novocheboksarsk", number="104512367")
    resident = make_resident(tenant, account, email="Ivanova@Example.com")
    return tenant, account, resident
