"""What an account owes and paid, from the charges and payments imported from the utility's billing
system (SPEC §2 payments row and due date, §3a): plain functions of an account, no request.

Money is integer kopecks and totals are `sum()` of ints (SPEC §1: never floats); volumes are
thousandths of the unit. A positive balance is a debt, a negative one a credit (переплата).

Amount due for a period («Итого к оплате» of its receipt): the charges of that period and every
earlier one, less every payment on record, never below zero. Payments settle the oldest debt first,
so this is what is still unpaid of the period and before it; for the latest period it equals the
balance. The receipt shows it as the debt or credit before the period, plus the period's charges,
less the payments made since the period started.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.accounts.models import Account
from app.billing.models import Charge, Payment
from app.billing.money import charge_kopecks
from app.billing.tariffs import stored_tariffs
from app.extensions import db
from app.periods import add_months


@dataclass(frozen=True)
class ChargeLine:
    """One service's charge in one period: volume × tariff, and the amount actually charged."""

    period: date
    service: str
    volume_milli: int | None
    tariff_kopecks: int | None
    amount_kopecks: int

    @property
    def calculated_kopecks(self) -> int | None:
        """Volume × tariff rounded half up to the kopeck; None when either is not known."""
        if self.volume_milli is None or self.tariff_kopecks is None:
            return None
        return charge_kopecks(self.volume_milli, self.tariff_kopecks)

    @property
    def recalculation_kopecks(self) -> int:
        """The charge less volume × tariff («перерасчёт»): corrections of earlier periods, norms."""
        calculated = self.calculated_kopecks
        return 0 if calculated is None else self.amount_kopecks - calculated


@dataclass(frozen=True)
class ServiceTotal:
    service: str
    volume_milli: int | None  # None when no charge of the service had a volume
    amount_kopecks: int


@dataclass(frozen=True)
class PeriodCharges:
    period: date
    lines: list[ChargeLine]

    @property
    def total_kopecks(self) -> int:
        return sum(line.amount_kopecks for line in self.lines)


@dataclass(frozen=True)
class Statement:
    """Charges of the periods `first`…`last` and payments made on their days, with totals."""

    first: date
    last: date
    periods: list[PeriodCharges]
    payments: list[Payment]
    services: list[ServiceTotal]

    @property
    def charged_kopecks(self) -> int:
        return sum(period.total_kopecks for period in self.periods)

    @property
    def paid_kopecks(self) -> int:
        return sum(payment.amount_kopecks for payment in self.payments)


@dataclass(frozen=True)
class PeriodDue:
    """The figures of one period's receipt."""

    period: date
    lines: list[ChargeLine]
    opening_kopecks: int  # debt (+) or credit (−) before the period
    payments: list[Payment]  # made since the period started
    due_on: date

    @property
    def charged_kopecks(self) -> int:
        return sum(line.amount_kopecks for line in self.lines)

    @property
    def recalculation_kopecks(self) -> int:
        return sum(line.recalculation_kopecks for line in self.lines)

    @property
    def paid_kopecks(self) -> int:
        return sum(payment.amount_kopecks for payment in self.payments)

    @property
    def due_kopecks(self) -> int:
        return max(0, self.opening_kopecks + self.charged_kopecks - self.paid_kopecks)


@dataclass(frozen=True)
class Balance:
    kopecks: int  # debt (+) or credit (−)
    as_of: datetime | None  # when the newest charge or payment of the account was imported


@dataclass(frozen=True)
class Tariff:
    service: str
    tariff_kopecks: int
    effective_from: date  # the first period charged at this tariff


def month_end(period: date) -> date:
    return add_months(period, 1) - timedelta(days=1)


def due_date(tenant, period: date) -> date:
    """SPEC §2: payment is due on `payments.due_day` (the 15th) of the month after the period."""
    return add_months(period, 1).replace(day=tenant.config.payments.due_day)


def service_order(tenant, services: Iterable[str]) -> list[str]:
    """Service codes in the order of the tenant's config; codes it does not list come last."""
    rank = {service.code: index for index, service in enumerate(tenant.config.services)}
    return sorted(set(services), key=lambda code: (rank.get(code, len(rank)), code))


