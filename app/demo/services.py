"""`demo seed` per tenant: demo accounts, sign-ins and a staff admin, made once; the CLI commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app import clock
from app.accounts.models import Account, Contract, Meter
from app.auth.models import Operator, StaffUser
from app.billing.models import Charge, Payment
from app.db import utcnow
from app.demo.generator import AccountGenerator, DemoSettlement
from app.demo.history import seed_history
from app.demo.logins import (
    DemoLogin,
    DemoPassword,
    LoginPlan,
    account_key,
    build_residents,
    describe_logins,
    plan_logins,
)
from app.demo.money import seed_money
from app.extensions import db
from app.readings.models import Reading, Submission
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement
from app.tenancy.snapshot import TenantSnapshot

STAFF_LOGIN = "admin"
OPERATOR_LOGIN = "operator"

CREATED = "created"
ALREADY_SEEDED = "already seeded"
HISTORY_ADDED = "already seeded; reading history added"
MONEY_ADDED = "charges and payments added"
HAS_OWN_ACCOUNTS = "left alone: it has accounts of its own"


class DemoDataError(RuntimeError):
    """Demo data cannot be made for a tenant (e.g. its settlements are not loaded)."""


@dataclass(frozen=True)
class TenantDemo:
    """What `demo seed` did for a tenant and how to sign in there."""

    slug: str
    name: str
    outcome: str
    accounts: int
    meters: int
    contracts: int
    readings: int
    readings_until: date | None  # the last period with readings
    charges: int
    payments: int
    charges_until: date | None  # the last period with charges
    logins: tuple[DemoLogin, ...]
    # None: no demo admin (tenant left alone); False: an admin exists with a password of its own.
    staff_has_demo_password: bool | None


def seed_tenant(
    tenant: TenantSnapshot, *, accounts: int, password: DemoPassword, now: datetime | None = None
) -> TenantDemo:
    """Create `accounts` demo accounts with meters, reading history, charges and payments and the
    demo sign-ins unless they exist."""
    with tenant_scope(tenant):
        now = now or clock.now()
        generator = AccountGenerator(
            tenant, _settlements(tenant), now.astimezone(tenant.time_zone).date()
        )
        plans = plan_logins(tenant, generator)
        planned = [account for plan in plans for account in plan.accounts]
        stored = _stored_accounts(planned)
        if stored:
            outcome = ALREADY_SEEDED
            if _without_history():
                # Demo data from before reading history existed: add it to the stored accounts.
                every = db.session.scalars(select(Account).options(selectinload(Account.meters)))
                seed_history(tenant, every.all(), logins=_login_accounts(plans, stored), now=now)
                outcome = HISTORY_ADDED
            if _without_money():
                # Demo data from before charges and payments existed: add them from the readings.
                every = db.session.scalars(select(Account).options(selectinload(Account.meters)))
                seed_money(tenant, every.all(), logins=_login_accounts(plans, stored), now=now)
                outcome = f"{outcome}; {MONEY_ADDED}"
        elif _count(Account):
            # Never mix demo people (and a published password) into a utility's real data.
            outcome = HAS_OWN_ACCOUNTS
        else:
            generator.reseed("accounts")
            extra = generator.random_accounts(max(accounts - len(planned), 0))
            residents = build_residents(plans, generator.people, password.hash, utcnow())
            db.session.add_all([*planned, *extra, *residents])
            db.session.flush()
            stored = {account_key(account): account for account in planned}
            logins = _login_accounts(plans, stored)
            seed_history(tenant, [*planned, *extra], logins=logins, now=now)
            seed_money(tenant, [*planned, *extra], logins=logins, now=now)
            outcome = CREATED
        staff = None if outcome == HAS_OWN_ACCOUNTS else _ensure_staff_admin(tenant, password)
        db.session.flush()
        return TenantDemo(
            slug=tenant.slug,
            name=tenant.name,
            outcome=outcome,
            accounts=_count(Account),
            meters=_count(Meter),
            contracts=_count(Contract),
            readings=_count(Reading),
            readings_until=db.session.scalar(select(func.max(Reading.period))),
            charges=_count(Charge),
            payments=_count(Payment),
            charges_until=db.session.scalar(select(func.max(Charge.period))),
            logins=tuple(describe_logins(plans, stored)),
            staff_has_demo_password=staff,
        )


def ensure_operator(password: DemoPassword) -> bool:
    """Create the platform operator login unless it exists; True when the demo password opens it."""
    operator = db.session.scalar(select(Operator).where(Operator.login == OPERATOR_LOGIN))
    if operator is None:
        db.session.add(
            Operator(
                login=OPERATOR_LOGIN,
                email="operator@platform.example",
                full_name="Оператор платформы (демо)",
                password_hash=password.hash,
            )
        )
        db.session.flush()
        return True
    return password.opens(operator.password_hash)


def _settlements(tenant: TenantSnapshot) -> list[DemoSettlement]:
    rows = {row.code: row for row in db.session.scalars(select(Settlement))}
    # In the tenant file's order: the first settlement is the utility's home city.
    settlements = [
        DemoSettlement(rows[entry.code].id, entry.code, rows[entry.code].name)
        for entry in tenant.config.settlements
        if entry.code in rows
    ]
    if not settlements:
        raise DemoDataError(
            f"{tenant.slug}: no settlements in the database; "
            "run: flask --app wsgi tenants load tenants/"
        )
    return settlements


def _stored_accounts(planned: list[Account]) -> dict[tuple, Account]:
    wanted = or_(
        *(
            and_(Account.settlement_id == account.settlement_id, Account.number == account.number)
            for account in planned
        )
    )
    return {
        account_key(account): account
        for account in db.session.scalars(select(Account).where(wanted))
    }


def _login_accounts(plans: list[LoginPlan], stored: dict[tuple, Account]) -> list[list[Account]]:
    """The stored accounts of each demo sign-in."""
    return [
        [
            stored[account_key(account)]
            for account in plan.accounts
            if account_key(account) in stored
        ]
        for plan in plans
    ]


def _without_history() -> bool:
    """True when the tenant's demo data has no contracts and no readings yet."""
    return not _count(Submission) and not _count(Contract)


def _without_money() -> bool:
    """True when the tenant's demo data has no charges and no payments yet."""
    return not _count(Charge) and not _count(Payment)


def _ensure_staff_admin(tenant: TenantSnapshot, password: DemoPassword) -> bool:
    staff = db.session.scalar(select(StaffUser).where(StaffUser.login == STAFF_LOGIN))
    if staff is None:
        db.session.add(
            StaffUser(
                login=STAFF_LOGIN,
                email=f"admin@{tenant.slug}.example",
                full_name="Администратор (демо)",
                role="admin",
                password_hash=password.hash,
                must_change_password=False,
            )
        )
        return True
    return password.opens(staff.password_hash)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
