"""Driving online registration from tests: the forms, the mailed links, the residents they write."""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

from sqlalchemy import select

from app.auth.models import Resident
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account
from tests.support.web import base, csrf_token, solve_captcha, submit, text

PASSWORD = "Vesna-2026-river"
LINK = re.compile(r"http://[\w.]+/register/(?:confirm|set-password)/[\w-]+")
MISMATCH = "Данные не совпадают с данными лицевого счёта"

NOVOSIBIRSK = {
    "account_number": "11-7785",
    "address": "Грибоедова 32-5",
    "full_name": "петрова анна сергеевна",
    "email": "petrova@ngs.ru",
}


def fill(app, client, slug: str, path: str, data: dict, follow: bool = False):
    """GET the form at `path`, then POST `data` with its CSRF token and captcha answer."""
    page = text(client.get(path, base_url=base(slug)))
    payload = {"csrf_token": csrf_token(page), **solve_captcha(app, client, slug, page), **data}
    return client.post(path, base_url=base(slug), data=payload, follow_redirects=follow)


def mailed_link(outbox) -> str:
    """The registration link of the last mail in the outbox."""
    message = outbox()[-1]
    return LINK.search(message.get_body(("plain",)).get_content()).group(0)


def field_error(page: str, name: str) -> str:
    """The error shown at the form field `name` of `page`, or "" when there is none."""
    match = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else ""


def residents(tenant) -> list[Resident]:
    """The tenant's residents as the database holds them now, oldest first."""
    db.session.expire_all()
    with tenant_scope(tenant):
        return list(db.session.scalars(select(Resident).order_by(Resident.created_at)))


def sign_out(client, slug: str) -> None:
    assert submit(client, slug, "/logout", {}).status_code == 302


def make_cheboksary_account(tenants) -> SimpleNamespace:
    """Maria Alyoshina's account in Novocheboksarsk with one meter: tenant, account and serial."""
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
    """Cheboksary's registration form, filled in for `make_cheboksary_account`, with `changes`."""
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


def moscow_individual(**changes) -> dict:
    """Moscow's registration form for an individual, filled in, with `changes`."""
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


def make_novosibirsk_account(tenants):
    """Anna Petrova's private-house account in Novosibirsk, which `NOVOSIBIRSK` describes."""
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
