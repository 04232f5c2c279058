"""Each city submits readings in a real browser at phone width (SPEC §3): sign in, fill the sheet,
check, confirm, transmit, see the protocol. A screenshot of every city's check page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.support.factories import DEMO_PASSWORD, make_account, make_reading, make_resident
from tests.support.readings import (
    OPEN,
    add_contract,
    add_meter,
    freeze,
    settlement_code,
    value_field,
    versions,
)


def url(port: int, slug: str, path: str) -> str:
    return f"http://{slug}.localhost:{port}{path}"


def fits_the_phone(page) -> None:
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def sign_in(app, page, port: int, tenant, account) -> None:
    """Through the tenant's first login form, as a resident would."""
    login = f"{tenant.slug}.reader"
    make_resident(tenant, account, login=login)
    mode = tenant.config.login.modes[0]
    page.goto(url(port, tenant.slug, f"/login?mode={mode.key}"))
    if mode.settlement:
        page.select_option("#settlement", settlement_code(tenant, account))
    page.fill("#identifier", login if mode.identifier == "login" else account.number)
    page.fill("#secret", DEMO_PASSWORD if mode.secret == "password" else account.owner_surname)
    if page.locator('input[name="captcha_challenge"]').count():
        solve_captcha(app, page, tenant.slug)
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_test_id("current-account").inner_text() == account.number


def solve_captcha(app, page, slug: str) -> None:
    from app.captcha.challenges import answer_for_tests

    challenge = page.locator('input[name="captcha_challenge"]').get_attribute("value")
    cookie = next(
        c for c in page.context.cookies() if c["name"] == "session" and c["domain"].startswith(slug)
    )
    with app.test_request_context(
        "/", base_url=f"http://{slug}.localhost", headers={"Cookie": f"session={cookie['value']}"}
    ):
        page.fill("#captcha", answer_for_tests(challenge))


def fill(page, meter, value: str, zone: int = 1) -> None:
    page.locator(f'input[name="{value_field(meter, zone)}"]').fill(value)


def check(page, slug: str, summary: str | None = None) -> None:
    """«Проверить показания»: the check page, with a screenshot of it."""
    page.get_by_role("button", name="Проверить показания").click()
    expect(page.get_by_role("heading", name="Проверьте показания")).to_be_visible()
    if summary:
        assert summary in page.get_by_test_id("not-transmitted").inner_text()
    fits_the_phone(page)
    screenshot(page, f"{slug}-readings-check-360")


def transmit(page) -> None:
    """«Подтвердить и передать»: the result page with the protocol number."""
    page.get_by_role("button", name="Подтвердить и передать").click()
    expect(page.get_by_role("heading", name="Показания переданы")).to_be_visible()
    assert page.get_by_test_id("protocol-number").inner_text()
    fits_the_phone(page)


def history(tenant, meter, *values) -> None:
    for month, value in enumerate(values, start=8):
        make_reading(tenant, meter, date(2026, month, 1), value)


@pytest.mark.parametrize("slug", ["cheboksary", "sevastopol", "novosibirsk"])
def test_city_submits_cold_and_hot_water_on_a_phone(
    live_server, phone_page, app, tenants, app_context, monkeypatch, slug
):
    tenant = tenants[slug]
    freeze(monkeypatch, OPEN[slug])
    account = make_account(tenant, meters=1)
    cold = account.meters[0]
    hot = add_meter(tenant, account, f"{account.number}-H", service="hot_water")
    spare = add_meter(tenant, account, f"{account.number}-S")
    history(tenant, cold, 100_000, 104_000, 108_000)
    page, port = phone_page, live_server
    sign_in(app, page, port, tenant, account)
    page.get_by_role("link", name="Передать показания").first.click()
    fits_the_phone(page)
    fill(page, cold, "111")
    fill(page, hot, "52")
    check(page, slug, "Показания по 1 прибору не будут переданы")
    transmit(page)
    assert [v.value_milli for v in versions(tenant, cold)] == [111_000]
    assert [v.value_milli for v in versions(tenant, hot)] == [52_000]
    assert versions(tenant, spare) == []


def test_angarsk_confirms_an_unusual_jump_on_a_phone(
    live_server, phone_page, app, tenants, app_context, monkeypatch
):
    tenant = tenants["angarsk"]
    freeze(monkeypatch, OPEN["angarsk"])
    account = make_account(tenant, meters=1, owner_surname="Алёшина")
    meter = account.meters[0]
    history(tenant, meter, 100_000, 105_000, 110_000)
    page, port = phone_page, live_server
    sign_in(app, page, port, tenant, account)
    page.goto(url(port, "angarsk", "/readings"))
    fill(page, meter, "160")
    check(page, "angarsk")
    page.get_by_label("Подтверждаю показание").check()
    transmit(page)
    (version,) = versions(tenant, meter)
    assert version.flagged and version.value_milli == 160_000


def test_moscow_picks_a_contract_and_submits_a_two_rate_meter_on_a_phone(
    live_server, phone_page, app, tenants, app_context, monkeypatch
):
    tenant = tenants["moscow"]
    freeze(monkeypatch, OPEN["moscow"])
    account = make_account(tenant, meters=0)
    duo = add_meter(tenant, account, "MSK-2T", zones=2, initial_value_milli=1_000)
    hot = add_meter(tenant, account, "MSK-HOT", service="hot_water")
    other = add_meter(tenant, account, "MSK-OFFICE")
    add_contract(tenant, account, "77-001", date(2019, 3, 1), duo, hot)
    add_contract(tenant, account, "77-002", date(2020, 3, 1), other)
    page, port = phone_page, live_server
    sign_in(app, page, port, tenant, account)
    page.get_by_role("link", name="Передать показания").first.click()
    page.get_by_label("Договор").select_option(label="№ 77-001 от 01.03.2019")
    page.get_by_role("button", name="Выбрать договор").click()
    fits_the_phone(page)
    screenshot(page, "moscow-readings-form-360")
    fill(page, duo, "12", zone=1)
    fill(page, duo, "5", zone=2)
    fill(page, hot, "3")
    page.locator(f'select[name="calc-{duo.id}"]').select_option("51")
    check(page, "moscow")
    transmit(page)
    assert page.get_by_role("link", name="Скачать протокол (PDF)").is_visible()
    stored = versions(tenant, duo)
    assert [(v.zone, v.value_milli, v.calculation_type) for v in stored] == [
        (1, 12_000, "51"),
        (2, 5_000, "51"),
    ]
    assert versions(tenant, other) == []
