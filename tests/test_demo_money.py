"""`demo seed` charges and payments (issue 5, SPEC §4): a year of billing periods before the current
one for every demo account, so a demo resident's cabinet, `/billing` and receipts show money."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select

from app.accounts.models import Account
from app.billing import statement
from app.billing.models import Charge, Payment, ServiceTariff
from app.billing.web.payers import sees_statement
from app.demo.history import current_period
from app.demo.logins import DemoPassword
from app.demo.money import CHANNELS, Tariffs
from app.demo.services import ALREADY_SEEDED, CREATED, seed_tenant
from app.extensions import db
from app.periods import add_months
from app.readings.models import Reading, ReadingVersion
from app.tenancy.context import tenant_scope
from tests.support.readings import freeze, sign_in
from tests.support.web import base, text

# 22 November 2026: the last closed period is October 2026, so charges run November 2025 –
# October 2026 and cross the 1 July 2026 indexation.
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
ACCOUNTS = 24
LAST = date(2026, 10, 1)
PERIODS = [add_months(LAST, -months) for months in range(11, -1, -1)]


@pytest.fixture(scope="module")
def password() -> DemoPassword:
    return DemoPassword()


@pytest.fixture
def seed(app_context, tenants, monkeypatch, password):
    freeze(monkeypatch, NOW)

    def run(slug: str):
        result = seed_tenant(tenants[slug], accounts=ACCOUNTS, password=password, now=NOW)
        db.session.commit()
        return result

    return run


def login_accounts(result) -> list[Account]:
    """The accounts of the demo sign-ins `demo seed` printed, in its order (tenant in scope)."""
    numbers = [number for login in result.logins for number in login.account_numbers]
    accounts = {a.number: a for a in db.session.scalars(select(Account))}
    return [accounts[number] for number in numbers]


def charges_of(account) -> list[Charge]:
    return db.session.scalars(
        select(Charge).where(Charge.account_id == account.id).order_by(Charge.period)
    ).all()


def half_up(volume_milli: int, tariff_kopecks: int) -> int:
    exact = Decimal(volume_milli) * tariff_kopecks / 1000
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def counts(tenant) -> tuple[int, ...]:
    with tenant_scope(tenant):
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Account, Reading, Charge, Payment, ServiceTariff)
        )


def test_the_periods_end_with_the_last_closed_one(tenants):
    assert add_months(current_period(tenants["angarsk"], NOW), -1) == LAST


@pytest.mark.parametrize("slug", ["angarsk", "novosibirsk"])
def test_every_demo_login_account_is_charged_for_each_period_and_billed_service(
    seed, tenants, slug
):
    result = seed(slug)
    assert result.outcome == CREATED
    tenant = tenants[slug]
    billed = {service.code for service in tenant.config.services if service.billed}
    with tenant_scope(tenant):
        accounts = login_accounts(result)
        assert accounts
        for account in accounts:
            charges = charges_of(account)
            by_period = defaultdict(set)
            for charge in charges:
                by_period[charge.period].add(charge.service)
            assert sorted(by_period) == PERIODS, account.number
            assert all(services == billed for services in by_period.values())
        every = db.session.scalars(select(Charge)).all()
    assert {charge.service for charge in every} <= billed
    for charge in every:
        assert charge.amount_kopecks == half_up(charge.volume_milli, charge.tariff_kopecks)
        for value in (charge.volume_milli, charge.tariff_kopecks, charge.amount_kopecks):
            assert type(value) is int and value >= 0
    assert result.charges == len(every) and result.charges_until == LAST


def test_novosibirsk_bills_sewerage_on_hot_water_it_does_not_bill(seed, tenants):
    result = seed("novosibirsk")
    with tenant_scope(tenants["novosibirsk"]):
        for account in login_accounts(result):
            charges = {(c.period, c.service): c for c in charges_of(account)}
            assert "hot_water" not in {service for _, service in charges}
            hot = [m for m in account.meters if m.service == "hot_water"]
            assert hot  # read for sewerage, not billed here
            for period in PERIODS:
                cold = charges[(period, "cold_water")].volume_milli
                assert charges[(period, "sewerage")].volume_milli > cold


def test_volumes_come_from_the_readings(seed, tenants):
    result = seed("angarsk")
    tenant = tenants["angarsk"]
    with tenant_scope(tenant):
        account = login_accounts(result)[0]
        rows = db.session.execute(
            select(Reading.meter_id, Reading.period, ReadingVersion.consumption_milli).join(
                ReadingVersion, ReadingVersion.id == Reading.version_id
            )
        ).all()
        charges = {(c.period, c.service): c for c in charges_of(account)}
    services = {meter.id: meter.service for meter in account.meters}
    read = defaultdict(int)
    periods = defaultdict(set)
    for meter_id, period, consumption in rows:
        if meter_id in services:
            read[(period, services[meter_id])] += consumption
            periods[services[meter_id]].add(period)
    # A demo sign-in submits every month at least at the end: where the month before was read
    # too, the charge is exactly what was read.
    for (period, service), used in read.items():
        if add_months(period, -1) in periods[service]:
            assert charges[(period, service)].volume_milli == used
    for period in PERIODS:
        water = sum(charges[(period, s)].volume_milli for s in ("cold_water", "hot_water"))
        assert charges[(period, "sewerage")].volume_milli == water


def test_tariffs_are_indexed_on_1_july_and_differ_a_little_per_tenant(seed, tenants):
    seed("angarsk")
    with tenant_scope(tenants["angarsk"]):
        stored = db.session.scalars(select(ServiceTariff)).all()
        tariffs = {
            (c.service, c.period): c.tariff_kopecks for c in db.session.scalars(select(Charge))
        }
    by_service = defaultdict(list)
    for row in stored:
        by_service[row.service].append((row.effective_from, row.tariff_kopecks))
    assert set(by_service) == {"cold_water", "hot_water", "sewerage"}
    for service, rows in by_service.items():
        (first, old), (july, new) = sorted(rows)
        assert first == PERIODS[0] and july == date(2026, 7, 1)
        assert 1.05 < new / old < 1.15, service
        assert {tariffs[(service, p)] for p in PERIODS if p < july} == {old}
        assert {tariffs[(service, p)] for p in PERIODS if p >= july} == {new}
    # Plausible Russian tariffs, ₽ per m³; another utility's are not the same.
    assert 3_000 < by_service["cold_water"][0][1] < 9_000
    assert 15_000 < by_service["hot_water"][0][1] < 40_000
    assert 2_500 < by_service["sewerage"][0][1] < 7_000
    moscow = Tariffs("moscow").kopecks("cold_water", LAST)
    assert moscow != Tariffs("angarsk").kopecks("cold_water", LAST)
    assert Tariffs("moscow").kopecks("cold_water", LAST) == moscow


def test_most_accounts_pay_monthly_some_owe_and_a_few_pay_ahead(seed, tenants):
    result = seed("angarsk")
    tenant = tenants["angarsk"]
    with tenant_scope(tenant):
        accounts = db.session.scalars(select(Account)).all()
        payments = db.session.scalars(select(Payment)).all()
        balances = [statement.balance(account).kopecks for account in accounts]
    assert result.payments == len(payments)
    assert all(5 <= p.paid_on.day <= 25 and p.paid_on <= NOW.date() for p in payments)
    assert all(type(p.amount_kopecks) is int and p.amount_kopecks > 0 for p in payments)
    assert {p.channel for p in payments} <= {*CHANNELS, "settlement_centre"}
    assert min(p.paid_on for p in payments) >= add_months(PERIODS[0], 1)
    assert sum(balance > 0 for balance in balances) >= 2  # owed: the last receipt or more
    assert sum(balance < 0 for balance in balances) >= 1  # paid ahead
    assert len({p.account_id for p in payments}) >= 0.75 * len(accounts)


def test_demo_logins_show_a_small_debt_and_a_credit(seed, tenants):
    result = seed("angarsk")
    tenant = tenants["angarsk"]
    with tenant_scope(tenant):
        accounts = [a for a in login_accounts(result) if sees_statement(tenant, a)]
        balances = [statement.balance(account).kopecks for account in accounts]
        charged = [
            [sum(c.amount_kopecks for c in charges_of(a) if c.period == p) for p in PERIODS]
            for a in accounts
        ]
    assert len(accounts) >= 2
    debts = [b for b, months in zip(balances, charged, strict=True) if b > 0]
    credits = [b for b in balances if b < 0]
    assert debts and credits
    # Small: at most the last two receipts; a credit of less than a year's charges.
    for balance, months in zip(balances, charged, strict=True):
        assert balance <= months[-1] + months[-2]
        assert -balance < sum(months)


def test_a_demo_resident_sees_balance_billing_tariffs_and_the_receipt(app, client, seed, tenants):
    result = seed("angarsk")
    tenant = tenants["angarsk"]
    with tenant_scope(tenant):
        account = login_accounts(result)[0]
        db.session.expunge_all()
    sign_in(app, client, tenant, account)
    cabinet = text(client.get("/cabinet", base_url=base("angarsk")))
    balance = cabinet.split('data-testid="balance">')[1].split("</p>")[0]
    assert re.search(r"(Задолженность|Переплата) [0-9\xa0]+,\d\d\xa0₽", balance), balance
    assert 'data-testid="last-payment">' in cabinet and "оплат пока нет" not in cabinet
    assert 'data-testid="period-charges">' in cabinet and "октябрь 2026" in cabinet
    page = text(client.get("/billing", base_url=base("angarsk")))
    shown = re.findall(r'<tbody class="billing-period" data-period="([0-9-]+)"', page)
    assert shown == [f"{p:%Y-%m}" for p in PERIODS if p >= date(2025, 12, 1)]  # the last 12 months
    tariffs = page.split('data-testid="tariffs"')[1].split("</table>")[0]
    assert tariffs.count("июл") == 3 and tariffs.count("/ м³") == 6  # indexed on 1 July
    payments = page.split('data-testid="payments"')[1].split("</table>")[0]
    assert re.search(r"\d\d\.\d\d\.2026", payments)
    response = client.get(f"/receipts/{LAST:%Y-%m}.pdf", base_url=base("angarsk"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF")


def test_seeding_again_adds_no_money(seed, tenants):
    seed("angarsk")
    before = counts(tenants["angarsk"])
    again = seed("angarsk")
    assert again.outcome == ALREADY_SEEDED
    assert counts(tenants["angarsk"]) == before


def test_money_is_added_to_demo_data_seeded_before_it(seed, tenants):
    first = seed("angarsk")
    tenant = tenants["angarsk"]
    with tenant_scope(tenant):
        charges = [
            (c.account_id, c.period, c.service, c.amount_kopecks)
            for c in db.session.scalars(select(Charge))
        ]
        for model in (Payment, Charge, ServiceTariff):
            db.session.execute(model.__table__.delete().where(model.tenant_id == tenant.id))
        db.session.commit()
    again = seed("angarsk")
    assert again.outcome == f"{ALREADY_SEEDED}; charges and payments added"
    assert (again.charges, again.payments) == (first.charges, first.payments)
    with tenant_scope(tenant):
        # The same slug and date: the same money.
        assert sorted(charges) == sorted(
            (c.account_id, c.period, c.service, c.amount_kopecks)
            for c in db.session.scalars(select(Charge))
        )
