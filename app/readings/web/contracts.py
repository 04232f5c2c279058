"""Contracts on the reading form: tenants with `readings.per_contract` (Moscow) take readings per
contract; with several the resident picks one, a single one is pre-selected (seed 003)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.accounts.models import Account, Contract
from app.extensions import db


def contracts_of(tenant, account: Account) -> list[Contract]:
    """The account's contracts, when the tenant takes readings per contract (else none)."""
    if not tenant.config.readings.per_contract:
        return []
    return list(
        db.session.scalars(
            select(Contract)
            .where(Contract.account_id == account.id)
            .order_by(Contract.signed_on, Contract.number)
        )
    )


def chosen_contract(contracts: list[Contract], raw: str | None) -> Contract | None:
    """The contract named by `raw` (a uuid), the only one when there is one, else None."""
    if len(contracts) == 1:
        return contracts[0]
    try:
        wanted = uuid.UUID(raw or "")
    except ValueError:
        return None
    return next((contract for contract in contracts if contract.id == wanted), None)
