"""Where residents turn when the site cannot help: a settlement's office, the utility's phones,
and how someone who already has a login gets back in (SPEC §2, office registration and recovery)."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.models import Account


@dataclass(frozen=True)
class Office:
    """Where to go in person: a settlement's office, or the utility's own contacts."""

    address: str | None
    phones: tuple


@dataclass(frozen=True)
class RecoveryHelp:
    """How someone who already has a login gets back in: the online page, or phones and office."""

    url: str | None
    phones: tuple
    office: Office | None = None


def place_words(tenant) -> list[str]:
    """Town names residents may add to or leave out of an address."""
    return [tenant.config.city, *(settlement.name for settlement in tenant.config.settlements)]


def office_for(tenant, account: Account | None) -> Office:
    """The account's settlement office, else the utility's address and phones."""
    code = account.settlement.code if account is not None and account.settlement else None
    for settlement in tenant.config.settlements:
        if settlement.code == code and settlement.office:
            return Office(settlement.office.address, settlement.office.phones)
    contacts = tenant.config.contacts
    return Office(contacts.address, contacts.phones)


def recovery_help(tenant, audience: str) -> RecoveryHelp:
    """Online recovery where the tenant offers it to `audience`, else phones and the office."""
    recovery, contacts = tenant.config.recovery, tenant.config.contacts
    if recovery.online and audience not in recovery.in_person_audiences:
        return RecoveryHelp("/password/forgot", contacts.phones)
    in_person = audience in recovery.in_person_audiences
    return RecoveryHelp(None, contacts.phones, office_for(tenant, None) if in_person else None)
