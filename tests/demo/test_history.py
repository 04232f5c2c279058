"""`demo seed`'s reading history (SPEC §3): contracts where readings go per contract, initial
values, and up to a year of monthly readings that stops before the current period."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from app import clock
from app.accounts.models import Account, Contract, Meter
from app.auth.models import Resident
from app.demo.generator import AccountGenerator, DemoSettlement
from app.demo.history import HistoryGenerator, current_period
from app.extensions import db
from app.periods import add_months
from app.readings.baselines import baselines
from app.readings.models import Reading, ReadingVersion, Submission
from app.tenancy.context import tenant_scope
from tests.conftest import SLUGS
from tests.support.demo import block, counts, run_seed


def accounts_with_meters(tenant) -> list[Account]:
    return db.session.scalars(select(Account).options(selectinload(Account.meters))).all()


def readings_by_meter(tenant) -> dict[uuid.UUID, list[Reading]]:
    history = defaultdict(list)
    for reading in db.session.scalars(select(Reading).order_by(Reading.period)):
        history[reading.meter_id].append(reading)
    return history


def test_contracts_exist_only_where_readings_go_per_contract(seeded, tenants):
    per_contract = [slug for slug in SLUGS if tenants[slug].config.readings.per_contract]
    assert per_contract == ["moscow"]
    for slug in SLUGS:
        with tenant_scope(tenants[slug]):
            contracts = db.session.scalars(select(Contract)).all()
            meters = db.session.scalars(select(Meter)).all()
        if slug not in per_contract:
            assert contracts == [] and all(m.contract_id is None for m in meters)
            continue
        with tenant_scope(tenants[slug]):
            accounts = accounts_with_meters(tenants[slug])
        by_account = defaultdict(list)
        for contract in contracts:
            by_account[contract.account_id].append(contract)
        assert {a.id for a in accounts} == set(by_account)  # every account, meters or not
        for contract in contracts:
            year = re.fullmatch(r"\d{2}-\d{6}/(\d{4})", contract.number).group(1)
            assert int(year) == contract.signed_on.year and contract.signed_on < date.today()
        for account in accounts:
            own = {contract.id for contract in by_account[account.id]}
            assert all(meter.contract_id in own for meter in account.meters)
        split = [a for a in accounts if len(by_account[a.id]) == 2]
        assert split and len(split) < len(accounts) / 4
        for account in split:  # the meters divided between the two contracts
            assert len({meter.contract_id for meter in account.meters}) == 2


def test_meters_have_an_initial_value_from_before_their_history(seeded, tenants):
    for slug in SLUGS:
        tenant = tenants[slug]
        with tenant_scope(tenant):
            meters = db.session.scalars(select(Meter)).all()
            first_versions = {}
            for version in db.session.scalars(
                select(ReadingVersion).order_by(ReadingVersion.created_at.desc())
            ):
                first_versions[(version.meter_id, version.zone)] = version
        assert all(m.initial_value_milli is not None and m.initial_on for m in meters)
        meters_by_id = {meter.id: meter for meter in meters}
        for (meter_id, _zone), version in first_versions.items():
            meter = meters_by_id[meter_id]
            taken_on = version.created_at.astimezone(tenant.time_zone).date()
            assert meter.initial_on < taken_on
            assert version.value_milli >= meter.initial_value_milli
            assert version.consumption_milli == version.value_milli - meter.initial_value_milli


@pytest.mark.parametrize("slug", SLUGS)
def test_history_is_monthly_imported_and_ends_before_the_current_period(seeded, tenants, slug):
    tenant = tenants[slug]
    current = current_period(tenant, clock.now())
    with tenant_scope(tenant):
        accounts = accounts_with_meters(tenant)
        history = readings_by_meter(tenant)
        submissions = db.session.scalars(select(Submission)).all()
        versions = db.session.scalars(select(ReadingVersion)).all()
    readings = [reading for meter_readings in history.values() for reading in meter_readings]
    assert readings and max(r.period for r in readings) < current
    assert len(versions) == len(readings)
    assert {(s.channel, s.author_kind) for s in submissions} == {("import", "system")}
    if tenant.config.readings.decimals == 0:
        assert all(r.value_milli % 1000 == 0 for r in readings)
    metered = [a for a in accounts if a.meters]
    with_history = [a for a in metered if any(history[m.id] for m in a.meters)]
    assert len(with_history) >= 0.75 * len(metered)
    periods = [len({r.period for m in a.meters for r in history[m.id]}) for a in with_history]
    assert min(periods) >= 1 and max(periods) <= 12 and sorted(periods)[len(periods) // 2] >= 6
    # A value never goes down (no roll-overs in the demo); monthly use looks like a household's.
    for meter_readings in history.values():
        for zone in (1, 2):
            values = [r.value_milli for r in meter_readings if r.zone == zone]
            assert values == sorted(values)
    usual = sorted(v.consumption_milli for v in versions if not v.flagged)
    assert 2_000 <= usual[len(usual) // 2] <= 8_000


def test_some_months_are_missed_and_a_few_jumps_are_flagged(seeded, tenants):
    gaps, flagged, total = 0, 0, 0
    for slug in SLUGS:
        with tenant_scope(tenants[slug]):
            for meter_readings in readings_by_meter(tenants[slug]).values():
                periods = sorted({r.period for r in meter_readings})
                months = [p.year * 12 + p.month for p in periods]
                gaps += sum(b - a > 1 for a, b in pairwise(months))
                flagged += sum(r.flagged for r in meter_readings)
                total += len(meter_readings)
    assert gaps and 0 < flagged < 0.05 * total


def test_most_meters_have_a_usual_consumption_to_check_a_new_reading_against(seeded, tenants):
    for slug in SLUGS:
        tenant = tenants[slug]
        with tenant_scope(tenant):
            meters = db.session.scalars(select(Meter)).all()
            known = baselines(meters, current_period(tenant, clock.now()))
        averages = [baseline.average_milli for baseline in known.values()]
        assert sum(average is not None for average in averages) > 0.7 * len(averages)


def test_demo_sign_in_accounts_have_history_and_can_submit_for_the_current_period(seeded, tenants):
    for slug in SLUGS:
        tenant = tenants[slug]
        current = current_period(tenant, clock.now())
        with tenant_scope(tenant):
            residents = db.session.scalars(select(Resident)).all()
            accounts = [link.account for resident in residents for link in resident.account_links]
            history = readings_by_meter(tenant)
            contracts = defaultdict(int)
            for contract in db.session.scalars(select(Contract)):
                contracts[contract.account_id] += 1
            for account in accounts:
                for meter in account.meters:
                    periods = {r.period for r in history[meter.id]}
                    assert len(periods) >= 6, (account.number, meter.serial)
                    assert add_months(max(periods), 1) == current and current not in periods
        if tenant.config.readings.per_contract:
            # The demo shows the choice of contract: a sign-in holds an account with two.
            assert any(contracts[account.id] == 2 for account in accounts)


@pytest.mark.parametrize(
    ("moment", "last_period"),
    [
        (datetime(2026, 11, 22, 9, 0, tzinfo=UTC), date(2026, 10, 1)),  # November's window is open
        (datetime(2026, 11, 27, 9, 0, tzinfo=UTC), date(2026, 11, 1)),  # closed: December's next
    ],
)
def test_cheboksary_history_stops_before_the_period_of_the_window(
    app, tenants, monkeypatch, moment, last_period
):
    monkeypatch.setattr("app.clock.now", lambda: moment)
    run_seed(app)
    with tenant_scope(tenants["cheboksary"]):
        assert db.session.scalar(select(func.max(Reading.period))) == last_period


def test_demo_data_seeded_before_reading_history_gets_it_on_the_next_run(app, tenants):
    run_seed(app)
    moscow = tenants["moscow"]
    with tenant_scope(moscow):  # what an earlier `demo seed` left: no contracts, no readings
        for model in (Reading, ReadingVersion, Submission):
            db.session.execute(delete(model))
        db.session.execute(
            update(Meter).values(contract_id=None, initial_value_milli=None, initial_on=None)
        )
        db.session.execute(delete(Contract))
    output = run_seed(app)
    assert "reading history added" in block(output, "moscow")
    assert "reading history added" not in block(output, "angarsk")
    with tenant_scope(moscow):
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Contract))
        assert db.session.scalar(select(func.count()).select_from(Reading))
        assert db.session.scalar(select(func.count()).where(Meter.initial_on.is_(None))) == 0
    before = counts(moscow)
    assert "already seeded\n" in block(run_seed(app), "moscow")
    assert counts(moscow) == before


def test_the_same_accounts_and_moment_always_get_the_same_history(tenants):
    tenant = tenants["moscow"]
    settlement = DemoSettlement(uuid.uuid4(), "moscow", "г. Москва")
    moment = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
    accounts = AccountGenerator(tenant, [settlement], moment.date()).random_accounts(40)
    for account in accounts:
        account.id = uuid.uuid4()
        for meter in account.meters:
            meter.id = uuid.uuid4()

    def draw():
        generator = HistoryGenerator(tenant, moment)
        for account in accounts:
            generator.add(account)
        rows = generator.rows
        return (
            [(c["number"], c["signed_on"]) for c in rows.contracts],
            [(v["meter_id"], v["period"], v["zone"], v["value_milli"]) for v in rows.versions],
        )

    assert draw() == draw()
