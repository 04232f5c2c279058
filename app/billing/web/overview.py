"""The cabinet's money block: balance as of the last import, the last payment, this period's
charges and due date (SPEC §2 payments row and due date), or the note and the ways to pay."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import Account
from app.billing import statement
from app.billing.models import Payment
from app.billing.web.payers import (
    PaymentOption,
    hidden_statement_note,
    payment_options,
    sees_statement,
)
from app.tenancy.context import get_current_tenant


@dataclass(frozen=True)
class MoneyOverview:
    shown: bool  # the account is one of `payments.statement_payers`
    options: list[PaymentOption]
    note: str | None = None  # why no money is shown (not shown only)
    balance: statement.Balance | None = None
    last_payment: Payment | None = None
    # This period's receipt: the newest period with charges, as of the last import.
    period: statement.PeriodDue | None = None


def money_overview(tenant, account: Account) -> MoneyOverview:
    options = payment_options(tenant, account)
    if not sees_statement(tenant, account):
        return MoneyOverview(False, options, note=hidden_statement_note(options))
    latest = statement.latest_period(account)
    return MoneyOverview(
        True,
        options,
        balance=statement.balance(account),
        last_payment=statement.last_payment(account),
        period=statement.period_due(tenant, account, latest) if latest else None,
    )


def template_helpers() -> dict:
    """`billing_overview(account)` for the cabinet; computes nothing until a template asks."""
    tenant = get_current_tenant()
    return {
        "billing_overview": lambda account: money_overview(tenant, account),
        "sees_billing": lambda account: account is not None and sees_statement(tenant, account),
    }
