"""The resident's money pages (issue 5): `/billing` for a range of months with totals and tariffs,
its CSV, and the cabinet's money block; `payments.statement_payers` decides who sees money (SPEC §2
payments row: Sevastopol's apartment buildings pay through the settlement centre)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest

from tests.conftest import count_queries
from tests.support.factories import add_charge, add_payment, make_account
from tests.support.readings import freeze, sign_in
from tests.support.web import base, text

# 10 December 2026 in Angarsk: the default range is January–December 2026.
TODAY = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)


def get(client, slug, path):
    return client.get(path, base_url=base(slug))


def periods(page: str) -> list[str]:
    return re.findall(r'<tbody class="billing-period" data-period="([0-9-]+)"', page)


def plain(page: str) -> str:
    """The page's text with tags dropped and every kind of space made one space."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).replace("\u00a0", " ").split())


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


@pytest.fixture
def account(app, app_context, client, angarsk, monkeypatch):
    """An Angarsk account with charges from December 2025 to November 2026 and two payments,
    its resident signed in on `client` on 10 December 2026."""
    freeze(monkeypatch, TODAY)
    account = make_account(angarsk, address="г. Ангарск, 29 мкр., д. 5, кв. 17")
    add_charge(angarsk, account, "2025-12", "cold_water", 11_111, volume=2_000, tariff=4_300)
    add_charge(angarsk, account, "2026-01", "cold_water", 9_018, volume=2_000, tariff=4_509)
    add_charge(angarsk, account, "2026-01", "sewerage", 6_000, volume=2_000, tariff=3_000)
    add_charge(angarsk, account, "2026-11", "cold_water", 14_100, volume=3_000, tariff=4_700)
    add_charge(angarsk, account, "2026-11", "sewerage", 8_000, volume=3_000, tariff=3_000)
    add_payment(angarsk, account, date(2025, 12, 20), 11_111)
    add_payment(angarsk, account, date(2026, 2, 3), 15_018, channel="card")
    sign_in(app, client, angarsk, account)
    return account


def test_billing_shows_the_last_12_months_by_default(client, account):
    page = text(get(client, "angarsk", "/billing"))
    assert periods(page) == ["2026-01", "2026-11"]
    words = plain(page)
    assert "Показано с января 2026 по декабрь 2026" in words
    assert "Холодное водоснабжение 3 м³ 47,00 ₽ — 141,00 ₽" in words
    assert "Итого за ноябрь 2026 221,00 ₽" in words
    assert '<a href="/receipts/2026-11.pdf">' in page and '<a href="/receipts/2026-01.pdf">' in page
    payments = plain(page.split('data-testid="payments"')[1].split("</table>")[0])
    assert payments == "> Дата Способ Сумма 03.02.2026 банковская карта 150,18 ₽"
    totals = plain(page.split('data-testid="totals"')[1].split("</dl>")[0])
    assert totals == "> Начислено 371,18 ₽ Оплачено 150,18 ₽"
    services = plain(page.split('data-testid="service-totals"')[1].split("</table>")[0])
    assert "Холодное водоснабжение 5 м³ 231,18 ₽ Водоотведение 5 м³ 140,00 ₽" in services
    assert "Задолженность 221,00 ₽" in words  # the balance as of the last import


def test_an_explicit_range_shows_those_months_and_their_payments(client, account):
    page = text(get(client, "angarsk", "/billing?from=2025-12&to=2026-01"))
    assert periods(page) == ["2025-12", "2026-01"]
    words = plain(page)
    assert "Показано с декабря 2025 по январь 2026" in words
    assert "20.12.2025 банк 111,11 ₽" in words and "03.02.2026" not in words
    assert 'value="2025-12"' in page and 'value="2026-01"' in page
    assert "/billing.csv?from=2025-12&amp;to=2026-01" in page


def test_a_malformed_month_is_explained_at_its_field(client, account):
    response = get(client, "angarsk", "/billing?from=декабрь&to=2026-13")
    page = text(response)
    assert response.status_code == 200
    assert page.count("Укажите месяц в виде ГГГГ-ММ, например 2026-01.") == 2
    assert page.count('aria-invalid="true"') == 2
    assert periods(page) == ["2026-01", "2026-11"]  # the bad bounds are left at their defaults
    assert get(client, "angarsk", "/billing.csv?from=декабрь").status_code == 400


def test_a_range_ending_before_it_starts_is_explained(client, account):
    page = text(get(client, "angarsk", "/billing?from=2026-11&to=2026-01"))
    assert "Конец периода раньше его начала." in page
    assert 'id="to-error"' in page or "to-error" in page


