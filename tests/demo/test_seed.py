"""`flask --app wsgi demo seed`: demo accounts, meters and logins for every tenant (SPEC §5)."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Account
from app.auth.identity import normalise_login
from app.auth.models import Operator, Resident, StaffUser
from app.auth.passwords import verify_password
from app.demo.generator import AccountGenerator, DemoSettlement
from app.demo.places import streets_for
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.conftest import SLUGS
from tests.support.demo import ACCOUNTS, PASSWORD, block, counts, run_seed
from tests.support.factories import make_account
from tests.support.web import sign_in


def credential_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "пароль" in line or "фамилия" in line]


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
