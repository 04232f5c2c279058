"""`flask --app wsgi demo seed`: demo accounts, meters and logins for every tenant (SPEC §5)."""

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
from app.auth.identity import normalise_login
from app.auth.models import Operator, Resident, StaffUser
from app.auth.passwords import hash_password, verify_password
from app.demo.generator import AccountGenerator, DemoSettlement
from app.demo.history import HistoryGenerator, current_period
from app.demo.places import streets_for
from app.extensions import db
from app.readings.baselines import baselines
from app.readings.models import Reading, ReadingVersion, Submission
from app.tenancy.context import tenant_scope
from tests.conftest import SLUGS
from tests.support.factories import make_account
from tests.support.web import sign_in

PASSWORD = "Vodokabinet-2026"
ACCOUNTS = 40


def run_seed(app, *options: str) -> str:
    result = app.test_cli_runner().invoke(
        args=["demo", "seed", "--accounts", str(ACCOUNTS), *options]
    )
    assert result.exit_code == 0, result.output
    return result.output


def block(output: str, slug: str) -> str:
    """The lines `demo seed` printed for one tenant."""
    match = re.search(rf"^[^\n]*\[{slug}\]: .*\n(  .*\n)*", output, re.MULTILINE)
    assert match, f"no block for {slug}:\n{output}"
    return match.group(0)


def credential_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "пароль" in line or "фамилия" in line]


def counts(tenant) -> tuple[int, ...]:
    with tenant_scope(tenant):
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (
                Account,
                Meter,
                Resident,
                StaffUser,
                Contract,
                Submission,
                ReadingVersion,
                Reading,
            )
        )


@pytest.fixture(scope="module")
def demo_password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(autouse=True)
def _hash_demo_password_once_per_module(monkeypatch, demo_password_hash):
    # argon2 is slow on purpose; one real hash of the demo password serves every seed here.
    monkeypatch.setattr(
        "app.demo.logins.hash_password",
        lambda password: demo_password_hash if password == PASSWORD else hash_password(password),
    )


@pytest.fixture
def seeded(app, tenants) -> str:
    return run_seed(app)


def test_seed_prints_every_tenant_address_and_the_platform_login(seeded):
    for slug in SLUGS:
        assert f"http://{slug}.localhost:5000/" in block(seeded, slug)
        assert f"http://{slug}.localhost:5000/admin — логин admin, пароль {PASSWORD}" in seeded
    assert "Platform: http://localhost:5000/" in seeded
    assert f"логин operator, пароль {PASSWORD}" in seeded


def test_port_option_changes_the_printed_addresses(app, tenants):
    output = run_seed(app, "--port", "8080")
    assert "http://moscow.localhost:8080/" in output
    assert "http://localhost:8080/platform" in output


@pytest.mark.parametrize("slug", SLUGS)
def test_accounts_use_the_tenants_number_format_and_its_own_settlements(seeded, tenants, slug):
    tenant = tenants[slug]
    settlement_names = tuple(f"{entry.name}, " for entry in tenant.config.settlements)
    with tenant_scope(tenant):
        accounts = db.session.scalars(select(Account).options(selectinload(Account.meters))).all()
        assert len(accounts) == ACCOUNTS
        assert all(tenant.account_numbers.is_canonical(a.number) for a in accounts)
        assert all(a.address.startswith(settlement_names) for a in accounts)
        assert {a.settlement.name for a in accounts} == {e.name for e in tenant.config.settlements}
        private = [a for a in accounts if a.private_house]
        assert private and all(", кв." not in a.address for a in private)
        assert all(not a.common_house_meter for a in private)
        assert any(a.kind == "legal" and a.organisation_name for a in accounts)
        assert any(a.kind == "management_company" for a in accounts)
        assert any(not a.meters for a in accounts)
        assert any(a.common_house_meter for a in accounts)
        assert any(", кв. " in a.address for a in accounts if a.kind == "individual")
        meters = [m for a in accounts for m in a.meters]
        assert {m.service for m in meters} == {"cold_water", "hot_water"}
        assert all(re.fullmatch(r"\d{8}", m.serial) for m in meters)
        assert len({m.serial for m in meters}) == len(meters)
        assert any(m.verified_until < date.today() for m in meters)
        assert sum(m.verified_until > date.today() for m in meters) > 0.9 * len(meters)
        emails = [a.email for a in accounts if a.email]
        assert emails and all(
            re.fullmatch(r"[a-z0-9.]+@([a-z]+\.)?example(\.[a-z]+)?", e) for e in emails
        )
        assert all(re.fullmatch(r"\+79\d{9}", a.phone) for a in accounts if a.phone)


