"""Onboarding a utility through `/platform` (from a template or a YAML file) and the CLI: the new
tenant works at once — its host, settlements, rules — and its invited admin gets in (SPEC §1, §5)."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.auth.models import StaffUser
from app.extensions import db
from app.tenancy.cli import tenants_cli
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement, Tenant
from tests.support.web import base, submit, text
from tests.test_platform_auth import make_operator, operator_sign_in

PASSWORD = "Novyi-admin-parol-7"

# A made-up sixth utility: its own account format (prefix), login mode, window and time zone.
KALININGRAD = """\
slug: kaliningrad
name: МУП «Калининградский водоканал»
short_name: Калининградский водоканал
city: Калининград
time_zone: Europe/Kaliningrad
domains: [lk.vodokanal-39.example]
branding: {primary_colour: "#204060", accent_colour: "#40a0c0"}
contacts:
  phones: [{number: "+7 4012 57-27-27", label: диспетчерская}]
settlements:
  - {code: kaliningrad, name: г. Калининград}
  - {code: svetly, name: г. Светлый}
account_number:
  length: 6
  prefix: {length: 2, separator: "-"}
  example: "39-123456"
login:
  modes:
    - {key: login, label: По логину и паролю, identifier: login, secret: password}
registration:
  forms: []
services:
  - {code: cold_water, name: Холодное водоснабжение}
readings:
  window: {kind: days_of_month, first_day: 10, last_day: 18}
  services: [cold_water]
requisites:
  recipient: МУП «Калининградский водоканал»
  inn: "2130001016"
  kpp: "213001001"
  bank_name: Чувашское отделение № 8613 ПАО Сбербанк
  bic: "049706609"
  settlement_account: "40702810507500001234"
  correspondent_account: "30101810300000000609"
