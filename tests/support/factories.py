"""Factory functions tests call to make tenant data: `make_account(tenant, ...)`."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import select

from app.accounts.models import Account, Meter
from app.billing.models import Charge, Payment
from app.billing.tariffs import refresh_tariffs
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement
from app.tenancy.snapshot import TenantSnapshot

_sequence = itertools.count(1)


def next_number(tenant: TenantSnapshot, *, private_house: bool = False) -> str:
    """A fresh, valid account number in the tenant's format."""
    fmt = tenant.account_numbers
    body = str(next(_sequence)).zfill(fmt.length)[-fmt.length :]
    if fmt.prefix_length:
        prefix = fmt.private_house_prefix if private_house and fmt.private_house_prefix else "01"
        return f"{prefix}{fmt.separator}{body}"
    return body


def make_account(
    tenant: TenantSnapshot, *, settlement_code: str | None = None, meters: int = 1, **fields
) -> Account:
    """An account of `tenant` (in its first settlement unless told), with `meters` cold meters."""
    with tenant_scope(tenant):
        code = settlement_code or tenant.config.settlements[0].code
        settlement = db.session.scalar(select(Settlement).where(Settlement.code == code))
        values = {
            "number": next_number(tenant, private_house=fields.get("private_house", False)),
            "owner_surname": "Иванов",
            "owner_full_name": "Иванов Иван Иванович",
            "address": "ул. Ленина, д. 1, кв. 1",
        }
        values.update(fields)
        account = Account(settlement_id=settlement.id, **values)
        db.session.add(account)
        for index in range(meters):
            account.meters.append(
                Meter(
                    serial=f"{account.number}-{index + 1}",
                    service="cold_water",
                    digits=5,
                    verified_until=date(2030, 1, 1),
                )
            )
        db.session.flush()
        return account


DEMO_PASSWORD = "Vodokabinet-2026"


def make_resident(
    tenant: TenantSnapshot,
    *accounts: Account,
    login: str | None = None,
    password: str | None = DEMO_PASSWORD,
    kind: str = "individual",
    status: str = "active",
    email: str | None = "resident@example.com",
    **fields,
):
    """A resident identity of `tenant` linked to `accounts`, with a password unless told."""
    from app.auth.models import Resident, ResidentAccount
    from app.auth.passwords import hash_password
    from app.db import utcnow

    with tenant_scope(tenant):
        resident = Resident(
            kind=kind,
            login=login.lower() if login else None,
            password_hash=hash_password(password) if password else None,
            status=status,
            email=email,
            email_confirmed_at=utcnow() if status == "active" else None,
            full_name=fields.pop("full_name", "Иванов Иван Иванович"),
            **fields,
        )
        for account in accounts:
            resident.account_links.append(ResidentAccount(account_id=account.id))
        db.session.add(resident)
        db.session.flush()
        return resident


def make_staff(
    tenant: TenantSnapshot,
    *,
    login: str = "clerk",
    role: str = "clerk",
    password: str = DEMO_PASSWORD,
    must_change_password: bool = False,
):
    """A staff user of `tenant`."""
    from app.auth.models import StaffUser
    from app.auth.passwords import hash_password

    with tenant_scope(tenant):
        staff = StaffUser(
            login=login,
            email=f"{login}@example.com",
            full_name="Петрова Анна",
            role=role,
            password_hash=hash_password(password),
            must_change_password=must_change_password,
        )
        db.session.add(staff)
        db.session.flush()
        return staff


def make_reading(tenant: TenantSnapshot, meter, period, value_milli: int, *, zone: int = 1):
    """A past reading of `meter` for `period` (as if submitted then), current and versioned."""
    from app.readings.services import Author, record_submission
    from app.readings.validation import OK, RowCheck

    with tenant_scope(tenant):
        account = meter.account
        row = RowCheck(meter, zone, OK, value_milli=value_milli)
        record_submission(
            account,
            period,
            [row],
            idempotency_key=f"seed-{meter.id}-{period}-{zone}",
            author=Author("system", None, None, "import"),
        )
        db.session.flush()


def add_charge(tenant, account, period, service, amount, *, volume=None, tariff=None) -> Charge:
    """A charge as the billing import stores it: `period` a date or «YYYY-MM», money in kopecks,
    `volume` in thousandths of the unit."""
    if isinstance(period, str):
        period = date.fromisoformat(f"{period}-01")
    with tenant_scope(tenant):
        charge = Charge(
            account_id=account.id,
            period=period,
            service=service,
            volume_milli=volume,
            tariff_kopecks=tariff,
            amount_kopecks=amount,
        )
        db.session.add(charge)
        db.session.flush()
        refresh_tariffs(db.session, tenant.id)  # as the import does
        return charge


def add_payment(tenant, account, paid_on: date, amount: int, channel="bank") -> Payment:
    with tenant_scope(tenant):
        payment = Payment(
            account_id=account.id, paid_on=paid_on, amount_kopecks=amount, channel=channel
        )
        db.session.add(payment)
        db.session.flush()
        return payment