def test_names_agree_in_gender(seeded, tenants):
    with tenant_scope(tenants["sevastopol"]):
        names = db.session.scalars(select(Account.owner_full_name)).all()
    for name in names:
        surname, _first, patronymic = name.split()
        female = patronymic.endswith("на")
        assert female == surname.endswith(("а", "я")), name


def test_novosibirsk_private_houses_are_numbered_with_prefix_11(seeded, tenants):
    with tenant_scope(tenants["novosibirsk"]):
        accounts = db.session.scalars(select(Account)).all()
    private = [a.number for a in accounts if a.private_house]
    assert private and all(re.fullmatch(r"11-\d{7}", number) for number in private)
    assert not any(a.number.startswith("11-") for a in accounts if not a.private_house)


def test_second_run_creates_nothing_and_prints_the_same_logins(app, tenants):
    first = run_seed(app)
    before = {slug: counts(tenants[slug]) for slug in SLUGS}
    second = run_seed(app)
    assert second.count(": already seeded") == len(SLUGS)
    assert credential_lines(second) == credential_lines(first)
    assert {slug: counts(tenants[slug]) for slug in SLUGS} == before
    assert db.session.scalar(select(func.count()).select_from(Operator)) == 1


def test_moscow_login_holds_two_accounts_and_opens_with_the_demo_password(seeded, tenants):
    login = re.search(r": логин (\S+), пароль", block(seeded, "moscow")).group(1)
    with tenant_scope(tenants["moscow"]):
        resident = db.session.scalar(select(Resident).where(Resident.login == login))
        assert resident.kind == "individual" and resident.status == "active"
        assert resident.email_confirmed_at is not None
        assert len(resident.account_links) == 2
        assert all(link.account.meters for link in resident.account_links)
        assert verify_password(resident.password_hash, PASSWORD)


def test_novosibirsk_organisations_sign_in_with_an_access_code(seeded, tenants, client):
    codes = re.findall(r"код доступа (\S+), пароль", block(seeded, "novosibirsk"))
    assert codes
    with tenant_scope(tenants["novosibirsk"]):
        for code in codes:
            resident = db.session.scalar(
                select(Resident).where(Resident.login == normalise_login(code))
            )
            assert resident.kind in ("legal", "management_company") and resident.inn
            assert [link.account.kind for link in resident.account_links] == [resident.kind]
    # the printed code, as printed, opens the organisations' login form
    response = sign_in(
        client, "novosibirsk", {"identifier": codes[0], "secret": PASSWORD}, mode="organisation"
    )
    assert response.status_code == 302


def test_cheboksary_login_names_settlement_and_account_of_a_resident(seeded, tenants):
    match = re.search(
        r"населённый пункт «(.+?)», лицевой счёт (\d+), пароль", block(seeded, "cheboksary")
    )
    settlement_name, number = match.groups()
    with tenant_scope(tenants["cheboksary"]):
        account = db.session.scalar(select(Account).where(Account.number == number))
        assert account.settlement.name == settlement_name
        assert account.meters  # online registration there needs a meter serial
        resident = db.session.scalar(select(Resident).where(Resident.login.is_(None)))
        assert [link.account_id for link in resident.account_links] == [account.id]
        assert verify_password(resident.password_hash, PASSWORD)


