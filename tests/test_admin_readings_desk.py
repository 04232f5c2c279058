"""The readings desk (`/admin/readings`): the window's submissions with filters (flagged jumps,
channel), the metered accounts that have not submitted, and the share that has."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from app.readings.services import Author, record_submission
from app.readings.validation import OK, RowCheck
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account, make_reading
from tests.support.web import base, text
from tests.test_office_readings import staff_client

# Cheboksary takes readings from the 20th to the 25th: November's window is open.
WINDOW_OPEN = datetime(2026, 11, 22, 9, tzinfo=UTC)
NOVEMBER, OCTOBER = date(2026, 11, 1), date(2026, 10, 1)


def submit_reading(tenant, account, value_milli, *, channel="web", flagged=False, period=NOVEMBER):
    kind = {"web": "resident", "office": "staff"}.get(channel, "system")
    with tenant_scope(tenant):
        meter = account.meters[0]
        row = RowCheck(
            meter, 1, OK, value_milli=value_milli, consumption_milli=4_000, flagged=flagged
        )
        submission, _created = record_submission(
            account,
            period,
            [row],
            idempotency_key=uuid.uuid4().hex,
            author=Author(kind, None, "Иванов И. И.", channel),
        )
        return submission


@pytest.fixture
def window(monkeypatch, tenants):
    """Five metered accounts of Cheboksary: one submitted on the web, one at the office with a
    confirmed jump, one only for October, two not at all; plus one without meters and one closed
    before November, neither of which counts."""
    monkeypatch.setattr("app.clock.now", lambda: WINDOW_OPEN)
    tenant = tenants["cheboksary"]
    names = ("Веб", "Офис", "Октябрь", "Пусто-1", "Пусто-2")
    accounts = {
        name: make_account(tenant, owner_full_name=f"{name} Абонент", number=f"10000010{i}")
        for i, name in enumerate(names)
    }
    make_account(tenant, meters=0, owner_full_name="Без приборов", number="100000200")
    make_account(
        tenant, owner_full_name="Закрытый", number="100000201", closed_on=date(2026, 10, 15)
    )
    submit_reading(tenant, accounts["Веб"], 12_000)
    submit_reading(tenant, accounts["Офис"], 95_000, channel="office", flagged=True)
    make_reading(tenant, accounts["Октябрь"].meters[0], OCTOBER, 10_000)
    return tenant, accounts


def desk(client, query=""):
    response = client.get(f"/admin/readings{query}", base_url=base("cheboksary"))
    assert response.status_code == 200
    return text(response)


def test_the_desk_shows_the_windows_progress(app, window):
    tenant, _accounts = window
    client, _ = staff_client(app, tenant, "viewer")
    page = desk(client)
    assert "Приём показаний за ноябрь 2026" in page
    assert "40% — 2 из 5 лицевых счетов с приборами учёта" in page
    assert "Ещё не передали (3)" in page


def test_the_desk_lists_the_windows_submissions_newest_first(app, window):
    tenant, _accounts = window
    client, _ = staff_client(app, tenant, "clerk")
    page = desk(client)
    assert page.count('data-testid="submission-row"') == 2
    assert page.index("Офис Абонент") < page.index("Веб Абонент")
    assert "Октябрь Абонент" not in page  # October's reading is another period
    assert "в офисе водоканала" in page and "в личном кабинете" in page


def test_the_flagged_filter_shows_only_confirmed_jumps(app, window):
    tenant, _accounts = window
    client, _ = staff_client(app, tenant, "clerk")
    page = desk(client, "?show=flagged")
    assert page.count('data-testid="submission-row"') == 1
    assert "Офис Абонент" in page and "Веб Абонент" not in page
    assert "скачок подтверждён абонентом" in page


def test_the_channel_filter(app, window):
    tenant, _accounts = window
    client, _ = staff_client(app, tenant, "clerk")
    web = desk(client, "?channel=web")
    assert "Веб Абонент" in web and "Офис Абонент" not in web
    office = desk(client, "?show=flagged&channel=web")
    assert 'data-testid="submission-row"' not in office
    unknown = desk(client, "?channel=pigeon")  # an unknown channel is no filter at all
    assert unknown.count('data-testid="submission-row"') == 2


def test_the_missing_filter_lists_metered_accounts_without_a_submission(app, window):
    tenant, accounts = window
    client, _ = staff_client(app, tenant, "clerk")
    page = desk(client, "?show=missing")
    assert page.count('data-testid="missing-row"') == 3
    for name in ("Октябрь", "Пусто-1", "Пусто-2"):
        assert f"{name} Абонент" in page
    for name in ("Веб Абонент", "Офис Абонент", "Без приборов", "Закрытый"):
        assert name not in page
    link = f'href="/admin/accounts/{accounts["Пусто-1"].id}/readings"'
    assert link in page and "Внести показания" in page


def test_an_office_entry_moves_the_account_off_the_missing_list(app, window):
    from tests.test_office_readings import enter

    tenant, accounts = window
    client, _ = staff_client(app, tenant, "clerk")
    meter = accounts["Пусто-1"].meters[0]
    response = enter(client, "cheboksary", accounts["Пусто-1"], {f"value-{meter.id}.1": "7"})
    assert response.status_code == 303
    assert "60% — 3 из 5" in desk(client)
    assert "Пусто-1 Абонент" not in desk(client, "?show=missing")


def test_lists_come_a_page_at_a_time(app, monkeypatch, tenants):
    monkeypatch.setattr("app.clock.now", lambda: WINDOW_OPEN)
    monkeypatch.setattr("app.admin.readings_desk.PER_PAGE", 2)
    tenant = tenants["cheboksary"]
    for index in range(3):
        make_account(tenant, owner_full_name=f"Абонент {index}")
    client, _ = staff_client(app, tenant, "viewer")
    first = desk(client, "?show=missing")
    assert first.count('data-testid="missing-row"') == 2 and "Страница 1 из 2" in first
    assert 'href="/admin/readings?page=2&amp;show=missing"' in first
    assert desk(client, "?show=missing&page=2").count('data-testid="missing-row"') == 1
    # A viewer is offered the sheet to look at, not to fill in.
    assert "Внести показания" not in first and "Лист показаний" in first


def test_another_tenants_readings_are_not_counted(app, window, tenants):
    _tenant, _accounts = window
    client, _ = staff_client(app, tenants["sevastopol"], "admin")
    page = text(client.get("/admin/readings", base_url=base("sevastopol")))
    assert "Веб Абонент" not in page and "Офис Абонент" not in page
    assert "0 из 0" in page
