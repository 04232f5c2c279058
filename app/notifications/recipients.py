"""Who a mailing goes to, in one set-based query each (a reminder may reach 100,000 residents).

Reminders: active residents linked to open accounts that have meters, may submit under the
tenant's rules and have not submitted for the period. Notices: active residents of the tenant, or
those linked to an account in one settlement. Either way only residents with a channel left for
the kind of message (an e-mail they did not turn off, or SMS they turned on and a phone).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.accounts.models import Account, Meter
from app.auth.models import Resident, ResidentAccount
from app.extensions import db
from app.notifications.models import NotificationPreference
from app.readings.models import Submission


def _reachable(category: str):
    preference = aliased(NotificationPreference)
    by_email = and_(
        Resident.email.is_not(None),
        func.coalesce(getattr(preference, f"{category}_email"), True).is_(True),
    )
    by_sms = and_(
        Resident.phone.is_not(None),
        func.coalesce(getattr(preference, f"{category}_sms"), False).is_(True),
    )
    joined = and_(preference.tenant_id == Resident.tenant_id, preference.resident_id == Resident.id)
    return preference, joined, or_(by_email, by_sms)


def _pending_accounts(tenant, period: date):
    """Conditions on Account: it should still submit readings for `period`."""
    rules = tenant.config.readings.eligibility
    submitted = and_(
        Submission.tenant_id == Account.tenant_id,
        Submission.account_id == Account.id,
        Submission.period == period,
    )
    if tenant.config.readings.per_contract:
        # SPEC §2 (Moscow): readings go per contract, so the account still has to submit while
        # any of its meters' contracts has no submission (a meter without one: any submission).
        covered = or_(Meter.contract_id.is_(None), Submission.contract_id == Meter.contract_id)
        waiting = exists().where(
            Meter.tenant_id == Account.tenant_id,
            Meter.account_id == Account.id,
            ~exists().where(submitted, covered),
        )
    else:
        has_meters = exists().where(
            Meter.tenant_id == Account.tenant_id, Meter.account_id == Account.id
        )
        waiting = and_(has_meters, ~exists().where(submitted))
    conditions = [Account.closed_on.is_(None), waiting]
    if not rules.common_house_meter:
        conditions.append(Account.common_house_meter.is_(False))
    if not rules.private_house:
        conditions.append(Account.private_house.is_(False))
    return conditions


def _linked_accounts():
    return (
        select(Resident.id)
        .join(
            ResidentAccount,
            and_(
                ResidentAccount.tenant_id == Resident.tenant_id,
                ResidentAccount.resident_id == Resident.id,
            ),
        )
        .join(
            Account,
            and_(
                Account.tenant_id == ResidentAccount.tenant_id,
                Account.id == ResidentAccount.account_id,
            ),
        )
    )


def reminder_recipients(tenant, period: date) -> list[uuid.UUID]:
    """Residents to remind about the window of `period`, in id order."""
    preference, joined, reachable = _reachable("reminders")
    query = (
        _linked_accounts()
        .outerjoin(preference, joined)
        .where(Resident.status == "active", reachable, *_pending_accounts(tenant, period))
        .distinct()
        .order_by(Resident.id)
    )
    return list(db.session.scalars(query))


def notice_recipients(settlement_id: uuid.UUID | None) -> list[uuid.UUID]:
    """Residents a notice reaches: of one settlement (through their accounts), or everyone."""
    preference, joined, reachable = _reachable("notices")
    if settlement_id is None:
        query = select(Resident.id)
    else:
        query = _linked_accounts().where(
            Account.settlement_id == settlement_id, Account.closed_on.is_(None)
        )
    query = (
        query.outerjoin(preference, joined)
        .where(Resident.status == "active", reachable)
        .distinct()
        .order_by(Resident.id)
    )
    return list(db.session.scalars(query))


def pending_account_numbers(
    tenant, resident_ids: list[uuid.UUID], period: date
) -> dict[uuid.UUID, list[str]]:
    """Numbers of each resident's accounts that still have to submit for `period`."""
    query = (
        select(ResidentAccount.resident_id, Account.number)
        .join(
            Account,
            and_(
                Account.tenant_id == ResidentAccount.tenant_id,
                Account.id == ResidentAccount.account_id,
            ),
        )
        .where(ResidentAccount.resident_id.in_(resident_ids), *_pending_accounts(tenant, period))
        .order_by(Account.number)
    )
    numbers: dict[uuid.UUID, list[str]] = defaultdict(list)
    for resident_id, number in db.session.execute(query):
        numbers[resident_id].append(number)
    return numbers
