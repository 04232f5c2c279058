"""Demo sign-ins: an identity for every login mode and audience of the tenant, and what to type."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import select

from app.accounts.models import Account
from app.auth.identity import normalise_login
from app.auth.models import Resident, ResidentAccount
from app.auth.passwords import hash_password, verify_password
from app.demo.generator import AccountGenerator
from app.demo.people import People, transliterate
from app.extensions import db
from app.tenancy.config.section import Section
from app.tenancy.snapshot import TenantSnapshot

DEMO_PASSWORD = "Vodokabinet-2026"
ACCESS_CODE = "ORG-{:04d}"
LOGIN = "{surname}{suffix}.demo"
# Several accounts under one login (SPEC §2): a demo login shows it wherever the feature is on.
LINKED_ACCOUNTS_PER_LOGIN = 2


class DemoPassword:
    """The one password of every demo identity, hashed once: argon2 is slow by design (SPEC §7)."""

    def __init__(self, text: str = DEMO_PASSWORD):
        self.text = text

    @cached_property
    def hash(self) -> str:
        return hash_password(self.text)

    def opens(self, password_hash: str | None) -> bool:
        """True when a stored hash is this password's (an identity made by an earlier run)."""
        return verify_password(password_hash, self.text)


@dataclass(frozen=True)
class LoginPlan:
    """A login mode and audience with the demo accounts generated for it."""

    mode: Section
    audience: str
    accounts: tuple[Account, ...]

    @property
    def needs_resident(self) -> bool:
        # The surname mode (SPEC §2, Angarsk) checks the account itself; there is no identity.
        return self.mode.secret == "password"


@dataclass(frozen=True)
class DemoLogin:
    """What to type in one login mode to sign in as one demo identity."""

    mode_label: str
    audience: str
    audiences_in_mode: int
    identifier: str
    secret: str
    settlement_name: str | None
    account_numbers: tuple[str, ...]
    login: str | None
    surname: str
    organisation_name: str | None


def plan_logins(tenant: TenantSnapshot, generator: AccountGenerator) -> list[LoginPlan]:
    """The accounts each login mode needs, each drawn from its own stream (stable across runs)."""
    linked = tenant.feature("linked_accounts") is not None
    plans = []
    for mode in tenant.config.login.modes:
        count = LINKED_ACCOUNTS_PER_LOGIN if linked and mode.identifier == "login" else 1
        for audience in mode.audiences:
            generator.reseed(f"login:{mode.key}:{audience}")
            accounts = tuple(generator.login_account(audience) for _ in range(count))
            plans.append(LoginPlan(mode, audience, accounts))
    return plans


def build_residents(
    plans: list[LoginPlan], people: People, password_hash: str, now: datetime
) -> list[Resident]:
    """Active, confirmed residents holding their plans' accounts, one per password mode."""
    taken: set[str] = set()
    residents = []
    for plan in plans:
        if not plan.needs_resident:
            continue
        owner = plan.accounts[0]
        organisation = plan.audience != "individual"
        resident = Resident(
            kind=plan.audience,
            login=_new_login(plan.mode.identifier, owner.owner_surname, taken),
            full_name=owner.owner_full_name,
            email=owner.email,
            phone=owner.phone,
            organisation_name=owner.organisation_name,
            position=people.position() if organisation else None,
            inn=people.inn() if organisation else None,
            password_hash=password_hash,
            status="active",
            email_confirmed_at=now,
        )
        resident.account_links = [ResidentAccount(account=account) for account in plan.accounts]
        residents.append(resident)
    return residents


def _new_login(identifier: str, surname: str, taken: set[str]) -> str | None:
    if identifier == "account_number":
        return None
    number = 1
    while (login := normalise_login(_login_candidate(identifier, surname, number))) in taken:
        number += 1
    taken.add(login)
    return login


def _login_candidate(identifier: str, surname: str, number: int) -> str:
    if identifier == "access_code":
        return ACCESS_CODE.format(number)
    return LOGIN.format(surname=transliterate(surname), suffix="" if number == 1 else number)


def describe_logins(plans: list[LoginPlan], stored: Mapping[tuple, Account]) -> Iterator[DemoLogin]:
    """What to type for every plan whose accounts (and identity) are in the database."""
    for plan in plans:
        accounts = [stored.get(account_key(account)) for account in plan.accounts]
        if None in accounts:
            continue
        login = None
        if plan.needs_resident:
            resident = _resident_holding(accounts[0], plan)
            if resident is None:
                continue
            login = resident.login
        first = accounts[0]
        yield DemoLogin(
            mode_label=plan.mode.label,
            audience=plan.audience,
            audiences_in_mode=len(plan.mode.audiences),
            identifier=plan.mode.identifier,
            secret=plan.mode.secret,
            settlement_name=first.settlement.name if plan.mode.settlement else None,
            account_numbers=tuple(account.number for account in accounts),
            login=login,
            surname=first.owner_surname,
            organisation_name=first.organisation_name,
        )


def account_key(account: Account) -> tuple:
    """What identifies an account within its tenant: settlement and number."""
    return account.settlement_id, account.number


def _resident_holding(account: Account, plan: LoginPlan) -> Resident | None:
    signs_in_by_login = plan.mode.identifier != "account_number"
    return db.session.scalars(
        select(Resident)
        .join(Resident.account_links)
        .where(
            ResidentAccount.account_id == account.id,
            Resident.kind == plan.audience,
            Resident.login.is_not(None) if signs_in_by_login else Resident.login.is_(None),
        )
        .order_by(Resident.created_at)
        .limit(1)
    ).first()
