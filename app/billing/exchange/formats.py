"""The four billing files of SPEC §4: their columns, how each cell is read, what identifies a row.

`file_format(kind, tenant, settlements)` builds the format for one tenant: its services, its
settlements and the canonical shape of its account numbers decide what a cell may hold.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from app.accounts.models import ACCOUNT_KINDS, METER_SERVICES
from app.billing.exchange import values
from app.billing.exchange.values import Invalid, Parser
from app.readings.values import meter_maximum
from app.tenancy.account_numbers import InvalidAccountNumber
from app.tenancy.snapshot import TenantSnapshot

NOT_FOUND = "лицевой счёт не найден"


class ForeignNumber(Invalid):
    """An account number not even in the tenant's format: most rows like it and the file is
    probably another utility's."""


# A cross-column rule: the row's values by column → (column, reason) for each problem.
RowCheck = Callable[[Mapping[str, object]], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Column:
    """A column of a billing file: its header name, how a cell is read and its staging type."""

    name: str
    parse: Parser
    sql_type: str  # PostgreSQL type of the staging column (SQLite takes the same names)


@dataclass(frozen=True)
class FileFormat:
    kind: str
    columns: tuple[Column, ...]  # SPEC §4 order
    # Columns a file may leave out (`settlement` outside the accounts file).
    optional: frozenset[str] = frozenset()
    # What identifies a row: a file naming the same thing twice is refused (payments: nothing,
    # two equal payments on one day are two payments).
    key: tuple[str, ...] = ()
    check: RowCheck | None = None
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_name", {column.name: column for column in self.columns})

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.name not in self.optional)


def file_format(
    kind: str, tenant: TenantSnapshot, settlements: Mapping[str, uuid.UUID]
) -> FileFormat:
    """The format of `kind` (accounts, meters, charges, payments) for `tenant`."""
    # Other files name accounts that must already exist: a number not even in this tenant's
    # format (another utility's, typically) is one this tenant does not have.
    number = Column("account_number", account_number(tenant, existing=kind != "accounts"), "text")
    settlement = Column(
        "settlement", settlement_id(settlements, required=kind == "accounts"), "uuid"
    )
    services = [service.code for service in tenant.config.services]
    if kind == "accounts":
        return FileFormat(
            kind,
            (
                number,
                settlement,
                Column("owner_surname", values.text(100), "text"),
                Column("owner_full_name", values.text(300), "text"),
                Column("address", values.text(500), "text"),
                Column("kind", values.choice(ACCOUNT_KINDS, "вид абонента"), "text"),
                Column("private_house", values.flag, "boolean"),
                Column("common_house_meter", values.flag, "boolean"),
                Column("email", values.optional(email), "text"),
                Column("phone", values.optional(phone), "text"),
            ),
            key=("settlement", "account_number"),
        )
    if kind == "meters":
        meter_services = [code for code in services if code in METER_SERVICES]
        return FileFormat(
            kind,
            (
                number,
                Column("serial", values.text(40), "text"),
                Column("service", values.choice(meter_services, "вид учёта"), "text"),
                Column("zones", values.integer_in(1, 2, "число тарифных зон"), "integer"),
                Column("digits", values.integer_in(3, 10, "разрядность счётчика"), "integer"),
                Column("verified_until", values.optional(values.calendar_date), "date"),
                Column("last_reading", values.optional(values.thousandths("показание")), "bigint"),
                settlement,
            ),
            optional=frozenset({"settlement"}),
            key=("account_number", "serial"),
            check=_reading_fits_meter,
        )
    if kind == "charges":
        return FileFormat(
            kind,
            (
                number,
                Column("period", values.cached(values.period), "date"),
                Column("service", billed_service(tenant), "text"),
                Column("volume", values.optional(values.thousandths("объём")), "bigint"),
                Column(
                    "tariff",
                    values.optional(
                        values.cached(
                            values.kopecks(
                                "тариф",
                                minimum=0,
                                below_minimum="тариф не может быть отрицательным",
                            )
                        )
                    ),
                    "bigint",
                ),
                Column("amount", values.kopecks("сумма"), "bigint"),
                settlement,
            ),
            optional=frozenset({"settlement"}),
            key=("account_number", "period", "service"),
        )
    if kind == "payments":
        return FileFormat(
            kind,
            (
                number,
                Column("paid_on", values.cached(values.calendar_date), "date"),
                Column(
                    "amount",
                    values.kopecks(
                        "сумма платежа",
                        minimum=1,
                        below_minimum="сумма платежа должна быть больше нуля",
                    ),
                    "bigint",
                ),
                Column("channel", values.cached(values.text(40, required=False)), "text"),
                settlement,
            ),
            optional=frozenset({"settlement"}),
        )
    raise ValueError(f"unknown billing file kind {kind!r}")


