"""The statement service (issue 5): balance, charges per period and service, recalculations,
amounts due and due dates, tariffs, and who sees money (SPEC §2 payments row, §3a). All money in
integer kopecks (SPEC §1)."""

from __future__ import annotations

from datetime import date

import pytest

from app.billing import statement
from app.billing.money import format_money, parse_kopecks
from app.billing.web.payers import payment_options, sees_statement
from app.tenancy.context import tenant_scope
from tests.support.factories import add_charge, add_payment, make_account


@pytest.fixture
def angarsk(tenants):
    return tenants["angarsk"]


@pytest.fixture
def account(app_context, angarsk):
    return make_account(angarsk)


def test_balance_is_a_debt_when_charges_exceed_payments(angarsk, account):
    add_charge(angarsk, account, "2026-10", "cold_water", 120_050)
    add_charge(angarsk, account, "2026-11", "cold_water", 98_730)
    add_payment(angarsk, account, date(2026, 11, 5), 120_050)
    with tenant_scope(angarsk):
        found = statement.balance(account)
    assert found.kopecks == 98_730 and isinstance(found.kopecks, int)
    assert found.as_of is not None


def test_balance_is_a_credit_when_payments_exceed_charges(angarsk, account):
    add_charge(angarsk, account, "2026-11", "cold_water", 50_000)
    add_payment(angarsk, account, date(2026, 11, 5), 80_000)
    with tenant_scope(angarsk):
        assert statement.balance(account).kopecks == -30_000


def test_balance_is_zero_when_paid_in_full_or_never_charged(angarsk, account):
    with tenant_scope(angarsk):
        empty = statement.balance(account)
    assert (empty.kopecks, empty.as_of) == (0, None)
    add_charge(angarsk, account, "2026-11", "cold_water", 50_000)
    add_payment(angarsk, account, date(2026, 12, 1), 50_000)
    with tenant_scope(angarsk):
        assert statement.balance(account).kopecks == 0


def test_another_accounts_or_utilitys_money_is_not_counted(angarsk, account, tenants):
    add_charge(angarsk, account, "2026-11", "cold_water", 100)
    add_charge(angarsk, make_account(angarsk), "2026-11", "cold_water", 5_000)
    other = tenants["cheboksary"]
    add_payment(other, make_account(other), date(2026, 11, 3), 7_000)
    with tenant_scope(angarsk):
        assert statement.balance(account).kopecks == 100


def test_three_charges_of_ten_kopecks_sum_to_thirty_exactly(angarsk, account):
    ten = parse_kopecks("0.10")
    for service in ("cold_water", "hot_water", "sewerage"):
        add_charge(angarsk, account, "2026-11", service, ten)
    with tenant_scope(angarsk):
        found = statement.statement(angarsk, account, date(2026, 11, 1), date(2026, 11, 1))
        due = statement.period_due(angarsk, account, date(2026, 11, 1))
    assert found.charged_kopecks == 30 == parse_kopecks("0,30")
    assert due.charged_kopecks == due.due_kopecks == 30
    assert isinstance(found.charged_kopecks, int)
    assert format_money(found.charged_kopecks) == "0,30\u00a0₽"


def test_recalculation_is_the_charge_less_volume_times_tariff_rounded_half_up():
    # 2.5 m³ × 45.09 ₽ = 112.725 ₽: half up gives 112.73 (banker's rounding would give 112.72).
    exact = statement.ChargeLine(date(2026, 11, 1), "cold_water", 2_500, 4_509, 11_273)
    assert exact.calculated_kopecks == 11_273 and exact.recalculation_kopecks == 0
    corrected = statement.ChargeLine(date(2026, 11, 1), "cold_water", 2_500, 4_509, 10_000)
    assert corrected.recalculation_kopecks == -1_273
    by_norm = statement.ChargeLine(date(2026, 11, 1), "sewerage", None, None, 7_000)
    assert by_norm.calculated_kopecks is None and by_norm.recalculation_kopecks == 0


def test_payment_is_due_on_the_15th_of_the_month_after_the_period(angarsk):
    assert statement.due_date(angarsk, date(2026, 11, 1)) == date(2026, 12, 15)
    assert statement.due_date(angarsk, date(2026, 12, 1)) == date(2027, 1, 15)


