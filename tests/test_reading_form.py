"""The reading form of every city (SPEC §2 «who may submit», §3): the sheet with previous values,
zones, contracts and dictionaries; the blocks with their reasons; the menu item and the cabinet's
banner driven by the same window."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import count_queries
from tests.support.factories import make_account, make_reading
from tests.support.readings import (
    CLOSED,
    NOVEMBER,
    OCTOBER,
    OPEN,
    add_contract,
    add_meter,
    freeze,
    sign_in,
    value_field,
)
from tests.support.web import base, text

SUBMIT_ITEM = '<a href="/readings"'


def page(client, slug: str, path: str = "/readings"):
    return client.get(path, base_url=base(slug))


@pytest.mark.parametrize("slug", ["cheboksary", "sevastopol", "angarsk", "novosibirsk"])
def test_each_city_shows_its_sheet_in_an_open_window(
    app, client, app_context, tenants, monkeypatch, slug
):
    tenant = tenants[slug]
    freeze(monkeypatch, OPEN[slug])
    account = make_account(tenant, meters=1)
    cold = account.meters[0]
    hot = add_meter(tenant, account, "HOT-7", service="hot_water", initial_value_milli=42_000)
    make_reading(tenant, cold, OCTOBER, 100_000)
    sign_in(app, client, tenant, account)
    response = page(client, slug)
    body = text(response)
    assert response.status_code == 200
    assert f"№ {cold.serial}" in body and "№ HOT-7" in body
    assert "Холодное водоснабжение" in body and "Горячее водоснабжение" in body
    assert "за октябрь 2026" in body and "на начало" in body  # previous period / initial value
    assert f'name="{value_field(cold)}"' in body and f'name="{value_field(hot)}"' in body
    assert 'inputmode="numeric"' in body
    assert "ноябрь 2026" in body
    assert 'name="idempotency_key"' in body
    assert "Вид расчёта" not in body and "calc-" not in body  # no dictionaries outside Moscow


def test_novosibirsk_explains_who_bills_hot_water(app, client, app_context, tenants, monkeypatch):
    tenant = tenants["novosibirsk"]
    freeze(monkeypatch, OPEN["novosibirsk"])
    account = make_account(tenant, meters=1)
    add_meter(tenant, account, "HOT-1", service="hot_water")
    sign_in(app, client, tenant, account)
    assert "для расчёта водоотведения" in text(page(client, "novosibirsk"))


def test_two_rate_meter_has_a_row_per_zone(app, client, app_context, tenants, monkeypatch):
    tenant = tenants["sevastopol"]
    freeze(monkeypatch, OPEN["sevastopol"])
    account = make_account(tenant, meters=0)
    meter = add_meter(tenant, account, "DUO-1", zones=2)
    sign_in(app, client, tenant, account)
    body = text(page(client, "sevastopol"))
    assert "T1 (день)" in body and "T2 (ночь)" in body
    assert f'name="{value_field(meter, 1)}"' in body and f'name="{value_field(meter, 2)}"' in body


def test_each_form_rendering_gets_a_fresh_idempotency_key(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    sign_in(app, client, tenant, make_account(tenant, meters=1))
    first, second = text(page(client, "cheboksary")), text(page(client, "cheboksary"))
    key = 'name="idempotency_key" value="'
    assert first.split(key)[1][:32] != second.split(key)[1][:32]


def moscow_account(tenants, contracts: int):
    tenant = tenants["moscow"]
    account = make_account(tenant, meters=0)
    made = []
    for index in range(contracts):
        meter = add_meter(tenant, account, f"MSK-{index + 1}", zones=2 if index == 0 else 1)
        made.append(
            add_contract(tenant, account, f"77-{index + 1:03d}", date(2019 + index, 3, 1), meter)
        )
    return account, made


def test_moscow_with_several_contracts_asks_which_one(
    app, client, app_context, tenants, monkeypatch
):
    freeze(monkeypatch, OPEN["moscow"])
    account, (_first, second) = moscow_account(tenants, 2)
    sign_in(app, client, tenants["moscow"], account)
    picker = text(page(client, "moscow"))
    assert '<select id="contract" name="contract"' in picker
    assert "№ 77-001 от 01.03.2019" in picker and "№ 77-002 от 01.03.2020" in picker
    assert "value-" not in picker  # no sheet until a contract is chosen
    chosen = text(page(client, "moscow", f"/readings?contract={second.id}"))
    assert "№ MSK-2" in chosen and "№ MSK-1" not in chosen
    assert f'name="contract" value="{second.id}"' in chosen
    assert f'<option value="{second.id}" selected' in chosen


def test_moscow_single_contract_is_preselected_with_its_dictionaries(
    app, client, app_context, tenants, monkeypatch
):
    freeze(monkeypatch, OPEN["moscow"])
    account, (contract,) = moscow_account(tenants, 1)
    sign_in(app, client, tenants["moscow"], account)
    body = text(page(client, "moscow"))
    assert '<select id="contract"' not in body
    assert "№ 77-001 от 01.03.2019" in body
    assert f'name="contract" value="{contract.id}"' in body
    meter = account.meters[0]
    assert "T1 (день)" in body and "T2 (ночь)" in body
    assert f'name="calc-{meter.id}"' in body and f'name="note-{meter.id}"' in body
    assert body.count(f'name="calc-{meter.id}"') == 1  # on the main row only
    assert "51 По нормативу" in body and "54 Ввод временно отключён" in body
    assert "Прибор учёта неисправен" in body


def test_value_already_submitted_this_period_can_be_corrected(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["angarsk"]
    freeze(monkeypatch, OPEN["angarsk"])
    account = make_account(tenant, meters=1)
    make_reading(tenant, account.meters[0], NOVEMBER, 105_000)
    sign_in(app, client, tenant, account)
    assert "передано: 105, можно исправить" in text(page(client, "angarsk"))


def test_meter_past_its_verification_date_is_shown_disabled_with_the_reason(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=0)
    meter = add_meter(tenant, account, "OLD-1", verified_until=date(2026, 10, 1))
    sign_in(app, client, tenant, account)
    body = text(page(client, "cheboksary"))
    assert "Срок поверки прибора истёк" in body and "показания по нему не принимаются" in body
    field = body.split(f'id="{value_field(meter)}"')[1].split(">")[0]
    assert "disabled" in field and f'aria-describedby="blocked-{meter.id}"' in field


def test_closed_window_names_the_next_one_and_links_the_history(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, CLOSED)
    sign_in(app, client, tenant, make_account(tenant, meters=1))
    body = text(page(client, "cheboksary"))
    assert "Приём показаний закрыт" in body
    assert "Следующий приём — с 20 декабря по 25 декабря" in body
    assert "value-" not in body
    assert 'href="/readings/history"' in body


def test_novosibirsk_building_with_a_common_house_meter_submits_through_its_company(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["novosibirsk"]
    freeze(monkeypatch, OPEN["novosibirsk"])
    sign_in(app, client, tenant, make_account(tenant, meters=1, common_house_meter=True))
    body = text(page(client, "novosibirsk"))
    assert "Передача показаний недоступна" in body
    assert "передавайте показания через управляющую" in body
    assert "value-" not in body


@pytest.mark.parametrize("slug", ["cheboksary", "novosibirsk"])
def test_account_without_meters_is_told_why(app, client, app_context, tenants, monkeypatch, slug):
    tenant = tenants[slug]
    freeze(monkeypatch, OPEN[slug])
    sign_in(app, client, tenant, make_account(tenant, meters=0))
    body = text(page(client, slug))
    assert "На лицевом счёте нет приборов учёта: начисление производится по нормативу" in body
    assert "value-" not in body


def test_angarsk_account_without_meters_has_nothing_to_submit(
    app, client, app_context, tenants, monkeypatch
):
    # Angarsk lets every account submit (requires_meter: false), but there is nothing to read.
    tenant = tenants["angarsk"]
    freeze(monkeypatch, OPEN["angarsk"])
    sign_in(app, client, tenant, make_account(tenant, meters=0))
    body = text(page(client, "angarsk"))
    assert "нет приборов учёта, показания которых принимаются" in body


def test_the_form_needs_a_signed_in_resident(client, app_context):
    response = page(client, "cheboksary")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_moscow_hides_the_submit_item_outside_the_window(
    app, client, app_context, tenants, monkeypatch
):
    account, _contracts = moscow_account(tenants, 1)
    freeze(monkeypatch, CLOSED)
    sign_in(app, client, tenants["moscow"], account)
    closed = text(page(client, "moscow", "/cabinet"))
    assert SUBMIT_ITEM not in closed
    assert "История показаний" in closed
    freeze(monkeypatch, OPEN["moscow"])
    assert SUBMIT_ITEM in text(page(client, "moscow", "/cabinet"))


def test_other_cities_keep_the_submit_item_when_closed(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, CLOSED)
    sign_in(app, client, tenant, make_account(tenant, meters=1))
    assert SUBMIT_ITEM in text(page(client, "cheboksary", "/cabinet"))


def test_banner_in_an_open_window_warns_about_missing_readings(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=2)
    add_meter(tenant, account, "OLD-1", verified_until=date(2026, 10, 1))  # takes no reading
    sign_in(app, client, tenant, account)
    body = text(page(client, "cheboksary", "/cabinet"))
    assert "Приём показаний открыт до 25 ноября" in body
    assert 'class="button" href="/readings">Передать показания' in body
    assert "Показания по 2 приборам за ноябрь 2026 ещё не переданы" in body
    assert "по среднему потреблению (не дольше 3 месяцев), затем — по нормативу" in body
    for meter in account.meters[:2]:
        make_reading(tenant, meter, NOVEMBER, 1_000)
    body = text(page(client, "cheboksary", "/cabinet"))
    assert "Приём показаний открыт до 25 ноября" in body
    assert "ещё не переданы" not in body


def test_banner_outside_the_window_names_the_next_one(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, CLOSED)
    sign_in(app, client, tenant, make_account(tenant, meters=1))
    body = text(page(client, "cheboksary", "/cabinet"))
    assert "Следующий приём показаний — с 20 декабря по 25 декабря" in body
    assert 'class="button" href="/readings"' not in body


def test_banner_of_a_blocked_account_says_why(app, client, app_context, tenants, monkeypatch):
    tenant = tenants["novosibirsk"]
    freeze(monkeypatch, OPEN["novosibirsk"])
    sign_in(app, client, tenant, make_account(tenant, meters=1, common_house_meter=True))
    body = text(page(client, "novosibirsk", "/cabinet"))
    assert "передавайте показания через управляющую" in body
    assert 'class="button" href="/readings"' not in body


def test_the_sheet_asks_the_database_as_often_for_one_meter_as_for_six(
    app, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    statements = []
    for meters in (1, 6):
        account = make_account(tenant, meters=meters)
        for meter in account.meters:
            make_reading(tenant, meter, OCTOBER, 100_000)
        client = app.test_client()
        sign_in(app, client, tenant, account)
        with count_queries() as seen:
            assert page(client, "cheboksary").status_code == 200
        statements.append(len(seen))
    assert statements[0] == statements[1]