def account_number(tenant: TenantSnapshot, *, existing: bool) -> Parser:
    """An account number exactly in the tenant's canonical form (billing systems write that);
    `existing`: the file refers to accounts, so a malformed number is also not found."""
    numbers = tenant.account_numbers
    canonical = re.compile(numbers.pattern).fullmatch
    example = f" (пример: {numbers.example})" if numbers.example else ""
    prefix = f"{NOT_FOUND}: " if existing else ""

    def parse(raw: str) -> str:
        if canonical(raw):
            return raw
        value = raw.strip()
        if canonical(value):
            return value
        if not value:
            raise Invalid(values.REQUIRED)
        try:
            expected = numbers.normalise(value)
        except InvalidAccountNumber:
            raise ForeignNumber(
                f"{prefix}номер «{value}» не в формате лицевых счетов этого водоканала{example}"
            ) from None
        raise Invalid(f"{prefix}номер «{value}» записан не в каноническом виде: {expected}")

    return parse


def billed_service(tenant: TenantSnapshot) -> Parser:
    """A service the tenant bills: one it only collects readings for (`billed: false`, e.g. hot
    water another company charges) has no charges here."""
    billed = values.choice(
        [service.code for service in tenant.config.services if service.billed], "код услуги"
    )
    others = {service.code for service in tenant.config.services if not service.billed}

    def parse(raw: str) -> str:
        if raw.strip() in others:
            raise Invalid(
                f"услугу «{raw.strip()}» этот водоканал не начисляет: её начисляет другая "
                "организация"
            )
        return billed(raw)

    return parse


def settlement_id(settlements: Mapping[str, uuid.UUID], *, required: bool) -> Parser:
    """A settlement code of the tenant → its id. Empty: the only settlement when there is one;
    with several, an error when `required` (accounts), else None (found by the number)."""
    only = next(iter(settlements.values())) if len(settlements) == 1 else None
    codes = ", ".join(settlements)

    def parse(raw: str) -> uuid.UUID | None:
        code = raw.strip()
        if not code:
            if only is None and required:
                raise Invalid(f"{values.REQUIRED}: у водоканала несколько населённых пунктов")
            return only
        found = settlements.get(code)
        if found is None:
            raise Invalid(f"населённый пункт «{code}» неизвестен: ожидается {codes}")
        return found

    return values.cached(parse)


def email(raw: str) -> str:
    """An e-mail address, normalised."""
    try:
        address = validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid(f"«{raw.strip()}» — не адрес электронной почты") from None
    if len(address) > 254:
        raise Invalid("адрес электронной почты длиннее 254 символов")
    return address


def phone(raw: str) -> str:
    """A Russian phone number (mobile or landline) in E.164."""
    try:
        number = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Invalid(f"«{raw.strip()}» — не номер телефона, например +7 912 345-67-89")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _reading_fits_meter(row: Mapping[str, object]) -> Iterable[tuple[str, str]]:
    reading, digits = row.get("last_reading"), row.get("digits")
    if reading is not None and digits is not None and reading >= meter_maximum(digits):
        places = "разряда" if digits in (3, 4) else "разрядов"
        yield "last_reading", f"показание не помещается в {digits} {places} счётчика"
