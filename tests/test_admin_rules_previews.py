"""Previews of the rules editor — the next 12 reading windows, «try a number», the brand colours —
rendered by the server without saving, and the YAML export that `tenants load` reads back."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.tenancy.models import Tenant
from tests.conftest import SLUGS
from tests.support.web import base, text
from tests.test_admin_rules import audit_entries, edit, sign_in_staff, stored

ROW = re.compile(
    r'<tr data-testid="window-row">\s*<td>([^<]+)</td>\s*'
    r'<td data-testid="window-opens">[^,]+, ([\d.]+)</td>\s*'
    r'<td data-testid="window-last-day">[^,]+, ([\d.]+)</td>'
)


def windows(page: str) -> list[tuple[str, str, str]]:
    return ROW.findall(page)


@pytest.fixture
def november(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 10, 9, 0, tzinfo=UTC))


def test_twelve_working_day_windows_of_moscow_on_the_production_calendar(
    client, app_context, tenants, november
):
    sign_in_staff(client, "moscow", role="viewer", tenants=tenants)
    rows = windows(text(client.get("/admin/rules/readings", base_url=base("moscow"))))
    assert len(rows) == 12
    # The last 2 working days of the month and the first 2 of the next, weekends between included;
    # the New Year holidays push January's first working days to the 11th and 12th.
    assert rows[:3] == [
        ("ноябрь 2026", "27.11.2026", "02.12.2026"),
        ("декабрь 2026", "29.12.2026", "12.01.2027"),
        ("январь 2027", "28.01.2027", "02.02.2027"),
    ]
    assert rows[-1][0] == "октябрь 2027"


def test_twelve_days_of_month_windows_running_into_the_next_month(
    client, app_context, tenants, monkeypatch
):
    # 22 November in Sevastopol: the window of the 20th to the 2nd is open now and comes first.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    sign_in_staff(client, "sevastopol", role="clerk", tenants=tenants)
    rows = windows(text(client.get("/admin/rules/readings", base_url=base("sevastopol"))))
    assert len(rows) == 12
    assert rows[0] == ("ноябрь 2026", "20.11.2026", "02.12.2026")
    assert rows[1] == ("декабрь 2026", "20.12.2026", "02.01.2027")
    assert rows[-1] == ("октябрь 2027", "20.10.2027", "02.11.2027")


def test_previewing_a_new_window_shows_it_and_saves_nothing(client, app_context, tenants, november):
    sign_in_staff(client, "moscow", tenants=tenants)
    before = stored(tenants, "moscow")
    response = edit(
        client,
        "moscow",
        "readings",
        {
            "readings.window.kind": "days_of_month",
            "readings.window.first_day": "15",
            "readings.window.last_day": "25",
        },
        action="preview",
    )
    page = text(response)
    assert response.status_code == 200
    assert "Это предпросмотр: правила ещё не сохранены." in page
    assert windows(page)[0] == ("ноябрь 2026", "15.11.2026", "25.11.2026")
    assert stored(tenants, "moscow") == before
    assert audit_entries(tenants["moscow"]) == []


def test_a_preview_of_invalid_rules_names_the_key(client, app_context, tenants, november):
    sign_in_staff(client, "moscow", tenants=tenants)
    response = edit(
        client,
        "moscow",
        "readings",
        {"readings.window.last_working_days": "0", "readings.window.first_working_days": "0"},
        action="preview",
    )
    assert response.status_code == 422
    assert (
        "readings.window.last_working_days: в периоде должен быть хотя бы один рабочий день"
        in text(response)
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("try_number=01-1234567", "01-1234567"),
        ("try_number=11-7785", "11-0007785"),
        ("try_number=7785&try_private_house=1", "11-0007785"),
    ],
)
def test_try_a_number_against_the_saved_rules(client, app_context, tenants, query, expected):
    sign_in_staff(client, "novosibirsk", role="viewer", tenants=tenants)
    page = text(client.get(f"/admin/rules/account_number?{query}", base_url=base("novosibirsk")))
    assert f'data-testid="try-number-canonical">{expected}<' in page


def test_try_a_wrong_number_quotes_the_example(client, app_context, tenants):
    sign_in_staff(client, "novosibirsk", role="clerk", tenants=tenants)
    page = text(
        client.get("/admin/rules/account_number?try_number=12ab", base_url=base("novosibirsk"))
    )
    result = page[page.index('data-testid="try-number-result"') :]
    assert "не принят" in result and "01-1234567" in result


def test_try_a_number_against_the_rules_being_edited(client, app_context, tenants):
    sign_in_staff(client, "novosibirsk", tenants=tenants)
    before = stored(tenants, "novosibirsk")
    # Without zero-padding, a short private-sector number is no longer accepted.
    response = edit(
        client,
        "novosibirsk",
        "account_number",
        {"account_number.pad": False, "try_number": "11-7785"},
        action="check",
    )
    page = text(response)
    assert response.status_code == 200
    assert "не принят" in page[page.index('data-testid="try-number-result"') :]
    assert "Проверено по правилам из формы" in page
    assert stored(tenants, "novosibirsk") == before


def test_branding_preview_in_the_typed_colours_without_saving(client, app_context, tenants):
    sign_in_staff(client, "moscow", tenants=tenants)
    before = stored(tenants, "moscow")
    live = text(client.get("/admin/rules/branding", base_url=base("moscow")))
    assert 'id="brand-preview-header" style="background: #003f87"' in live
    response = edit(
        client,
        "moscow",
        "branding",
        {"branding.primary_colour": "#123456", "branding.accent_colour": "#abcdef"},
        action="preview",
    )
    page = text(response)
    assert 'id="brand-preview-header" style="background: #123456"' in page
    assert 'style="color: #abcdef"' in page
    assert stored(tenants, "moscow") == before


def export(client, slug) -> str:
    response = client.get("/admin/rules/export", base_url=base(slug))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{slug}.yaml"'
    return text(response)


def load(app, path) -> str:
    result = app.test_cli_runner().invoke(args=["tenants", "load", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("slug", SLUGS)
def test_the_export_loads_back_unchanged(client, app_context, tenants, tmp_path, slug):
    sign_in_staff(client, slug, role="viewer", tenants=tenants)
    path = tmp_path / f"{slug}.yaml"
    path.write_text(export(client, slug), encoding="utf-8")
    assert load(app_context, path).strip() == f"{slug}: unchanged"


def test_an_edited_config_exports_and_loads_back_unchanged(client, app_context, tenants, tmp_path):
    sign_in_staff(client, "moscow", tenants=tenants)
    edit(
        client,
        "moscow",
        "contacts",
        {"contacts.support_hours": "- {days: [sat], opens: 10:00, closes: 14:00}"},
    )
    exported = export(client, "moscow")
    assert "- sat" in exported
    path = tmp_path / "moscow.yaml"
    path.write_text(exported, encoding="utf-8")
    digest = stored(tenants, "moscow")[1]
    assert load(app_context, path).strip() == "moscow: unchanged"
    db.session.expire_all()
    assert db.session.scalar(select(Tenant.config_digest).where(Tenant.slug == "moscow")) == digest