def balance(account: Account) -> Balance:
    """Charges less payments of the account, as of the last import."""
    charges = db.session.execute(
        select(Charge.amount_kopecks, Charge.imported_at).where(Charge.account_id == account.id)
    ).all()
    payments = db.session.execute(
        select(Payment.amount_kopecks, Payment.created_at).where(Payment.account_id == account.id)
    ).all()
    kopecks = sum(row.amount_kopecks for row in charges) - sum(
        row.amount_kopecks for row in payments
    )
    moments = [row.imported_at for row in charges] + [row.created_at for row in payments]
    return Balance(kopecks, max(moments, default=None))


def last_payment(account: Account) -> Payment | None:
    """The account's most recent payment."""
    return db.session.scalars(
        select(Payment)
        .where(Payment.account_id == account.id)
        .order_by(Payment.paid_on.desc(), Payment.created_at.desc())
        .limit(1)
    ).first()


def latest_period(account: Account) -> date | None:
    """The newest period the account has charges for (this period, as of the last import)."""
    return db.session.scalar(select(func.max(Charge.period)).where(Charge.account_id == account.id))


def has_charges(account: Account, period: date) -> bool:
    return (
        db.session.scalar(
            select(Charge.service)
            .where(Charge.account_id == account.id, Charge.period == period)
            .limit(1)
        )
        is not None
    )


def charge_lines(tenant, account: Account, first: date, last: date) -> list[ChargeLine]:
    """Charges of the periods `first`…`last` (first days of months), by period, then service."""
    rows = db.session.scalars(
        select(Charge).where(
            Charge.account_id == account.id, Charge.period >= first, Charge.period <= last
        )
    ).all()
    order = service_order(tenant, (row.service for row in rows))
    lines = [
        ChargeLine(
            row.period, row.service, row.volume_milli, row.tariff_kopecks, row.amount_kopecks
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: (line.period, order.index(line.service)))


def payments_between(account: Account, first: date, last: date | None = None) -> list[Payment]:
    """Payments made on the days `first`…`last` (inclusive; no end: up to the last import)."""
    query = select(Payment).where(Payment.account_id == account.id, Payment.paid_on >= first)
    if last is not None:
        query = query.where(Payment.paid_on <= last)
    return list(db.session.scalars(query.order_by(Payment.paid_on, Payment.created_at)))


def statement(tenant, account: Account, first: date, last: date) -> Statement:
    """Charges of the periods `first`…`last` and payments made in those months, with totals per
    service."""
    lines = charge_lines(tenant, account, first, last)
    by_period: dict[date, list[ChargeLine]] = defaultdict(list)
    for line in lines:
        by_period[line.period].append(line)
    return Statement(
        first=first,
        last=last,
        periods=[PeriodCharges(period, by_period[period]) for period in sorted(by_period)],
        payments=payments_between(account, first, month_end(last)),
        services=service_totals(tenant, lines),
    )


def service_totals(tenant, lines: list[ChargeLine]) -> list[ServiceTotal]:
    """Volume and amount per service over `lines`, in the tenant's order of services."""
    totals = []
    for service in service_order(tenant, (line.service for line in lines)):
        own = [line for line in lines if line.service == service]
        volumes = [line.volume_milli for line in own if line.volume_milli is not None]
        totals.append(
            ServiceTotal(
                service,
                sum(volumes) if volumes else None,
                sum(line.amount_kopecks for line in own),
            )
        )
    return totals


def period_due(tenant, account: Account, period: date) -> PeriodDue:
    """The figures of the period's receipt (see the module docstring for the amount due)."""
    earlier_charges = db.session.scalars(
        select(Charge.amount_kopecks).where(Charge.account_id == account.id, Charge.period < period)
    ).all()
    earlier_payments = db.session.scalars(
        select(Payment.amount_kopecks).where(
            Payment.account_id == account.id, Payment.paid_on < period
        )
    ).all()
    return PeriodDue(
        period=period,
        lines=charge_lines(tenant, account, period, period),
        opening_kopecks=sum(earlier_charges) - sum(earlier_payments),
        payments=payments_between(account, period),
        due_on=due_date(tenant, period),
    )


def tariffs(tenant) -> list[Tariff]:
    """The tenant's tariffs per service, derived from the imported charges: each distinct tariff
    with the first period charged at it (its effective date), oldest first."""
    rows = stored_tariffs()
    order = service_order(tenant, (row.service for row in rows))
    found = [Tariff(row.service, row.tariff_kopecks, row.effective_from) for row in rows]
    return sorted(found, key=lambda t: (order.index(t.service), t.effective_from, t.tariff_kopecks))