"""

TEMPLATE_FORM = {
    "template": "cheboksary",
    "slug": "tver",
    "name": "МУП «Тверской водоканал»",
    "short_name": "Тверской водоканал",
    "city": "Тверь",
    "time_zone": "Europe/Moscow",
    "domains": "lk.tver-voda.example\n",
    "phone": "+7 4822 77-77-77",
    "settlements": "tver г. Тверь\nkonakovo г. Конаково",
    "primary_colour": "#123456",
    "accent_colour": "#654321",
    "logo_url": "",
    "recipient": "МУП «Тверской водоканал»",
    "inn": "2130001016",
    "kpp": "213001001",
    "bank_name": "Чувашское отделение № 8613 ПАО Сбербанк",
    "bic": "049706609",
    "settlement_account": "40702810507500001234",
    "correspondent_account": "30101810300000000609",
    "admin_name": "Смирнова Ольга Петровна",
    "admin_email": "smirnova@tver-voda.example",
}


@pytest.fixture
def operator(client, app_context):
    make_operator()
    assert operator_sign_in(client).status_code == 302


def upload(client, document: str, **extra):
    page = text(client.get("/platform/tenants/upload", base_url=base(None)))
    from tests.support.web import csrf_token

    data = {
        "csrf_token": csrf_token(page),
        "document": (io.BytesIO(document.encode()), "tenant.yaml"),
        "admin_name": "Балтийская Ирина",
        "admin_email": "admin@vodokanal-39.example",
        **extra,
    }
    return client.post(
        "/platform/tenants/upload",
        base_url=base(None),
        data=data,
        content_type="multipart/form-data",
    )


def accept_invitation(app, client, outbox, slug: str, login: str):
    """Open the link of the last invitation mail, choose a login and a password."""
    mail = outbox()[-1]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(rf"http://{slug}\.localhost(/admin/invitation/\S+)", body).group(1)
    page = client.get(link, base_url=base(slug))
    assert page.status_code == 200
    return submit(
        client, slug, link, {"login": login, "password": PASSWORD, "confirmation": PASSWORD}
    )


def tenant_row(slug: str) -> Tenant | None:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def audit_actions(app, slug: str) -> list[str]:
    tenant = app.extensions["tenant_cache"].directory().by_slug[slug]
    with tenant_scope(tenant):
        return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.at))]


def test_a_utility_onboarded_from_yaml_works_at_once(app, client, operator, outbox):
    response = upload(client, KALININGRAD)
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/platform/tenants/kaliningrad"
    page = text(client.get("/platform/tenants/kaliningrad", base_url=base(None)))
    assert "admin@vodokanal-39.example" in page  # the open invitation

    # Its hosts resolve, with its own rules, name and settlements.
    home = client.get("/", base_url=base("kaliningrad"))
    assert home.status_code == 200 and "Калининградский водоканал" in text(home)
    custom = client.get("/", base_url="http://lk.vodokanal-39.example")
    assert custom.status_code == 200
    login_page = text(client.get("/login", base_url=base("kaliningrad")))
    assert "По логину и паролю" in login_page
    tenant = app.extensions["tenant_cache"].directory().by_slug["kaliningrad"]
    assert tenant.time_zone.key == "Europe/Kaliningrad"
    assert tenant.account_numbers.normalise("39123456") == "39-123456"
    with tenant_scope(tenant):
        assert {s.code for s in db.session.scalars(select(Settlement))} == {"kaliningrad", "svetly"}

    # The invited admin accepts from the mail, sets a password and works in /admin.
    mail = outbox()[-1]
    assert mail["To"] == "admin@vodokanal-39.example"
    accepted = accept_invitation(app, client, outbox, "kaliningrad", "irina")
    assert accepted.headers["Location"] == "/admin"
    assert client.get("/admin", base_url=base("kaliningrad")).status_code == 200
    fresh = app.test_client()
    signed = submit(fresh, "kaliningrad", "/admin/login", {"login": "irina", "password": PASSWORD})
    assert signed.status_code == 302
    assert "Администратор" in text(fresh.get("/admin", base_url=base("kaliningrad")))
    assert audit_actions(app, "kaliningrad") == [
        "tenant.create",
        "staff.invitation_accept",
    ]


def test_a_utility_onboarded_from_a_template_keeps_the_rules_and_gets_its_identity(
    app, client, operator, outbox
):
    response = submit(client, None, "/platform/tenants/new", TEMPLATE_FORM)
    assert response.status_code == 302, text(response)
    tver = app.extensions["tenant_cache"].directory().by_slug["tver"]
    source = app.extensions["tenant_cache"].directory().by_slug["cheboksary"]
    assert tver.config.login.modes == source.config.login.modes
    assert tver.config.readings.window == source.config.readings.window
    assert tver.config.branding.primary_colour == "#123456"
    assert tver.config.requisites.recipient == "МУП «Тверской водоканал»"
    assert [p.number for p in tver.config.contacts.phones] == ["+74822777777"]
    assert tver.domains == ("lk.tver-voda.example",)
    assert client.get("/", base_url="http://lk.tver-voda.example").status_code == 200
    accept_invitation(app, client, outbox, "tver", "smirnova")
    assert client.get("/admin", base_url=base("tver")).status_code == 200
    with tenant_scope(tver):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "tenant.create"))
        assert entry.actor_kind == "operator" and entry.actor_label == "operator"
        assert entry.details["origin"] == "template:cheboksary"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"slug": "Tver!"}, "slug", "латинские буквы, цифры и дефис"),
        ({"slug": "moscow"}, "slug", "водоканал с адресом moscow уже есть"),
        ({"slug": "www"}, "slug", "зарезервирован"),
        ({"domains": "not a host"}, "domains", "«not a host» — не доменное имя"),
        ({"domains": "tver.localhost"}, "domains", "входит в домен платформы"),
        ({"inn": "1234567890"}, "inn", "не сходится контрольное число ИНН"),
        ({"time_zone": "Europe/Tver"}, "time_zone", "неизвестный часовой пояс 'Europe/Tver'"),
        ({"settlements": "tver"}, "settlements", "нужны код и название"),
    ],
)
def test_bad_template_input_is_named_at_its_field_and_nothing_is_created(
    client, operator, outbox, change, field, message
):
    response = submit(client, None, "/platform/tenants/new", {**TEMPLATE_FORM, **change})
    assert response.status_code == 200
    page = text(response)
    error = re.search(rf'id="{field}-error">(.*?)</p>', page, re.DOTALL)
    assert error, page
    assert message in html.unescape(error.group(1))  # as the operator reads it
    assert tenant_row("tver") is None
    assert outbox() == []


def test_schema_errors_speak_the_operators_language(client, operator):
    bad = {**TEMPLATE_FORM, "inn": "1234567890", "time_zone": "Europe/Tver"}
    russian = text(submit(client, None, "/platform/tenants/new", bad))
    assert "не сходится контрольное число ИНН" in russian
    assert "INN checksum" not in russian and "IANA" not in russian
    client.set_cookie("lang", "en", domain="localhost")
    english = text(submit(client, None, "/platform/tenants/new", bad))
    assert "the INN check digit does not match" in english


def test_a_domain_of_another_utility_is_refused(client, operator, outbox):
    assert upload(client, KALININGRAD).status_code == 302
    response = submit(
        client,
        None,
        "/platform/tenants/new",
        {**TEMPLATE_FORM, "domains": "LK.vodokanal-39.example"},
    )
    error = re.search(r'id="domains-error">(.*?)</p>', text(response), re.DOTALL)
    assert "lk.vodokanal-39.example уже занят водоканалом kaliningrad" in error.group(1)
    assert tenant_row("tver") is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("slug: [unclosed", "это не YAML"),
        (
            KALININGRAD.replace('example: "39-123456"', 'example: "123"'),
            "account_number.example: номер не подходит к формату",
        ),
        (
            KALININGRAD.replace("time_zone: Europe/Kaliningrad", "time_zon: X"),
            "time_zon: неизвестный ключ (возможно, time_zone?)",
        ),
        (KALININGRAD.replace("slug: kaliningrad", "slug: angarsk"), "slug"),
    ],
)
def test_a_bad_yaml_file_is_refused_naming_the_key_and_nothing_is_created(
    client, operator, outbox, document, message
):
    response = upload(client, document)
    assert response.status_code == 200
    error = re.search(r'id="document-error">(.*?)</p>', text(response), re.DOTALL)
    assert error and message in html.unescape(error.group(1)), text(response)
    assert tenant_row("kaliningrad") is None
    assert outbox() == []


def test_a_bad_admin_email_is_named_and_nothing_is_created(client, operator):
    response = upload(client, KALININGRAD, admin_email="not-an-address")
    assert 'id="admin_email-error"' in text(response)
    assert tenant_row("kaliningrad") is None


def test_suspend_shows_residents_the_503_page_and_resume_brings_them_back(app, client, operator):
    assert client.get("/", base_url=base("angarsk")).status_code == 200
    suspended = submit(
        client, None, "/platform/tenants/angarsk/suspend", {},
        form_page="/platform/tenants/angarsk",
    )  # fmt: skip
    assert suspended.status_code == 302
    page = client.get("/", base_url=base("angarsk"))
    assert page.status_code == 503
    tenant = app.extensions["tenant_cache"].directory().by_slug["angarsk"]
    phone = tenant.config.contacts.phones[0].number
    assert f'href="tel:{phone}" data-testid="suspended-phone"' in text(page)
    submit(
        client, None, "/platform/tenants/angarsk/resume", {},
        form_page="/platform/tenants/angarsk",
    )  # fmt: skip
    assert client.get("/", base_url=base("angarsk")).status_code == 200
    assert audit_actions(app, "angarsk")[-2:] == ["tenant.suspend", "tenant.resume"]


def test_tenants_create_from_a_template_on_the_command_line(app, app_context, outbox):
    result = app.test_cli_runner().invoke(
        tenants_cli,
        [
            "create", "pskov", "--from", "cheboksary", "--name", "МУП «Псковводоканал»",
            "--city", "Псков", "--domain", "lk.pskov-voda.example", "--time-zone",
            "Europe/Moscow", "--settlement", "pskov=г. Псков", "--admin-email",
            "chief@pskov-voda.example", "--admin-name", "Иванов Иван",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "pskov: created; hosts: pskov.localhost, lk.pskov-voda.example" in result.output
    assert "requisites copied from cheboksary" in result.output
    [mail] = outbox()
    assert mail["To"] == "chief@pskov-voda.example"
    assert "http://pskov.localhost/admin/invitation/" in mail.get_body(("plain",)).get_content()
    client = app.test_client()
    assert client.get("/", base_url=base("pskov")).status_code == 200
    assert audit_actions(app, "pskov") == ["tenant.create"]


def test_tenants_create_refuses_bad_input_and_creates_nothing(app, app_context, outbox):
    runner = app.test_cli_runner()
    taken = runner.invoke(
        tenants_cli,
        [
            "create",
            "moscow",
            "--from",
            "cheboksary",
            "--name",
            "Водоканал",
            "--admin-email",
            "a@b.ru",
        ],
    )
    assert taken.exit_code == 1 and "уже есть" in taken.output
    unknown = runner.invoke(
        tenants_cli,
        ["create", "pskov", "--from", "atlantis", "--name", "Водоканал", "--admin-email", "a@b.ru"],
    )
    assert unknown.exit_code == 1 and "no tenant 'atlantis'" in unknown.output
    assert tenant_row("pskov") is None
    assert outbox() == []


def test_tenants_create_from_a_yaml_file(app, app_context, tmp_path, outbox):
    path = tmp_path / "kaliningrad.yaml"
    path.write_text(KALININGRAD, encoding="utf-8")
    result = app.test_cli_runner().invoke(
        tenants_cli,
        ["create", "kaliningrad", "--file", str(path), "--admin-email", "a@vodokanal-39.example"],
    )
    assert result.exit_code == 0, result.output
    assert "requisites copied" not in result.output
    tenant = app.extensions["tenant_cache"].directory().by_slug["kaliningrad"]
    with tenant_scope(tenant):
        assert db.session.scalar(select(StaffUser.id)) is None  # until the invitation is accepted
