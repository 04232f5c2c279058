"""Helpers of the reading form tests: a clock inside or outside each city's window, meters and
contracts, signing in with the tenant's own login form, and reading the forms of a page."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from sqlalchemy import select

from app.accounts.models import Contract, Meter
from app.extensions import db
from app.readings.models import Reading, ReadingVersion
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement
from tests.support.factories import DEMO_PASSWORD, make_resident
from tests.support.web import base, csrf_token, solve_captcha, text

# Inside every city's November 2026 window (Moscow's: 27 November – 2 December) and outside it.
OPEN = {
    "cheboksary": datetime(2026, 11, 22, 9, tzinfo=UTC),
    "sevastopol": datetime(2026, 11, 22, 9, tzinfo=UTC),
    "angarsk": datetime(2026, 11, 22, 9, tzinfo=UTC),
    "novosibirsk": datetime(2026, 11, 22, 9, tzinfo=UTC),
    "moscow": datetime(2026, 11, 30, 9, tzinfo=UTC),
}
CLOSED = datetime(2026, 11, 26, 9, tzinfo=UTC)  # only Angarsk (1st–26th) and Sevastopol are open
NOVEMBER, OCTOBER = date(2026, 11, 1), date(2026, 10, 1)
_logins = itertools.count(1)


def freeze(monkeypatch, moment: datetime) -> None:
    """Make `app.clock.now()` return `moment`."""
    monkeypatch.setattr("app.clock.now", lambda: moment)


def add_meter(tenant, account, serial: str, **fields) -> Meter:
    """A meter on `account` (cold water, 5 digits, verified until 2030 unless told)."""
    values = {"service": "cold_water", "digits": 5, "verified_until": date(2030, 1, 1)}
    values.update(fields)
    with tenant_scope(tenant):
        meter = Meter(serial=serial, **values)
        account.meters.append(meter)
        db.session.flush()
        return meter


def add_contract(tenant, account, number: str, signed_on: date, *meters: Meter) -> Contract:
    """A contract of `account` that `meters` are read under."""
    with tenant_scope(tenant):
        contract = Contract(account_id=account.id, number=number, signed_on=signed_on)
        db.session.add(contract)
        db.session.flush()
        for meter in meters:
            meter.contract_id = contract.id
        db.session.flush()
        return contract


def settlement_code(tenant, account) -> str:
    """The code of the account's settlement (what the login form's drop-down sends)."""
    with tenant_scope(tenant):
        return db.session.scalar(
            select(Settlement.code).where(Settlement.id == account.settlement_id)
        )


def sign_in(app, client, tenant, account, **resident_fields):
    """A resident linked to `account`, signed in on `client` through the tenant's first login
    mode (its own identifier, secret, settlement and control code)."""
    login = f"resident{next(_logins)}"
    resident = make_resident(tenant, account, login=login, **resident_fields)
    mode = tenant.config.login.modes[0]
    path = f"/login?mode={mode.key}"
    page = text(client.get(path, base_url=base(tenant.slug)))
    data = {
        "csrf_token": csrf_token(page),
        "identifier": login if mode.identifier == "login" else account.number,
        "secret": DEMO_PASSWORD if mode.secret == "password" else account.owner_surname,
    }
    if mode.settlement:
        data["settlement"] = settlement_code(tenant, account)
    data.update(solve_captcha(app, client, tenant.slug, page))
    response = client.post(path, base_url=base(tenant.slug), data=data)
    assert response.status_code == 302, text(response)
    return resident


class _Forms(HTMLParser):
    """The fields of every form on a page, by form id; `form=` attributes are honoured."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, list[tuple[str, str, dict]]] = {}
        self._open: str | None = None
        self._select: tuple[str, dict] | None = None
        self._count = 0

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._count += 1
            self._open = attributes.get("id") or f"form-{self._count}"
            self.forms.setdefault(self._open, [])
        elif tag in ("input", "select", "button") and attributes.get("name"):
            owner = attributes.get("form") or self._open
            if tag == "select":
                self._select = (owner, attributes)
                return
            self.forms.setdefault(owner, []).append(
                (attributes["name"], attributes.get("value", ""), {"tag": tag, **attributes})
            )
        elif tag == "option" and self._select and "selected" in attributes:
            owner, select_attributes = self._select
            self.forms[owner].append(
                (select_attributes["name"], attributes.get("value", ""), select_attributes)
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None
        elif tag == "select":
            self._select = None


def form_data(page: str, form_id: str | None = None, *, hidden_only: bool = False) -> dict:
    """What submitting a form of `page` sends (without its buttons and unticked boxes); the
    first form posting to /readings unless `form_id` is given."""
    parser = _Forms()
    parser.feed(page)
    if form_id is None:
        form_id = next(
            name
            for name, fields in parser.forms.items()
            if any(field == "idempotency_key" for field, _value, _attrs in fields)
        )
    data = {}
    for name, value, attributes in parser.forms[form_id]:
        kind = attributes.get("type", "text")
        if attributes["tag"] == "button" or kind == "checkbox" or "disabled" in attributes:
            continue
        if hidden_only and kind != "hidden":
            continue
        data.setdefault(name, value)
    return data


def post_sheet(client, slug: str, page: str, action: str, form_id=None, **values):
    """Submit the reading form of `page` with `action`, typing `values` (field name → text)."""
    data = {**form_data(page, form_id), **values, "action": action}
    return client.post("/readings", base_url=base(slug), data=data)


def open_form(client, slug: str, path: str = "/readings") -> str:
    """The reading form's page (at `path`: the form, or the history page that links to it)."""
    response = client.get(path, base_url=base(slug))
    assert response.status_code == 200
    return text(response)


def check_sheet(client, slug: str, values: dict, path: str = "/readings"):
    """Type `values` (field name → text) into a fresh form and press «Проверить»."""
    return post_sheet(client, slug, open_form(client, slug, path), "check", **values)


def check_and_transmit(client, slug: str, values: dict, path: str = "/readings"):
    """Type `values`, check, then press «Подтвердить и передать» with what the check page sent;
    (the check page, the transmit response)."""
    check = check_sheet(client, slug, values, path)
    assert check.status_code == 200
    return check, post_sheet(client, slug, text(check), "transmit", "readings-transmit")


def value_field(meter: Meter, zone: int = 1) -> str:
    return f"value-{meter.id}.{zone}"


def current_values(tenant, meter: Meter) -> list[tuple[date, int, int, bool]]:
    """(period, zone, value, flagged) of the meter's current readings."""
    with tenant_scope(tenant):
        return [
            (r.period, r.zone, r.value_milli, r.flagged)
            for r in db.session.scalars(
                select(Reading).where(Reading.meter_id == meter.id).order_by(Reading.period)
            )
        ]


def versions(tenant, meter: Meter, period: date = NOVEMBER) -> list[ReadingVersion]:
    """Every version of the meter's reading for `period`, oldest first."""
    with tenant_scope(tenant):
        return list(
            db.session.scalars(
                select(ReadingVersion)
                .where(ReadingVersion.meter_id == meter.id, ReadingVersion.period == period)
                .order_by(ReadingVersion.created_at)
            )
        )
