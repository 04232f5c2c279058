"""Contracts on the reading form: tenants with `readings.per_contract` (Moscow) take readings per
contract; with several the resident picks one, a single one is pre-selected (seed 003)."""

from __future__ import annotations

import uuid

from app.accounts.models import Contract


def chosen_contract(contracts: list[Contract], raw: str | None) -> Contract | None:
    """The contract named by `raw` (a uuid), the only one when there is one, else None."""
    if len(contracts) == 1:
        return contracts[0]
    try:
        wanted = uuid.UUID(raw or "")
    except ValueError:
        return None
    return next((contract for contract in contracts if contract.id == wanted), None)