def test_angarsk_surname_login_prints_the_owner_of_the_account(seeded, tenants):
    number, surname = re.search(
        r"лицевой счёт (\d+), фамилия (\S+)", block(seeded, "angarsk")
    ).groups()
    with tenant_scope(tenants["angarsk"]):
        account = db.session.scalar(select(Account).where(Account.number == number))
    assert account.owner_surname == surname


@pytest.mark.parametrize("slug", SLUGS)
def test_demo_residents_hold_accounts_that_can_take_readings(seeded, tenants, slug):
    with tenant_scope(tenants[slug]):
        residents = db.session.scalars(select(Resident)).all()
        accounts = [link.account for resident in residents for link in resident.account_links]
        assert all(a.meters and not a.common_house_meter for a in accounts)
        assert all(m.verified_until > date.today() for a in accounts for m in a.meters)


def test_every_tenant_gets_a_staff_admin_and_the_platform_an_operator(seeded, tenants):
    for slug in SLUGS:
        with tenant_scope(tenants[slug]):
            staff = db.session.scalar(select(StaffUser).where(StaffUser.login == "admin"))
            assert staff.role == "admin" and not staff.must_change_password
            assert verify_password(staff.password_hash, PASSWORD)
    operator = db.session.scalar(select(Operator).where(Operator.login == "operator"))
    assert verify_password(operator.password_hash, PASSWORD)


def test_accounts_are_seen_only_inside_their_tenants_scope(seeded, tenants):
    moscow = tenants["moscow"]
    with tenant_scope(moscow):
        moscow_ids = set(db.session.scalars(select(Account.id)))
        tenant_ids = set(db.session.scalars(select(Account.tenant_id)))
    with tenant_scope(tenants["angarsk"]):
        angarsk_ids = set(db.session.scalars(select(Account.id)))
    assert len(moscow_ids) == ACCOUNTS and tenant_ids == {moscow.id}
    assert angarsk_ids and not moscow_ids & angarsk_ids
    assert db.session.scalars(select(Account)).all() == []  # no tenant in scope: nothing


def test_a_tenant_with_accounts_of_its_own_is_left_alone(app, tenants):
    make_account(tenants["sevastopol"])
    output = run_seed(app)
    assert "left alone" in block(output, "sevastopol")
    assert "Сотрудники" not in block(output, "sevastopol")
    assert counts(tenants["sevastopol"]) == (1, 1, 0, 0, 0, 0, 0, 0)


def test_refuses_to_run_in_production(app, tenants, monkeypatch):
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "not in production" in result.output
    assert counts(tenants["moscow"]) == (0, 0, 0, 0, 0, 0, 0, 0)


def test_the_same_slug_always_generates_the_same_accounts(tenants):
    settlement = DemoSettlement(uuid.uuid4(), "novosibirsk", "г. Новосибирск")

    def draw():
        generator = AccountGenerator(tenants["novosibirsk"], [settlement], date(2026, 11, 1))
        return [
            (a.number, a.owner_full_name, a.address, [m.serial for m in a.meters])
            for a in generator.random_accounts(30)
        ]

    assert draw() == draw()


def test_a_settlement_missing_from_the_street_list_gets_generic_streets():
    assert "ул. Ленина" in streets_for("somewhere-new").apartment
    assert "ул. Тверская" in streets_for("moscow").apartment


# Reading history (SPEC §3): contracts where readings go per contract, initial values, and up to
# a year of monthly readings that stops before the current period.


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
                    assert add_month(max(periods)) == current and current not in periods
        if tenant.config.readings.per_contract:
            # The demo shows the choice of contract: a sign-in holds an account with two.
            assert any(contracts[account.id] == 2 for account in accounts)


def add_month(period: date) -> date:
    return date(period.year + period.month // 12, period.month % 12 + 1, 1)


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
