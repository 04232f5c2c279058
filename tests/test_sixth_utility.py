"""Issue 6, «Done when»: a sixth, made-up utility goes live through HTTP alone, with no file of code
or configuration written. An operator onboards it at `/platform` (its own account-number format,
login mode, reading window and time zone, differing from all five), its invited admin changes a
rule that residents see at once and imports accounts and meters through the upload page, and a
resident registers on the new subdomain, confirms by mail, signs in and submits a reading inside
the window, counted in Kamchatka time."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import yaml
from sqlalchemy import select

from app.accounts.models import Account, Meter
from app.audit import AuditEntry
from app.billing.models import ImportRun
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.conftest import ROOT, SLUGS, TENANTS_DIR
from tests.support.billing_files import ACCOUNTS, METERS
from tests.support.outbox import deliver_queued_jobs
from tests.support.readings import NOVEMBER, current_values, freeze, post_sheet, value_field
from tests.support.registration import PASSWORD, fill, mailed_link, residents, sign_out
from tests.support.web import base, csrf_token, submit, text
from tests.test_admin_rules import edit
from tests.test_platform_auth import make_operator, operator_sign_in

SLUG = "elizovo"
ADMIN_EMAIL = "glavnyi@vodokanal-41.example"
ADMIN_PASSWORD = "Kamchatka-vodokanal-41"
RESIDENT_EMAIL = "koryakova@mail.example"

# A made-up utility of Elizovo, Kamchatka Krai: numbers like 041/00123 (a three-digit prefix, «/»,
# five digits, short input zero-padded), a settlement picked at login with a control code and
# «remember me», a window of the 15th–19th, and the time zone of Kamchatka (UTC+12).
ELIZOVO = """\
slug: elizovo
name: МУП «Елизовский водоканал»
short_name: Елизовский водоканал
city: Елизово
time_zone: Asia/Kamchatka
branding: {primary_colour: "#2d5a27", accent_colour: "#e07a1f"}
contacts:
  phones: [{number: "+7 41531 6-11-11", label: абонентский отдел}]
settlements:
  - {code: elizovo, name: г. Елизово}
  - {code: paratunka, name: пос. Паратунка}
account_number:
  length: 5
  pad: true
  prefix: {length: 3, separator: "/"}
  example: "041/00123"
login:
  modes:
    - key: settlement_account
      label: Вход по населённому пункту и лицевому счёту
      identifier: account_number
      settlement: true
      secret: password
      captcha: always
      remember_me: true
registration:
  forms:
    - audience: individual
      fields: [settlement, account_number, full_name, meter_serial, email, password,
               password_confirmation]
      requires_meter: true
  confirmation_ttl_hours: 6
services:
  - {code: cold_water, name: Холодное водоснабжение}
  - {code: hot_water, name: Горячее водоснабжение}
readings:
  window: {kind: days_of_month, first_day: 15, last_day: 19}
  services: [cold_water, hot_water]
requisites:
  recipient: МУП «Елизовский водоканал»
  inn: "2130001016"
  kpp: "213001001"
  bank_name: Чувашское отделение № 8613 ПАО Сбербанк
  bic: "049706609"
  settlement_account: "40702810507500001234"
  correspondent_account: "30101810300000000609"
"""

ACCOUNTS_FILE = "\n".join(
    [
        ACCOUNTS,
        '041/00123,elizovo,Корякова,Корякова Анна Петровна,"г. Елизово, ул. Ленина, д. 7, кв. 3",'
        "individual,0,0,,",
        '041/00124,elizovo,Тюменцев,Тюменцев Олег Ильич,"г. Елизово, ул. Ленина, д. 7, кв. 4",'
        "individual,0,0,,",
        '041/00123,paratunka,Ветрова,Ветрова Зоя Карповна,"пос. Паратунка, ул. Нагорная, д. 2",'
        "individual,1,0,,",
    ]
)
# Meters name accounts of one settlement; «041/00123» is in two, so the file says which.
METERS_FILE = "\n".join(
    [
        f"{METERS},settlement",
        "041/00123,ЕЛ-70001,cold_water,1,5,2031-06-30,120.000,elizovo",
        "041/00123,ЕЛ-70002,hot_water,1,5,2031-06-30,48.000,elizovo",
        "041/00124,ЕЛ-70003,cold_water,1,5,2031-06-30,10.000,elizovo",
        "041/00123,ПР-1,cold_water,1,6,2030-01-31,5.000,paratunka",
    ]
)

# Midnight of 15 November in Kamchatka is still the 14th in UTC (and in Moscow): the window is
# open only because it is counted in the utility's own time zone.
OPEN = datetime(2026, 11, 14, 12, 0, tzinfo=UTC)  # 15 November, 00:00 in Kamchatka
JUST_BEFORE = datetime(2026, 11, 14, 11, 59, tzinfo=UTC)  # 14 November, 23:59 in Kamchatka


def _launch_rules() -> list[dict]:
    return [yaml.safe_load((TENANTS_DIR / f"{slug}.yaml").read_text("utf-8")) for slug in SLUGS]


def _login_mode(mode: dict) -> tuple:
    return (
        mode["identifier"],
        mode.get("settlement", False),
        mode.get("secret", "password"),
        mode.get("captcha", "never"),
        mode.get("remember_me", False),
    )


def test_the_sixth_utility_differs_from_all_five_launch_cities():
    """The made-up utility is a real test of «rules are data»: nothing it needs is a launch
    city's rule the code could have been written around."""
    sixth, launch = yaml.safe_load(ELIZOVO), _launch_rules()
    assert sixth["time_zone"] not in {rules["time_zone"] for rules in launch}
    assert sixth["account_number"] not in [rules["account_number"] for rules in launch]
    assert sixth["account_number"]["prefix"]["separator"] != "-"
    assert sixth["readings"]["window"] not in [rules["readings"]["window"] for rules in launch]
    launch_modes = {_login_mode(mode) for rules in launch for mode in rules["login"]["modes"]}
    assert not {_login_mode(mode) for mode in sixth["login"]["modes"]} & launch_modes
    assert not (TENANTS_DIR / f"{SLUG}.yaml").exists()


