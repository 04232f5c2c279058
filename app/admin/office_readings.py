"""Readings staff enter in the office on a resident's behalf (channel «office»).

The same sheet, checks and blocks as the resident's form (`app.readings.sheet`, `eligibility`);
only the window rule differs: staff enter for the period of the window open now or, while it is
closed, for the period of the window that closed last — a late entry at the office counter.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Account, Contract, Meter
from app.extensions import db
from app.readings.eligibility import Block, account_block
from app.readings.models import Submission
from app.readings.sheet import SheetRow, sheet_meters
from app.readings.windows import ReadingWindow, window_opening_in, window_state

CHANNEL = "office"


@dataclass(frozen=True)
class OfficePeriod:
    """The window an office entry belongs to, and whether it has closed (a late entry)."""

    window: ReadingWindow
    late: bool

    @property
    def period(self) -> date:
        return self.window.period


def office_period(tenant, moment: datetime) -> OfficePeriod:
    """The period staff enter readings for at `moment`: the open window's or, while the window
    is closed, the period of the window that closed last."""
    state = window_state(tenant, moment)
    if state.open is not None:
        return OfficePeriod(state.open, late=False)
    # Windows follow one another month by month: the one before the next is the last one.
    upcoming = state.upcoming.period
    year, month = (
        (upcoming.year, upcoming.month - 1) if upcoming.month > 1 else (upcoming.year - 1, 12)
    )
    window = window_opening_in(tenant.config.readings.window, tenant.time_zone, year, month)
    return OfficePeriod(window, late=True)


def office_block(tenant, account: Account) -> Block | None:
    """Why staff cannot enter readings for the account: the utility takes none at the office, or
    one of the tenant's rules keeps the account from submitting (staff are told what residents
    are told)."""
    if CHANNEL not in tenant.config.readings.channels:
        return Block(
            "office_channel",
            _("Водоканал не принимает показания в офисе: абонент передаёт их сам."),
        )
    return account_block(tenant, account)


class UnknownContract(LookupError):
    """The requested contract is not one of the account's."""


def choose_contract(contracts: list[Contract], raw: str | None) -> Contract | None:
    """The contract asked for by `?contract=` (the first one by default); None without contracts."""
    if not raw:
        return contracts[0] if contracts else None
    try:
        wanted = uuid.UUID(raw)
    except ValueError:
        raise UnknownContract(raw) from None
    for contract in contracts:
        if contract.id == wanted:
            return contract
    raise UnknownContract(raw)


def sheet_fingerprint(rows: list[SheetRow], form: Mapping[str, str]) -> str:
    """A digest of what was typed into the sheet: transmitting is allowed only for the values the
    last check was shown for."""
    names = []
    for row in rows:
        names += [f"value-{row.key}", f"confirm-{row.key}"]
        if row.first_zone:
            names += [f"calc-{row.meter.id}", f"note-{row.meter.id}"]
    typed = "\n".join(f"{name}={(form.get(name) or '').strip()}" for name in names)
    return hashlib.sha256(typed.encode()).hexdigest()[:32]


def get_submission(account: Account, submission_id: uuid.UUID) -> Submission | None:
    """A submission of this account (None for another account's or another tenant's)."""
    return db.session.scalar(
        select(Submission).where(
            Submission.id == submission_id, Submission.account_id == account.id
        )
    )


@dataclass(frozen=True)
class MissingRow:
    """A meter row the submission holds no value for: billed on average consumption (SPEC §3)."""

    meter: Meter
    zone: int


def missing_rows(tenant, account: Account, submission: Submission) -> list[MissingRow]:
    """Rows of the submission's sheet (its contract's meters) without a value in it."""
    stored = {(version.meter_id, version.zone) for version in submission.versions}
    return [
        MissingRow(meter, zone)
        for meter in sheet_meters(tenant, account, submission.contract_id)
        for zone in range(1, meter.zones + 1)
        if (meter.id, zone) not in stored
    ]