def test_the_csv_has_the_charges_and_payments_of_the_range(client, account):
    response = get(client, "angarsk", "/billing.csv?from=2025-12&to=2026-02")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="billing-{account.number}-2025-12-2026-02.csv"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["kind", "period", "service", "volume", "tariff", "amount", "paid_on", "channel"],
        ["charge", "2025-12", "Холодное водоснабжение", "2", "43,00", "111,11", "", ""],
        ["charge", "2026-01", "Холодное водоснабжение", "2", "45,09", "90,18", "", ""],
        ["charge", "2026-01", "Водоотведение", "2", "30,00", "60,00", "", ""],
        ["payment", "2025-12", "", "", "", "111,11", "2025-12-20", "банк"],
        ["payment", "2026-02", "", "", "", "150,18", "2026-02-03", "банковская карта"],
    ]


def test_angarsk_shows_its_tariffs_with_effective_dates(client, account):
    page = text(get(client, "angarsk", "/billing"))
    tariffs = plain(page.split('data-testid="tariffs"')[1].split("</table>")[0])
    assert tariffs == (
        "> Услуга Тариф Действует с "
        "Холодное водоснабжение 43,00 ₽ / м³ декабря 2025 "
        "Холодное водоснабжение 45,09 ₽ / м³ января 2026 "
        "Холодное водоснабжение 47,00 ₽ / м³ ноября 2026 "
        "Водоотведение 30,00 ₽ / м³ января 2026"
    )


def test_without_the_range_feature_the_last_12_months_are_shown(
    app, app_context, client, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]  # no billing_date_range, no tariffs
    freeze(monkeypatch, TODAY)
    account = make_account(tenant)
    add_charge(tenant, account, "2025-11", "cold_water", 1_000)
    add_charge(tenant, account, "2026-03", "cold_water", 2_000)
    sign_in(app, client, tenant, account)
    page = text(get(client, "cheboksary", "/billing?from=2025-01&to=2025-12"))
    assert periods(page) == ["2026-03"]
    assert 'name="from"' not in page and 'data-testid="tariffs"' not in page
    assert "Тарифы" not in page


def test_three_charges_of_ten_kopecks_total_thirty(app, app_context, client, angarsk, monkeypatch):
    freeze(monkeypatch, TODAY)
    account = make_account(angarsk)
    for service in ("cold_water", "hot_water", "sewerage"):
        add_charge(angarsk, account, "2026-11", service, 10)
    sign_in(app, client, angarsk, account)
    words = plain(text(get(client, "angarsk", "/billing")))
    assert "Итого за ноябрь 2026 0,30 ₽" in words
    assert "Начислено 0,30 ₽" in words


def test_the_cabinet_shows_debt_last_payment_this_periods_charges_and_due_date(client, account):
    page = text(get(client, "angarsk", "/cabinet"))
    money = plain(page.split('data-testid="money"')[1].split("</section>")[0])
    assert "Задолженность 221,00 ₽" in money
    assert "Последняя оплата 150,18 ₽, 03.02.2026" in money
    assert "Начислено за ноябрь 2026 221,00 ₽" in money
    assert "К оплате 221,00 ₽" in money
    assert "Оплатить до 15 декабря 2026" in money
    assert "Холодное водоснабжение 141,00 ₽ Водоотведение 80,00 ₽" in money
    assert "Квитанция за ноябрь 2026 (PDF)" in money
    # Angarsk's ways to pay, with the payment systems' commissions.
    assert "Банковской картой комиссия 1,0 %" in money
    assert "Электронными деньгами комиссия 2,0 %" in money
    assert "Без комиссии — в отделениях водоканала по квитанции" in money
    assert 'data-testid="readings-banner"' in page  # the reading banner stays


@pytest.mark.parametrize(
    ("payments", "expected"),
    [(0, "Задолженность 221,00 ₽"), (22_100, "Задолженности нет"), (30_000, "Переплата 79,00 ₽")],
)
def test_the_cabinet_balance_is_a_debt_none_or_a_credit(
    client, account, angarsk, payments, expected
):
    if payments:
        add_payment(angarsk, account, date(2026, 12, 5), payments)
    page = text(get(client, "angarsk", "/cabinet"))
    balance = plain(page.split('data-testid="balance"')[1].split("</p>")[0])
    assert balance == f"> {expected}"


def test_an_account_without_charges_says_so(app, app_context, client, angarsk, monkeypatch):
    freeze(monkeypatch, TODAY)
    account = make_account(angarsk)
    sign_in(app, client, angarsk, account)
    money = plain(text(get(client, "angarsk", "/cabinet")).split('data-testid="money"')[1])
    assert "Задолженности нет" in money and "Начислений пока нет." in money
    assert "оплат пока нет" in money


