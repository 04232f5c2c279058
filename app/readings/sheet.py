"""The reading sheet: one row per meter and zone of an account (or of one of its contracts), and
the verdict on what was typed into it. Shared by the resident's form and the office's."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.accounts.models import Account, Contract, Meter
from app.extensions import db
from app.readings.baselines import Baseline, baselines
from app.readings.validation import (
    CONFIRM,
    EMPTY,
    OK,
    REFUSED,
    RowCheck,
    check_row,
    verification_expired,
)


@dataclass(frozen=True)
class SheetRow:
    meter: Meter
    zone: int
    baseline: Baseline
    expired: bool  # past its verification date: shown, but takes no reading

    @property
    def key(self) -> str:
        """Names the row's inputs: `value-<key>`, `confirm-<key>`."""
        return f"{self.meter.id}.{self.zone}"

    @property
    def first_zone(self) -> bool:
        """The meter's main row: calculation type and note are chosen here (Moscow's seed)."""
        return self.zone == 1


@dataclass(frozen=True)
class SheetCheck:
    """The verdict on a whole sheet."""

    rows: list[RowCheck]

    @property
    def transmitted(self) -> list[RowCheck]:
        return [row for row in self.rows if row.status == OK]

    @property
    def not_transmitted(self) -> list[RowCheck]:
        """Rows left empty or refused: billed on average consumption (SPEC §3)."""
        return [row for row in self.rows if row.status != OK]

    @property
    def needs_confirmation(self) -> list[RowCheck]:
        return [row for row in self.rows if row.status == CONFIRM]

    @property
    def refused(self) -> list[RowCheck]:
        return [row for row in self.rows if row.status == REFUSED]

    @property
    def ready(self) -> bool:
        """Something to transmit and nothing left to confirm."""
        return bool(self.transmitted) and not self.needs_confirmation


def account_contracts(tenant, account: Account) -> list[Contract]:
    """The account's contracts where readings are taken per contract (SPEC §2, Moscow); else []."""
    if not tenant.config.readings.per_contract:
        return []
    return list(
        db.session.scalars(
            select(Contract)
            .where(Contract.account_id == account.id)
            .order_by(Contract.signed_on, Contract.number)
        )
    )


def sheet_meters(tenant, account: Account, contract_id=None) -> list[Meter]:
    """The account's meters that take readings (services of the tenant; one contract if given)."""
    services = set(tenant.config.readings.services)
    return [
        meter
        for meter in account.meters
        if meter.service in services and (contract_id is None or meter.contract_id == contract_id)
    ]


def build_sheet(
    tenant, account: Account, period: date, today: date, contract_id=None
) -> list[SheetRow]:
    """Rows for every meter and zone, with what each new value is compared with."""
    meters = sheet_meters(tenant, account, contract_id)
    known = baselines(meters, period)
    return [
        SheetRow(meter, zone, known[(meter.id, zone)], verification_expired(meter, today))
        for meter in meters
        for zone in range(1, meter.zones + 1)
    ]


def _dictionary_code(entries, raw: str | None) -> str | None:
    codes = {entry.code for entry in entries}
    return raw if raw in codes else None


def check_sheet(tenant, rows: list[SheetRow], form: Mapping[str, str], today: date) -> SheetCheck:
    """Check every row of a posted sheet (`value-<key>`, `confirm-<key>`, `calc-<meter id>`,
    `note-<meter id>`), attaching the tenant's dictionary codes from the meter's main row."""
    rules = tenant.config.readings
    units = {service.code: service.unit for service in tenant.config.services}
    checks = []
    for row in rows:
        verdict = check_row(
            row.meter,
            row.zone,
            form.get(f"value-{row.key}"),
            row.baseline,
            decimals=rules.decimals,
            jump_factor=rules.jump_factor,
            today=today,
            jump_confirmed=form.get(f"confirm-{row.key}") in {"1", "on", "y", "yes", "true"},
            unit=units.get(row.meter.service, "м³"),
        )
        if verdict.status != EMPTY:
            verdict = dataclasses.replace(
                verdict,
                calculation_type=_dictionary_code(
                    rules.calculation_types, form.get(f"calc-{row.meter.id}")
                ),
                note=_dictionary_code(rules.notes, form.get(f"note-{row.meter.id}")),
            )
        checks.append(verdict)
    return SheetCheck(checks)
