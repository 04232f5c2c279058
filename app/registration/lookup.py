"""«Узнать номер лицевого счёта» (seed 002): a unique match is e-mailed, anything else goes to staff.

A match needs the name and the e-mail the utility has on file for the account: otherwise anyone
knowing a neighbour's name could obtain the number that, with the surname, opens the neighbour's
cabinet. Without that, staff call back (on the phone typed) and check who is asking.

The number is only ever sent to the e-mail address typed, never shown on the page; the form is rate
limited per client address (see blueprint.py) because it discloses numbers by e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import Account
from app.extensions import db
from app.registration.matching import addresses_match, names_match, spelling_variants
from app.registration.models import AccountLookupRequest
from app.registration.offices import place_words


@dataclass(frozen=True)
class LookupOutcome:
    """Either the one matching account (to e-mail its number) or the request filed for staff."""

    account: Account | None = None
    request: AccountLookupRequest | None = None


def _name_words(data: dict) -> list[str]:
    return [word for key in ("full_name", "surname") for word in (data.get(key) or "").split()]


def matching_accounts(tenant, data: dict) -> list[Account]:
    """Accounts of the tenant whose owner matches the typed name (and private-house tick and
    address, when the form asks for them)."""
    words = _name_words(data)
    if not words:  # without a name every account would be a candidate: leave it to staff
        return []
    # SQL narrows by the surname (any typed word, in any stored spelling); folding happens below.
    variants = sorted(set().union(*(spelling_variants(word) for word in words)))
    query = select(Account).where(Account.owner_surname.in_(variants))
    if "private_house" in data:
        query = query.where(Account.private_house == bool(data["private_house"]))
    ignore = place_words(tenant)
    return [
        account
        for account in db.session.scalars(query.order_by(Account.number))
        if ("full_name" not in data or names_match(data["full_name"], account.owner_full_name))
        and ("surname" not in data or names_match(data["surname"], account.owner_surname))
        and (
            "address" not in data
            or addresses_match(data["address"], account.address, ignore_words=ignore)
        )
    ]


def _email_on_file(account: Account, data: dict) -> bool:
    # A name is no secret: the number (which opens the surname login) is only e-mailed to the
    # address the utility already has for this account.
    typed = (data.get("email") or "").strip().lower()
    return bool(typed and account.email and typed == account.email.strip().lower())


def look_up_account_number(tenant, data: dict) -> LookupOutcome:
    """The unique account to e-mail the number of, or a new request for staff to call back."""
    matches = matching_accounts(tenant, data)
    if len(matches) == 1 and _email_on_file(matches[0], data):
        return LookupOutcome(account=matches[0])
    request = AccountLookupRequest(
        full_name=data.get("full_name") or data.get("surname") or "",
        private_house=bool(data.get("private_house")),
        address=data.get("address"),
        email=data.get("email"),
        phone=data.get("phone"),
    )
    db.session.add(request)
    db.session.flush()
    return LookupOutcome(request=request)
