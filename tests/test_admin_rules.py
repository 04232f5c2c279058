"""The rules editor (`/admin/rules/<section>`): every section saves through the schema of
tenants/*.yaml, bad values are refused at the field with nothing stored, every change is audited,
and residents see it on their next request."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.admin.rules.sections import SECTIONS
from app.admin.rules.widgets import walk
from app.audit import AuditEntry
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement, Tenant
from tests.support.factories import DEMO_PASSWORD, make_account, make_staff
from tests.support.readings import freeze, sign_in
from tests.support.web import base, submit, text


class _RulesForm(HTMLParser):
    """What a browser sends for the editing form of a rules page: ticked boxes, selected options,
    textareas, hidden fields (buttons left out)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._inside = "rules-form" in a.get("class", "")
        if not self._inside or not a.get("name"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
            else:
                self._add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = a["name"]
            self._add(a["name"], "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


class _Options(HTMLParser):
    def __init__(self, form):
        super().__init__()
        self.form, self._select = form, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.form.data.setdefault(self._select, []).append(a.get("value") or "")


def rules_form(page: str) -> dict[str, list[str]]:
    form = _RulesForm()
    form.feed(page)
    _Options(form).feed(page[page.index('class="form rules-form"') :].split("</form>")[0])
    return form.data


def sign_in_staff(client, slug, login="boss", role="admin", tenants=None):
    make_staff(tenants[slug], login=login, role=role)
    response = submit(client, slug, "/admin/login", {"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def edit(client, slug, section, changes: dict, action="save"):
    """Open the section page, change fields as a person would (None: untick / empty), post."""
    page = text(client.get(f"/admin/rules/{section}", base_url=base(slug)))
    data = rules_form(page)
    for name, value in changes.items():
        if value is None or value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = ["1"]
        else:
            data[name] = value if isinstance(value, list) else [value]
    data["action"] = [action]
    return client.post(f"/admin/rules/{section}", base_url=base(slug), data=data)


def stored(tenants, slug) -> tuple[dict, str]:
    db.session.expire_all()
    row = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    return row.config, row.config_digest


def audit_entries(tenant):
    with tenant_scope(tenant):
        db.session.expire_all()
        return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.target)))


HAPPY_PATHS = [
    ("general", {"short_name": "Мосводоканал-2"}, ("short_name",), "Мосводоканал-2"),
    ("branding", {"branding.primary_colour": "#112233"}, ("branding", "primary_colour"), "#112233"),
    ("contacts", {"contacts.email": "info@example.ru"}, ("contacts", "email"), "info@example.ru"),
    (
        "contacts",
        {"contacts.support_hours": "- {days: [mon, tue], opens: 09:00, closes: 18:00}\n"},
        ("contacts", "support_hours"),
        [{"days": ["mon", "tue"], "opens": "09:00", "closes": "18:00", "breaks": []}],
    ),
    (
        "settlements",
        {
            "settlements": "- {code: moscow, name: г. Москва}\n- {code: zelenograd, name: Зеленоград}"
        },
        ("settlements", 1, "code"),
        "zelenograd",
    ),
    ("account_number", {"account_number.pad": True}, ("account_number", "pad"), True),
    (
        "login",
        {"login.failure_limit_per_account": "3 per 15 minutes"},
        ("login", "failure_limit_per_account"),
        "3 per 15 minutes",
    ),
    (
        "registration",
        {"registration.confirmation_ttl_hours": "72"},
        ("registration", "confirmation_ttl_hours"),
        72,
    ),
    (
        "account_lookup",
        {"account_lookup:on": True, "account_lookup.fields": ["full_name", "email"]},
        ("account_lookup", "fields"),
        ["full_name", "email"],
    ),
    ("recovery", {"recovery.link_ttl_hours": "2"}, ("recovery", "link_ttl_hours"), 2),
    (
        "services",
        {"services": "- {code: cold_water, name: Холодная вода}\n- {code: hot_water, name: ГВС}"},
        ("services", 1, "name"),
        "ГВС",
    ),
    ("readings", {"readings.decimals": "3"}, ("readings", "decimals"), 3),
    (
        "payments",
        {"payments.statement_payers": ["legal"]},
        ("payments", "statement_payers"),
        ["legal"],
    ),
    ("requisites", {"requisites.bank_name": "ПАО Банк"}, ("requisites", "bank_name"), "ПАО Банк"),
    ("features", {"features.tariffs:on": True}, ("features", "tariffs"), {}),
    ("features", {"features.feedback:on": False}, ("features", "feedback"), None),
]


@pytest.mark.parametrize(("section", "changes", "where", "expected"), HAPPY_PATHS)
def test_each_section_saves_a_valid_edit_and_audits_it(
    client, app_context, tenants, section, changes, where, expected
):
    sign_in_staff(client, "moscow", tenants=tenants)
    response = edit(client, "moscow", section, changes)
    assert response.status_code == 303, text(response)
    assert response.headers["Location"] == f"/admin/rules/{section}"
    config, _digest = stored(tenants, "moscow")
    value = config
    for part in where:
        value = value[part]
    assert value == expected
    entries = audit_entries(tenants["moscow"])
    assert entries and all(entry.action == "rules.update" for entry in entries)
    assert all(entry.actor_label == "boss" for entry in entries)
    page = text(client.get(f"/admin/rules/{section}", base_url=base("moscow")))
    assert "Сохранено" in page


def test_a_new_settlement_is_created_for_imports(client, app_context, tenants):
    sign_in_staff(client, "moscow", tenants=tenants)
    edit(client, "moscow", "settlements", {"settlements": HAPPY_PATHS[4][1]["settlements"]})
    with tenant_scope(tenants["moscow"]):
        codes = set(db.session.scalars(select(Settlement.code).where(Settlement.active)))
    assert codes == {"moscow", "zelenograd"}


def test_saving_unchanged_values_stores_and_audits_nothing(client, app_context, tenants):
    sign_in_staff(client, "moscow", tenants=tenants)
    _config, digest = stored(tenants, "moscow")
    response = edit(client, "moscow", "readings", {})
    assert response.status_code == 303
    assert stored(tenants, "moscow")[1] == digest
    assert audit_entries(tenants["moscow"]) == []
    assert "Изменений нет" in text(client.get("/admin/rules/readings", base_url=base("moscow")))


INVALID = [
    (
        "readings",
        {"readings.window.kind": "days_of_month", "readings.window.first_day": "20"},
        "readings.window.last_day: обязательно для вида периода days_of_month",
    ),
    (
        "readings",
        {"readings.window.first_day": "x", "readings.window.kind": "days_of_month"},
        "readings.window.first_day: нужно целое число",
    ),
    ("requisites", {"requisites.inn": "7701004014"}, "requisites.inn: не сходится контрольное"),
    ("branding", {"branding.primary_colour": "blue"}, "branding.primary_colour: неверный формат"),
    ("general", {"time_zone": "Mars/Olympus"}, "time_zone: неизвестный часовой пояс"),
    (
        "login",
        {"login.modes": "- key: login\n  label: [unclosed"},
        "login.modes: не удаётся разобрать YAML",
    ),
    (
        "login",
        {"login.modes": "- {key: login, label: Вход, identifier: login, captcha: sometimes}"},
        "login.modes[0].captcha: допустимые значения: never, always, after_failures",
    ),
    (
        "account_number",
        {"account_number.example": "12345"},
        "account_number.example: номер не подходит к формату",
    ),
    (
        "payments",
        {"payments.due_day": "20"},
        "payments.due_day: с 1 марта 2026 года срок оплаты по закону — 15-е число",
    ),
    (
        "contacts",
        {"contacts.support_hours": "- {days: [mon], opens: 18:00, closes: 09:00}"},
        "contacts.support_hours[0].closes: должно быть позже времени открытия",
    ),
]


@pytest.mark.parametrize(("section", "changes", "message"), INVALID)
def test_an_invalid_edit_names_the_key_and_stores_nothing(
    client, app_context, tenants, section, changes, message
):
    sign_in_staff(client, "moscow", tenants=tenants)
    before = stored(tenants, "moscow")
    response = edit(client, "moscow", section, changes)
    page = text(response)
    assert response.status_code == 422
    assert message in page
    assert "Правила не сохранены" in page
    assert 'aria-invalid="true"' in page
    assert stored(tenants, "moscow") == before
    assert audit_entries(tenants["moscow"]) == []


def test_an_error_in_another_section_is_named_on_top(client, app_context, tenants):
    # Sevastopol signs in by account number without a settlement: a second settlement would make
    # numbers ambiguous, and the login section is where that must be fixed.
    sign_in_staff(client, "sevastopol", tenants=tenants)
    before = stored(tenants, "sevastopol")
    response = edit(
        client,
        "sevastopol",
        "settlements",
        {
            "settlements": "- {code: sevastopol, name: Севастополь}\n- {code: inkerman, name: Инкерман}"
        },
    )
    assert response.status_code == 422
    assert "login: способ входа «account»: при нескольких населённых пунктах" in text(response)
    assert stored(tenants, "sevastopol") == before


def test_rule_changes_are_audited_per_key_with_old_and_new(client, app_context, tenants):
    sign_in_staff(client, "moscow", tenants=tenants)
    edit(
        client,
        "moscow",
        "readings",
        {
            "readings.window.kind": "days_of_month",
            "readings.window.first_day": "15",
            "readings.window.last_day": "25",
            "readings.window.last_working_days": "",
            "readings.window.first_working_days": "",
        },
    )
    changes = {
        e.target: (e.details["old"], e.details["new"]) for e in audit_entries(tenants["moscow"])
    }
    assert changes == {
        "readings.window.kind": ("working_days", "days_of_month"),
        "readings.window.first_day": (None, 15),
        "readings.window.last_day": (None, 25),
        "readings.window.last_working_days": (2, None),
        "readings.window.first_working_days": (2, None),
    }
    page = text(client.get("/admin/audit?action=rules.update", base_url=base("moscow")))
    assert page.count('data-testid="audit-entry"') == 5
    assert "readings.window.kind" in page and "working_days</span> → " in page
    assert "Сотрудник: boss" in page


def test_a_list_item_change_is_audited_at_its_path(client, app_context, tenants):
    sign_in_staff(client, "moscow", tenants=tenants)
    page = text(client.get("/admin/rules/login", base_url=base("moscow")))
    modes = rules_form(page)["login.modes"][0].replace("captcha: never", "captcha: always")
    edit(client, "moscow", "login", {"login.modes": modes})
    (entry,) = audit_entries(tenants["moscow"])
    assert (entry.target, entry.details) == (
        "login.modes[0].captcha",
        {"old": "never", "new": "always"},
    )


def test_residents_see_a_change_on_their_next_request(client, app_context, tenants):
    home = text(client.get("/", base_url=base("moscow")))
    assert 'data-testid="utility-name">Мосводоканал<' in home
    sign_in_staff(client, "moscow", tenants=tenants)
    edit(client, "moscow", "general", {"short_name": "Водоканал Москвы"})
    edit(client, "moscow", "contacts", {"contacts.email": "help@example.ru"})
    home = text(client.get("/", base_url=base("moscow")))
    assert 'data-testid="utility-name">Водоканал Москвы<' in home
    assert "help@example.ru" in home


def test_a_new_reading_window_applies_on_the_next_request(
    app, client, app_context, tenants, monkeypatch
):
    # Thursday 26 November 2026, 10:00 in Moscow: the last 2 working days start tomorrow, the
    # last 3 today (working days are kept per process: the rule must still count at once).
    freeze(monkeypatch, datetime(2026, 11, 26, 7, tzinfo=UTC))
    moscow, resident = tenants["moscow"], app.test_client()
    sign_in(app, resident, moscow, make_account(moscow, meters=1))
    assert "Приём показаний закрыт" in text(resident.get("/readings", base_url=base("moscow")))
    sign_in_staff(client, "moscow", tenants=tenants)
    edit(client, "moscow", "readings", {"readings.window.last_working_days": "3"})
    page = text(resident.get("/readings", base_url=base("moscow")))
    assert "Приём показаний закрыт" not in page and 'name="idempotency_key"' in page


def test_a_refused_edit_changes_nothing_for_residents(client, app_context, tenants):
    sign_in_staff(client, "moscow", tenants=tenants)
    edit(client, "moscow", "general", {"short_name": "Водоканал Москвы", "time_zone": "Nowhere/At"})
    assert 'data-testid="utility-name">Мосводоканал<' in text(
        client.get("/", base_url=base("moscow"))
    )


def test_a_section_changed_meanwhile_is_not_overwritten(client, app_context, tenants):
    sign_in_staff(client, "moscow", tenants=tenants)
    page = text(client.get("/admin/rules/contacts", base_url=base("moscow")))
    stale = rules_form(page)
    edit(client, "moscow", "contacts", {"contacts.email": "first@example.ru"})
    stale["contacts.address"] = ["Москва, ул. Вторая, 2"]
    stale["action"] = ["save"]
    response = client.post("/admin/rules/contacts", base_url=base("moscow"), data=stale)
    assert response.status_code == 409
    assert "только что изменил другой сотрудник" in text(response)
    config, _digest = stored(tenants, "moscow")
    assert config["contacts"]["email"] == "first@example.ru"
    assert config["contacts"]["address"] != "Москва, ул. Вторая, 2"


def test_every_key_the_editor_shows_has_a_russian_name():
    from app.admin.rules.labels import KEY_LABELS

    paths = {widget.path for section in SECTIONS.values() for widget in walk(section.roots)}
    assert paths - set(KEY_LABELS) == set()