def test_sevastopol_apartment_sees_the_settlement_centre_note_and_no_money(
    app, app_context, client, tenants, monkeypatch
):
    tenant = tenants["sevastopol"]
    freeze(monkeypatch, TODAY)
    account = make_account(tenant)
    add_charge(tenant, account, "2026-11", "cold_water", 54_321)
    add_payment(tenant, account, date(2026, 11, 3), 12_345)
    sign_in(app, client, tenant, account)
    for path in ("/cabinet", "/billing"):
        page = text(get(client, "sevastopol", path))
        assert "ведёт ГУП «ЕИРЦ»" in page
        assert "https://eirc.sevastopol.example/" in page
        assert "Оплатить через ГУП «ЕИРЦ»" in page
        assert "543,21" not in page and "123,45" not in page
        assert "Задолженност" not in page
        assert "Оплатить картой" not in page  # the private houses' option
    assert get(client, "sevastopol", "/billing.csv").status_code == 404
    assert get(client, "sevastopol", "/receipts/2026-11.pdf").status_code == 404


def test_sevastopol_private_house_sees_its_money_and_pays_by_card(
    app, app_context, client, tenants, monkeypatch
):
    tenant = tenants["sevastopol"]
    freeze(monkeypatch, TODAY)
    account = make_account(tenant, private_house=True)
    add_charge(tenant, account, "2026-11", "cold_water", 54_321)
    sign_in(app, client, tenant, account)
    money = plain(text(get(client, "sevastopol", "/cabinet")).split('data-testid="money"')[1])
    assert "Задолженность 543,21 ₽" in money and "Оплатить картой" in money
    assert "ЕИРЦ" not in money
    assert periods(text(get(client, "sevastopol", "/billing"))) == ["2026-11"]
    assert get(client, "sevastopol", "/receipts/2026-11.pdf").status_code == 200


def test_signing_in_is_required(client, app_context):
    for path in ("/billing", "/billing.csv", "/receipts/2026-11.pdf"):
        response = get(client, "angarsk", path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_runs_the_same_queries_for_one_month_or_twelve(
    app, app_context, angarsk, monkeypatch
):
    freeze(monkeypatch, TODAY)
    small, large = make_account(angarsk), make_account(angarsk)
    add_charge(angarsk, small, "2026-11", "cold_water", 1_000)
    add_payment(angarsk, small, date(2026, 11, 2), 1_000)
    for month in range(1, 13):
        for service in ("cold_water", "hot_water", "sewerage"):
            add_charge(angarsk, large, f"2026-{month:02d}", service, 1_000 * month)
        add_payment(angarsk, large, date(2026, month, 2), 1_000)

    def queries_for(account):
        client = app.test_client()
        sign_in(app, client, angarsk, account)
        with count_queries() as statements:
            response = get(client, "angarsk", "/billing")
        assert response.status_code == 200
        return len(periods(text(response))), len(statements)

    (small_periods, small_queries), (large_periods, large_queries) = (
        queries_for(small),
        queries_for(large),
    )
    assert (small_periods, large_periods) == (1, 12)
    assert small_queries == large_queries


def test_the_menu_links_to_billing_only_where_the_account_sees_money(
    client, app, app_context, tenants
):
    from tests.support.factories import DEMO_PASSWORD, make_resident
    from tests.support.web import csrf_token, sign_in, solve_captcha

    angarsk = tenants["angarsk"]
    make_resident(angarsk, make_account(angarsk, number="204817"), login="reader")
    sign_in(client, "angarsk", {"identifier": "reader", "secret": DEMO_PASSWORD}, mode="password")
    assert 'href="/billing"' in client.get("/cabinet", base_url=base("angarsk")).get_data(
        as_text=True
    )
    # Sevastopol's apartment buildings pay through the settlement centre: no money pages.
    sevastopol = tenants["sevastopol"]
    make_resident(sevastopol, make_account(sevastopol, number="2045173"))
    page = client.get("/login", base_url=base("sevastopol")).get_data(as_text=True)
    client.post(
        "/login",
        base_url=base("sevastopol"),
        data={
            "identifier": "2045173",
            "secret": DEMO_PASSWORD,
            "csrf_token": csrf_token(page),
            **solve_captcha(app, client, "sevastopol", page),
        },
    )
    cabinet = client.get("/cabinet", base_url=base("sevastopol")).get_data(as_text=True)
    assert "2045173" in cabinet and 'href="/billing"' not in cabinet
