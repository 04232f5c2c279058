"""Demo reading history of one tenant: supply contracts where readings go per contract, the
meters' initial values, and up to a year of monthly readings before the current period.

The rows are built as plain values and inserted in bulk, one statement per table, as a billing
import would store them (channel «import», author «system»): `record_submission` per reading would
take minutes for a demo of a few thousand meters. The same slug, accounts and current period always
give the same history.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from app.accounts.models import Account, Contract, Meter
from app.db import new_id
from app.demo.generator import Deck
from app.extensions import db
from app.periods import add_months
from app.readings.models import Reading, ReadingVersion, Submission
from app.readings.values import meter_maximum
from app.readings.windows import ReadingWindow, window_opening_in, window_state

HISTORY_PERIODS = (6, 12)  # past periods of readings an account with history has
WITH_HISTORY = {True: 9, False: 1}  # most metered accounts have submitted before
# Of the accounts with two meters or more; about 10 % of all accounts get a second contract.
TWO_CONTRACTS = {True: 1, False: 8}
GAP_SHARE = 0.08  # a month the resident did not submit: the next reading covers both
JUMP_SHARE = 0.02  # a reading far above the usual, confirmed and flagged (a leak, say)
JUMP_AFTER = 3  # readings a meter needs before a jump can be told from its usual consumption
# m³ a household uses in a month, per service.
MONTHLY_USE = {"cold_water": (3.0, 8.0), "hot_water": (2.0, 5.0)}
ORGANISATION_USE = (2.0, 6.0)  # an office or a shop uses a few households' worth
MONTH_TO_MONTH = (0.75, 1.25)
ZONE_SHARES = (0.65, 0.35)  # two-rate meters: day and night
NEW_METER_M3 = 3.0  # at most this much shows on a meter when it is installed
CONTRACTS_SINCE = date(2005, 1, 1)
SUBMITTED_BETWEEN = (7 * 3600, 23 * 3600)  # seconds after local midnight residents submit at


def current_period(tenant, moment: datetime) -> date:
    """The period readings are taken for now: the open window's, else the next window's."""
    state = window_state(tenant, moment)
    return (state.open or state.upcoming).period


@dataclass
class _Value:
    meter_id: uuid.UUID
    zone: int
    value_milli: int
    consumption_milli: int
    flagged: bool


@dataclass
class HistoryRows:
    """What the generator made, written by `write()` in dependency order."""

    tenant_id: int
    contracts: list[dict] = field(default_factory=list)
    meters: list[tuple[Meter, dict]] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    versions: list[dict] = field(default_factory=list)
    readings: list[dict] = field(default_factory=list)

    def write(self) -> None:
        """Insert the rows in bulk; the meters get their contract and initial value first."""
        if self.contracts:
            db.session.execute(insert(Contract.__table__), self.contracts)
        # Set only now: a flush before the contracts exist would break the meters' foreign key.
        for meter, values in self.meters:
            for name, value in values.items():
                setattr(meter, name, value)
        db.session.flush()
        for model, rows in (
            (Submission, self.submissions),
            (ReadingVersion, self.versions),
            (Reading, self.readings),
        ):
            if rows:
                # Core inserts: the ORM's bulk mode would redo per row what the dicts already hold.
                db.session.execute(insert(model.__table__), rows)


class HistoryGenerator:
    """Makes one tenant's demo contracts and readings; history stops before the current period,
    so every demo resident can submit for it."""

    def __init__(self, tenant, now: datetime):
        self._rules = tenant.config.readings
        self._rng = random.Random(f"vodokabinet-demo:{tenant.slug}:readings")
        self._now = now
        self._today = now.astimezone(tenant.time_zone).date()
        self.current_period = current_period(tenant, now)
        self._windows = [
            window_opening_in(self._rules.window, tenant.time_zone, period.year, period.month)
            for period in (
                add_months(self.current_period, -months)
                for months in range(HISTORY_PERIODS[1], 0, -1)
            )
        ]
        self._quantum = 10 ** (3 - self._rules.decimals)  # integer m³ unless the tenant says so
        self._jump_factor = float(self._rules.jump_factor)
        self._with_history = Deck(self._rng, WITH_HISTORY)
        self._two_contracts = Deck(self._rng, TWO_CONTRACTS)
        self.rows = HistoryRows(tenant.id)

    def add(self, account: Account, *, login: bool = False, two_contracts: bool = False) -> None:
        """Contracts, initial values and readings of one account. A demo sign-in's account
        (`login`) always has a full year without a gap in the last month."""
        meters = list(account.meters)
        groups = (
            self._contracts(account, meters, two_contracts)
            if self._rules.per_contract
            else [(None, meters)]
        )
        windows = self._history_windows(bool(meters), login)
        moments = self._moments(windows, login)
        start = windows[0].period if windows else self.current_period
        household = self._rng.uniform(*ORGANISATION_USE) if account.kind != "individual" else 1.0
        services = [meter.service for meter in meters]
        values: dict[date, list[_Value]] = defaultdict(list)
        for meter in meters:
            use = self._rng.uniform(*MONTHLY_USE.get(meter.service, MONTHLY_USE["cold_water"]))
            # Two risers: each meter of the pair measures part of the household's water.
            use *= household / services.count(meter.service)
            for period, value in self._meter_history(meter, windows, moments, start, use):
                values[period].append(value)
        for index, (contract_id, group) in enumerate(groups):
            ids = {meter.id for meter in group}
            for period, moment in moments.items():
                rows = [value for value in values[period] if value.meter_id in ids]
                if rows:
                    submitted = moment + timedelta(minutes=2 * index)
                    self._submission(account, contract_id, period, submitted, rows, index)

    def _contracts(
        self, account: Account, meters: list[Meter], two: bool
    ) -> list[tuple[uuid.UUID, list[Meter]]]:
        rng = self._rng
        parts = [meters]
        if len(meters) >= 2 and (self._two_contracts.draw() or two):
            # Cold water under one contract, the rest under another; else the meters halved.
            cold = [meter for meter in meters if meter.service == "cold_water"]
            first = cold if 0 < len(cold) < len(meters) else meters[: len(meters) // 2]
            parts = [first, [meter for meter in meters if meter not in first]]
        latest = self._today - timedelta(days=365)
        signed = CONTRACTS_SINCE + timedelta(days=rng.randint(0, (latest - CONTRACTS_SINCE).days))
        groups, numbers = [], set()
        for part in parts:
            while (number := f"{rng.randint(10, 99)}-{rng.randint(100_000, 999_999)}") in numbers:
                pass
            numbers.add(number)
            contract_id = new_id()
            self.rows.contracts.append(
                {
                    "tenant_id": self.rows.tenant_id,
                    "id": contract_id,
                    "account_id": account.id,
                    "number": f"{number}/{signed.year}",
                    "signed_on": signed,
                }
            )
            groups.append((contract_id, part))
            for meter in part:
                self.rows.meters.append((meter, {"contract_id": contract_id}))
            # A later contract (hot water moved to its own, say) was signed after the first.
            signed += timedelta(days=rng.randint(30, max(30, (latest - signed).days)))
        return groups

    def _history_windows(self, metered: bool, login: bool) -> list[ReadingWindow]:
        if not metered:
            return []
        if login:
            return self._windows
        if not self._with_history.draw():
            return []
        return self._windows[-self._rng.randint(*HISTORY_PERIODS) :]

    def _moments(self, windows: list[ReadingWindow], login: bool) -> dict[date, datetime]:
        """When the account's readings came in: a moment inside each window but the gaps."""
        rng, moments = self._rng, {}
        for index, window in enumerate(windows):
            gap = rng.random() < GAP_SHARE
            if gap and not (login and index == len(windows) - 1):
                continue
            days = max(1, (window.closes_at - window.opens_at).days)
            moment = window.opens_at + timedelta(
                days=rng.randrange(days), seconds=rng.randint(*SUBMITTED_BETWEEN)
            )
            moments[window.period] = min(moment, self._now - timedelta(minutes=1))
        return moments

    def _meter_history(
        self,
        meter: Meter,
        windows: list[ReadingWindow],
        moments: dict[date, datetime],
        start: date,
        use: float,
    ) -> list[tuple[date, _Value]]:
        rng = self._rng
        initial_on, initial = self._initial(meter, start, use)
        initial_milli = self._milli(initial)
        self.rows.meters.append(
            (meter, {"initial_value_milli": initial_milli, "initial_on": initial_on})
        )
        if meter.service not in self._rules.services:
            return []
        shares = ZONE_SHARES if meter.zones == 2 else (1.0,)
        # The model keeps one initial value per meter: both zones of a two-rate meter start there.
        counters, previous = [initial] * len(shares), [initial_milli] * len(shares)
        history, taken = [], 0
        for window in windows:
            if window.last_day <= initial_on:
                continue  # not installed yet
            month = use * rng.uniform(*MONTH_TO_MONTH)
            moment = moments.get(window.period)
            readable = (
                moment is not None
                and moment.date() > initial_on
                and (meter.verified_until is None or moment.date() <= meter.verified_until)
            )
            jump = readable and taken >= JUMP_AFTER and rng.random() < JUMP_SHARE
            if jump:
                month = use * rng.uniform(self._jump_factor + 1, self._jump_factor + 3) + 2.0
            counters = [
                counter + month * share for counter, share in zip(counters, shares, strict=True)
            ]
            if not readable:
                continue  # the water ran all the same: the next reading covers this month too
            values = [self._milli(counter) for counter in counters]
            if max(values) >= meter_maximum(meter.digits):
                break  # a demo never runs a meter round
            for zone, value in enumerate(values, start=1):
                history.append(
                    (
                        window.period,
                        _Value(meter.id, zone, value, value - previous[zone - 1], jump),
                    )
                )
            previous, taken = values, taken + 1
        return history

    def _initial(self, meter: Meter, start: date, use: float) -> tuple[date, float]:
        """When the billing system last knew the meter's value before its history, and the value."""
        rng = self._rng
        known_on = add_months(start, -1) + timedelta(days=rng.randint(0, 27))
        known_on = min(known_on, self._today)
        installed = meter.installed_on
        new_value = rng.uniform(0, NEW_METER_M3)
        if installed is not None and installed >= known_on:
            return installed, new_value
        months = (
            (known_on - installed).days / 30.4 if installed is not None else rng.randint(12, 60)
        )
        return known_on, new_value + use * months * rng.uniform(0.8, 1.2)

    def _milli(self, cubic_metres: float) -> int:
        return int(cubic_metres * 1000) // self._quantum * self._quantum

    def _submission(
        self,
        account: Account,
        contract_id: uuid.UUID | None,
        period: date,
        moment: datetime,
        values: list[_Value],
        index: int,
    ) -> None:
        tenant_id, submission_id = self.rows.tenant_id, new_id()
        self.rows.submissions.append(
            {
                "tenant_id": tenant_id,
                "id": submission_id,
                "account_id": account.id,
                "contract_id": contract_id,
                "period": period,
                "idempotency_key": f"demo:{account.id.hex}:{period:%Y-%m}:{index}",
                "channel": "import",
                "author_kind": "system",
                "author_id": None,
                "author_name": None,
                "created_at": moment,
            }
        )
        for value in values:
            version_id = new_id()
            self.rows.versions.append(
                {
                    "tenant_id": tenant_id,
                    "id": version_id,
                    "submission_id": submission_id,
                    "meter_id": value.meter_id,
                    "zone": value.zone,
                    "period": period,
                    "value_milli": value.value_milli,
                    "consumption_milli": value.consumption_milli,
                    "calculation_type": None,
                    "note": None,
                    "flagged": value.flagged,
                    "created_at": moment,
                }
            )
            self.rows.readings.append(
                {
                    "tenant_id": tenant_id,
                    "meter_id": value.meter_id,
                    "period": period,
                    "zone": value.zone,
                    "value_milli": value.value_milli,
                    "version_id": version_id,
                    "flagged": value.flagged,
                    "updated_at": moment,
                }
            )


def seed_history(
    tenant,
    accounts: Sequence[Account],
    *,
    logins: Sequence[Sequence[Account]],
    now: datetime,
) -> None:
    """Contracts, initial values and reading history for `accounts` (the tenant in scope).

    `logins` are the accounts of each demo sign-in: they always get history, and where readings
    go per contract the second account of a sign-in holding several gets two contracts, so the
    demo shows the choice of contract.
    """
    generator = HistoryGenerator(tenant, now)
    login_ids = {account.id for group in logins for account in group}
    two_contracts = {group[1].id for group in logins if len(group) > 1}
    # In a stable order whether the accounts were just made or loaded from the database.
    for account in sorted(accounts, key=lambda account: (account.number, account.address)):
        generator.add(
            account, login=account.id in login_ids, two_contracts=account.id in two_contracts
        )
    generator.rows.write()
