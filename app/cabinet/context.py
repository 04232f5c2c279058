"""The resident's accounts and the one they are looking at (the header's account switcher)."""

from __future__ import annotations

import uuid

from flask import g, session
from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload

from app.accounts.models import Account
from app.auth.models import Resident, ResidentAccount
from app.extensions import db

SESSION_KEY = "account_id"


def linked_accounts() -> list[Account]:
    """Accounts linked to the signed-in resident, oldest link first (cached for the request)."""
    if "linked_accounts" not in g:
        user = current_user._get_current_object()
        if not isinstance(user, Resident):
            g.linked_accounts = []
        elif "accounts" in inspect(user).dict:  # loaded with the resident (auth.identity)
            g.linked_accounts = list(user.accounts)
        else:
            g.linked_accounts = list(
                db.session.scalars(
                    select(Account)
                    .join(ResidentAccount, ResidentAccount.account_id == Account.id)
                    .where(ResidentAccount.resident_id == user.id)
                    .options(joinedload(Account.meters))
                    .order_by(ResidentAccount.linked_at, Account.number)
                ).unique()
            )
    return g.linked_accounts


def current_account() -> Account | None:
    """The account chosen in the switcher, or the first linked one."""
    accounts = linked_accounts()
    chosen = session.get(SESSION_KEY)
    for account in accounts:
        if str(account.id) == chosen:
            return account
    return accounts[0] if accounts else None


def choose_account(account_id: str) -> Account | None:
    """Make a linked account current; None when `account_id` is not one of the resident's."""
    try:
        wanted = uuid.UUID(account_id)
    except (TypeError, ValueError):
        return None
    for account in linked_accounts():
        if account.id == wanted:
            session[SESSION_KEY] = str(account.id)
            return account
    return None
