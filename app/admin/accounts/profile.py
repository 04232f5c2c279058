"""Everything the account page shows staff: the account, its meters, recent readings, charges and
payments, and the logins linked to it — a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.accounts.models import Account, Contract
from app.admin.office import linked_identities
from app.auth.models import Resident
from app.billing.statement import Balance, Statement, balance, latest_period, statement
from app.periods import add_months
from app.readings.archive.history import History, HistoryFilter, load_history
from app.readings.sheet import account_contracts

READING_PERIODS_SHOWN = 6
MONEY_MONTHS_SHOWN = 12


@dataclass(frozen=True)
class AccountProfile:
    account: Account
    logins: list[Resident]
    contracts: list[Contract]
    history: History  # the newest periods with readings
    balance: Balance
    statement: Statement  # the last MONEY_MONTHS_SHOWN months, up to this one


def account_profile(tenant, account: Account, today: date) -> AccountProfile:
    """The account page's data for `account` of the tenant in scope."""
    history = load_history(
        tenant, account, HistoryFilter(meters=list(account.meters)), limit=READING_PERIODS_SHOWN
    )
    # Up to this month, so that payments made since the last charged period show too.
    this_month = today.replace(day=1)
    last = max(latest_period(account) or this_month, this_month)
    return AccountProfile(
        account=account,
        logins=linked_identities([account.id]).get(account.id, []),
        contracts=account_contracts(tenant, account),
        history=history,
        balance=balance(account),
        statement=statement(tenant, account, add_months(last, 1 - MONEY_MONTHS_SHOWN), last),
    )
