"""`demo seed` per tenant: demo accounts, sign-ins and a staff admin, made once; the CLI commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from app.accounts.models import Account, Meter
from app.auth.models import Operator, StaffUser
from app.db import utcnow
from app.demo.generator import AccountGenerator, DemoSettlement
from app.demo.logins import (
    DemoLogin,
    DemoPassword,
    account_key,
    build_residents,
    describe_logins,
    plan_logins,
)
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement
from app.tenancy.snapshot import TenantSnapshot

STAFF_LOGIN = "admin"
OPERATOR_LOGIN = "operator"

CREATED = "created"
ALREADY_SEEDED = "already seeded"
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
    logins: tuple[DemoLogin, ...]
    # None: no demo admin (tenant left alone); False: an admin exists with a password of its own.
    staff_has_demo_password: bool | None


def seed_tenant(
    tenant: TenantSnapshot, *, accounts: int, password: DemoPassword, today: date | None = None
) -> TenantDemo:
    """Create `accounts` demo accounts with meters and the demo sign-ins unless they exist."""
    with tenant_scope(tenant):
        today = today or datetime.now(tenant.time_zone).date()
        generator = AccountGenerator(tenant, _settlements(tenant), today)
        plans = plan_logins(tenant, generator)
        planned = [account for plan in plans for account in plan.accounts]
        stored = _stored_accounts(planned)
        if stored:
            outcome = ALREADY_SEEDED
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
            outcome = CREATED
        staff = None if outcome == HAS_OWN_ACCOUNTS else _ensure_staff_admin(tenant, password)
        db.session.flush()
        return TenantDemo(
            slug=tenant.slug,
            name=tenant.name,
            outcome=outcome,
            accounts=_count(Account),
            meters=_count(Meter),
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