def test_amount_due_adds_earlier_debt_and_takes_payments_since_the_period_started(angarsk, account):
    add_charge(angarsk, account, "2026-10", "cold_water", 100_000)
    add_charge(angarsk, account, "2026-11", "cold_water", 150_000)
    add_payment(angarsk, account, date(2026, 10, 20), 40_000)
    add_payment(angarsk, account, date(2026, 11, 10), 30_000)
    with tenant_scope(angarsk):
        november = statement.period_due(angarsk, account, date(2026, 11, 1))
        october = statement.period_due(angarsk, account, date(2026, 10, 1))
        balance = statement.balance(account).kopecks
    assert november.opening_kopecks == 60_000
    assert [p.amount_kopecks for p in november.payments] == [30_000]
    assert november.due_kopecks == 180_000 == balance
    assert november.due_on == date(2026, 12, 15)
    # October's receipt: what is still unpaid of October, payments settling the oldest debt first.
    assert (october.opening_kopecks, october.paid_kopecks, october.due_kopecks) == (
        0,
        70_000,
        30_000,
    )


def test_amount_due_is_never_below_zero(angarsk, account):
    add_charge(angarsk, account, "2026-11", "cold_water", 10_000)
    add_payment(angarsk, account, date(2026, 10, 1), 25_000)
    with tenant_scope(angarsk):
        due = statement.period_due(angarsk, account, date(2026, 11, 1))
    assert due.opening_kopecks == -25_000 and due.due_kopecks == 0


def test_statement_covers_the_months_of_the_range_by_period_and_paid_on(angarsk, account):
    for period in ("2026-09", "2026-10", "2026-11", "2026-12"):
        add_charge(angarsk, account, period, "sewerage", 1_000, volume=2_000, tariff=500)
        add_charge(angarsk, account, period, "cold_water", 2_000, volume=2_000, tariff=1_000)
    for day in (date(2026, 9, 30), date(2026, 10, 1), date(2026, 11, 30), date(2026, 12, 1)):
        add_payment(angarsk, account, day, 3_000)
    with tenant_scope(angarsk):
        found = statement.statement(angarsk, account, date(2026, 10, 1), date(2026, 11, 1))
    assert [p.period for p in found.periods] == [date(2026, 10, 1), date(2026, 11, 1)]
    assert [line.service for line in found.periods[0].lines] == ["cold_water", "sewerage"]
    assert [p.paid_on for p in found.payments] == [date(2026, 10, 1), date(2026, 11, 30)]
    assert [(t.service, t.volume_milli, t.amount_kopecks) for t in found.services] == [
        ("cold_water", 4_000, 4_000),
        ("sewerage", 4_000, 2_000),
    ]
    assert (found.charged_kopecks, found.paid_kopecks) == (6_000, 6_000)


def test_tariffs_are_derived_per_service_with_the_first_period_charged_at_them(
    angarsk, account, tenants
):
    neighbour = make_account(angarsk)
    add_charge(angarsk, account, "2026-06", "cold_water", 9_018, volume=2_000, tariff=4_509)
    add_charge(angarsk, neighbour, "2026-05", "cold_water", 4_509, volume=1_000, tariff=4_509)
    add_charge(angarsk, account, "2026-07", "cold_water", 9_400, volume=2_000, tariff=4_700)
    add_charge(angarsk, account, "2026-07", "sewerage", 6_000, volume=2_000, tariff=3_000)
    add_charge(angarsk, account, "2026-07", "hot_water", 50_000)  # by the norm: no tariff
    other = tenants["cheboksary"]
    add_charge(other, make_account(other), "2026-01", "cold_water", 100, volume=1_000, tariff=100)
    with tenant_scope(angarsk):
        found = statement.tariffs(angarsk)
    assert [(t.service, t.tariff_kopecks, t.effective_from) for t in found] == [
        ("cold_water", 4_509, date(2026, 5, 1)),
        ("cold_water", 4_700, date(2026, 7, 1)),
        ("sewerage", 3_000, date(2026, 7, 1)),
    ]


def test_sevastopol_shows_money_to_private_houses_only(app_context, tenants):
    tenant = tenants["sevastopol"]
    flat = make_account(tenant)
    house = make_account(tenant, private_house=True)
    shop = make_account(tenant, kind="legal", organisation_name="ООО «Причал»")
    assert not sees_statement(tenant, flat) and sees_statement(tenant, house)
    assert not sees_statement(tenant, shop)
    assert [o.provider for o in payment_options(tenant, flat)] == ["ГУП «ЕИРЦ»"]
    assert [o.method for o in payment_options(tenant, house)] == ["card"]


def test_payment_options_carry_the_stated_commission(app_context, tenants):
    tenant = tenants["angarsk"]
    account = make_account(tenant)
    assert sees_statement(tenant, account)
    options = payment_options(tenant, account)
    assert [o.commission_text for o in options] == ["комиссия 1,0 %", "комиссия 2,0 %", None]
