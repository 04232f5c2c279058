"""Finding accounts for staff: by number (any form the tenant accepts), the owner's surname, the
address or a meter's serial number. Case and ё never matter; results come a page at a time."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, or_, select

from app.accounts.models import Account, Meter
from app.admin.office import linked_identities
from app.auth.models import Resident
from app.extensions import db
from app.tenancy.account_numbers import InvalidAccountNumber
from app.text import fold

PER_PAGE = 25
CRITERIA = {
    "any": _l("Номер лицевого счёта или фамилия"),
    "number": _l("Номер лицевого счёта"),
    "surname": _l("Фамилия владельца"),
    "address": _l("Адрес"),
    "serial": _l("Заводской номер прибора учёта"),
}
# Surnames are spelled with ё in some billing data and typed with е: how many е to try as ё.
_MAX_YO_POSITIONS = 3
_WORDS = re.compile(r"\w+")


class SearchRefused(ValueError):
    """The query cannot be searched as asked; the message says why, in Russian."""


@dataclass(frozen=True)
class AccountSearch:
    page: Pagination
    logins: dict[uuid.UUID, list[Resident]] = field(default_factory=dict)


def candidate_numbers(tenant, raw: str) -> list[str]:
    """Canonical numbers `raw` may mean: as typed, and as a private-sector number (Novosibirsk:
    `7785` → `11-0007785`); InvalidAccountNumber when it is neither."""
    numbers: list[str] = []
    error: InvalidAccountNumber | None = None
    for private_house in (False, True):
        try:
            number = tenant.account_numbers.normalise(raw, private_house=private_house)
        except InvalidAccountNumber as exc:
            error = error or exc
            continue
        if number not in numbers:
            numbers.append(number)
    if not numbers:
        raise error
    return numbers


def surname_spellings(folded: str) -> set[str]:
    """How billing data may spell the surname `folded`: lower case, capitalised, in capitals,
    with ё for some е. Only for rows whose folded column a raw-SQL import left empty."""
    positions = [index for index, char in enumerate(folded) if char == "е"][:_MAX_YO_POSITIONS]
    spellings = set()
    for mask in range(2 ** len(positions)):
        chars = list(folded)
        for bit, position in enumerate(positions):
            if mask >> bit & 1:
                chars[position] = "ё"
        word = "".join(chars)
        spellings |= {word, word.capitalize(), word.title(), word.upper()}
    return spellings


def _by_number(tenant, query: str):
    try:
        return Account.number.in_(candidate_numbers(tenant, query))
    except InvalidAccountNumber as exc:
        raise SearchRefused(str(exc)) from None


def _by_surname(query: str):
    folded = fold(query)
    if not folded:
        raise SearchRefused(_l("Введите фамилию владельца."))
    return or_(
        Account.owner_surname_folded == folded,
        and_(
            Account.owner_surname_folded.is_(None),
            Account.owner_surname.in_(surname_spellings(folded)),
        ),
    )


def _by_address(query: str):
    """Every word typed appears in the address («ленина 12» finds «ул. Ленина, д. 12»)."""
    words = _WORDS.findall(fold(query))
    if not words:
        raise SearchRefused(_l("Введите улицу, дом или квартиру, например «Ленина 12»."))
    return and_(
        *(
            or_(
                Account.address_folded.contains(word, autoescape=True),
                and_(
                    Account.address_folded.is_(None),
                    or_(
                        Account.address.contains(word, autoescape=True),
                        Account.address.contains(word.capitalize(), autoescape=True),
                    ),
                ),
            )
            for word in words
        )
    )


def _by_serial(query: str):
    serial = query.strip()
    if not serial:
        raise SearchRefused(_l("Введите заводской номер прибора учёта."))
    spellings = {serial, serial.upper(), serial.lower()}
    return Account.id.in_(select(Meter.account_id).where(Meter.serial.in_(spellings)))


def search_condition(tenant, by: str, query: str):
    """The WHERE clause of the search; SearchRefused when the query cannot mean that."""
    if by == "any":
        by = "number" if any(char.isdigit() for char in query) else "surname"
    if by == "number":
        return _by_number(tenant, query)
    if by == "surname":
        return _by_surname(query)
    if by == "address":
        return _by_address(query)
    return _by_serial(query)


def search_accounts(tenant, by: str, query: str, page: int = 1) -> AccountSearch:
    """One page of the accounts matching `query` by criterion `by`, with their logins."""
    statement = (
        select(Account)
        .where(search_condition(tenant, by, query))
        .order_by(Account.owner_full_name, Account.number, Account.settlement_id)
    )
    found = db.paginate(statement, page=page, per_page=PER_PAGE, error_out=False)
    return AccountSearch(found, linked_identities([account.id for account in found.items]))