def _files_under(*folders: str) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every source and data file under `folders` of the checkout."""
    return {
        str(path.relative_to(ROOT)): (path.stat().st_size, path.stat().st_mtime_ns)
        for folder in folders
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def _import(app, admin, kind: str, content: str) -> str:
    """Upload a billing file at /admin/exchange, run its job to the end; the run's page."""
    page = text(admin.get("/admin/exchange", base_url=base(SLUG)))
    response = admin.post(
        "/admin/exchange/imports",
        base_url=base(SLUG),
        data={
            "csrf_token": csrf_token(page),
            "kind": kind,
            "file": (io.BytesIO(content.encode("utf-8")), f"{kind}.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)
    deliver_queued_jobs(app)  # with Redis: the outbox relay, then a burst of the real RQ worker
    page = text(admin.get(response.headers["Location"], base_url=base(SLUG)))
    assert "не принят" not in page, page
    return page


def _onboard(client) -> None:
    """The operator uploads the utility's YAML file at /platform and invites its admin."""
    make_operator()
    assert operator_sign_in(client).status_code == 302
    page = text(client.get("/platform/tenants/upload", base_url=base(None)))
    response = client.post(
        "/platform/tenants/upload",
        base_url=base(None),
        data={
            "csrf_token": csrf_token(page),
            "document": (io.BytesIO(ELIZOVO.encode("utf-8")), "elizovo.yaml"),
            "admin_name": "Беринг Витус Ионович",
            "admin_email": ADMIN_EMAIL,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == f"/platform/tenants/{SLUG}"
    tenant_page = text(client.get(response.headers["Location"], base_url=base(None)))
    assert "Елизовский водоканал" in tenant_page and ADMIN_EMAIL in tenant_page
    directory = text(client.get("/platform", base_url=base(None)))
    assert f'data-testid="tenant-{SLUG}"' in directory


def _accept_invitation(app, outbox):
    """The first admin opens the mailed link on the new subdomain and chooses a password."""
    (mail,) = [m for m in outbox() if m["To"] == ADMIN_EMAIL]
    body = mail.get_body(("plain",)).get_content()
    link = re.search(rf"http://{SLUG}\.localhost(/admin/invitation/\S+)", body).group(1)
    invited = app.test_client()
    page = text(invited.get(link, base_url=base(SLUG)))
    assert "МУП «Елизовский водоканал»" in page and "Администратор" in page
    accepted = submit(
        invited,
        SLUG,
        link,
        {"login": "bering", "password": ADMIN_PASSWORD, "confirmation": ADMIN_PASSWORD},
    )
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/admin"


def _admin_signs_in(app):
    admin = app.test_client()
    signed = submit(admin, SLUG, "/admin/login", {"login": "bering", "password": ADMIN_PASSWORD})
    assert signed.status_code == 302, text(signed)
    assert "Администратор" in text(admin.get("/admin", base_url=base(SLUG)))
    return admin


def _registers_and_confirms(app, outbox) -> object:
    resident = app.test_client()
    form = text(resident.get("/register", base_url=base(SLUG)))
    assert "пос. Паратунка" in form and "Номер лицевого счёта" in form
    response = fill(
        app,
        resident,
        SLUG,
        "/register",
        {
            "settlement": "elizovo",
            "account_number": "041/123",  # typed short: the number after «/» is zero-padded
            "full_name": "корякова анна петровна",
            "meter_serial": "ел-70002",
            "email": RESIDENT_EMAIL,
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
        },
    )
    assert response.status_code == 302, text(response)
    sent = text(resident.get(response.headers["Location"], base_url=base(SLUG)))
    assert "Проверьте почту" in sent and "6 часов" in sent
    mail = outbox()[-1]
    assert mail["To"] == RESIDENT_EMAIL and "Елизовский водоканал" in mail["Subject"]
    confirmed = resident.get(mailed_link(outbox))
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/cabinet"
    cabinet = text(resident.get("/cabinet", base_url=base(SLUG)))
    assert 'data-testid="current-account">041/00123' in cabinet
    sign_out(resident, SLUG)
    return resident


def _signs_in(app, resident) -> None:
    """The utility's own login form: settlement, number, password, control code, remember me."""
    page = text(resident.get("/login", base_url=base(SLUG)))
    assert "Вход по населённому пункту и лицевому счёту" in page
    assert 'name="settlement"' in page and 'name="captcha_challenge"' in page
    assert "Запомнить меня на этом устройстве" in page
    login = fill(
        app,
        resident,
        SLUG,
        "/login",
        {"settlement": "elizovo", "identifier": "041 00123", "secret": PASSWORD, "remember": "y"},
    )
    assert login.status_code == 302 and login.headers["Location"] == "/cabinet", text(login)


def _meter(tenant, serial: str) -> Meter:
    with tenant_scope(tenant):
        return db.session.scalar(select(Meter).where(Meter.serial == serial))


def test_a_sixth_utility_is_onboarded_configured_and_serves_residents_with_no_code_change(
    app, client, app_context, outbox, monkeypatch
):
    files_before = _files_under("app", "tenants", "config")
    freeze(monkeypatch, JUST_BEFORE)

    # 1. The operator onboards the utility on the platform host from its YAML file.
    _onboard(client)
    tenant = app.extensions["tenant_cache"].directory().by_slug[SLUG]
    assert tenant.time_zone.key == "Asia/Kamchatka"
    assert client.get("/", base_url=base(SLUG)).status_code == 200

    # 2. Its first admin accepts the mailed invitation and signs in on the new subdomain.
    _accept_invitation(app, outbox)
    admin = _admin_signs_in(app)

    # 3. A rule changed in /admin/rules reaches residents on their next request.
    note = "Номер лицевого счёта — в правом верхнем углу квитанции, например 041/00123."
    assert note not in text(app.test_client().get("/login", base_url=base(SLUG)))
    saved = edit(admin, SLUG, "account_number", {"account_number.note": note})
    assert saved.status_code == 303, text(saved)
    assert note in text(app.test_client().get("/login", base_url=base(SLUG)))

    # 4. Accounts and meters arrive through the upload page; the import runs as a job.
    accounts_run = _import(app, admin, "accounts", ACCOUNTS_FILE)
    assert 'data-testid="run-inserted">3<' in accounts_run
    meters_run = _import(app, admin, "meters", METERS_FILE)
    assert 'data-testid="run-inserted">4<' in meters_run
    found = text(admin.get("/admin/accounts?by=surname&q=корякова", base_url=base(SLUG)))
    assert "041/00123" in found and "Корякова Анна Петровна" in found
    with tenant_scope(tenant):
        assert db.session.scalars(select(ImportRun.status)).all() == ["done", "done"]

    # 5. A resident registers on the new subdomain, confirms by mail and signs in.
    resident = _registers_and_confirms(app, outbox)
    [registered] = residents(tenant)
    assert (registered.status, registered.email) == ("active", RESIDENT_EMAIL)
    _signs_in(app, resident)

    # 6. At 23:59 on the 14th, Kamchatka time, the window is still closed…
    closed = text(resident.get("/readings", base_url=base(SLUG)))
    assert "Приём показаний закрыт" in closed
    assert 'data-testid="next-window">с 15 ноября по 19 ноября 2026<' in closed
    # …and a minute later it is open, though UTC and Moscow still have the 14th.
    freeze(monkeypatch, OPEN)
    assert OPEN.date() == date(2026, 11, 14) != OPEN.astimezone(tenant.time_zone).date()
    cold = _meter(tenant, "ЕЛ-70001")
    form = text(resident.get("/readings", base_url=base(SLUG)))
    check = post_sheet(resident, SLUG, form, "check", **{value_field(cold): "127"})
    assert check.status_code == 200 and "будет передано, расход 7 м³" in text(check)
    done = post_sheet(resident, SLUG, text(check), "transmit", "readings-transmit")
    assert done.status_code == 303, text(done)
    assert "Показания переданы" in text(resident.get(done.headers["Location"], base_url=base(SLUG)))
    assert current_values(tenant, cold)[-1] == (NOVEMBER, 1, 127_000, False)

    # Staff see it too, and the log tells the story of the afternoon.
    desk = text(admin.get("/admin/readings", base_url=base(SLUG)))
    assert "041/00123" in desk
    with tenant_scope(tenant):
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.at)).all()
        account = db.session.scalar(
            select(Account).where(
                Account.number == "041/00123", Account.owner_surname == "Корякова"
            )
        )
    assert actions[:3] == ["tenant.create", "staff.invitation_accept", "rules.update"]
    assert account.owner_surname_folded == "корякова"

    # No file of code, configuration or tenant rules was written on the way.
    assert not (TENANTS_DIR / f"{SLUG}.yaml").exists()
    assert _files_under("app", "tenants", "config") == files_before
