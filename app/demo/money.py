"""Demo charges and payments of one tenant: a year of billing periods before the current one, as
the utility's billing system would have sent them (SPEC §4), so a demo resident's cabinet, `/billing`
and receipts show money.

Volumes come from the accounts' demo readings (a reading after missed months is spread over them,
months after the last reading are billed on average, then by the norm), else by the norm; tariffs
are indexed every 1 July. Money is integer kopecks computed with `Decimal` (SPEC §1: never floats).
Rows are inserted in bulk, one statement per table; the same slug, accounts and date always give
the same money.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from statistics import median_low

from sqlalchemy import insert, select

from app.accounts.models import Account, Meter
from app.billing.models import Charge, Payment
from app.billing.money import charge_kopecks, round_kopecks
from app.billing.tariffs import refresh_tariffs
from app.billing.web.payers import payer_groups, sees_statement
from app.db import new_id
from app.demo.generator import Deck
from app.demo.history import HISTORY_PERIODS, current_period
from app.extensions import db
from app.periods import add_months
from app.readings.models import Reading, ReadingVersion

PERIODS = HISTORY_PERIODS[1]  # charged periods: the months of the reading history
SEWERAGE = "sewerage"  # its volume is the water taken: cold plus hot
# Roubles per m³ from 1 July 2025, about what Russian water utilities charge; each tenant's are
# this times its own factor, and every 1 July they go up by the tenant's indexation of that year.
BASE_TARIFFS = {
    "cold_water": Decimal("52.40"),
    "hot_water": Decimal("245.80"),
    SEWERAGE: Decimal("41.30"),
}
BASE_YEAR = 2025
TENANT_FACTOR = (850, 1150)  # thousandths
INDEXATION = (70, 120)  # thousandths a year
INDEXED_IN = 7  # July
# m³ per resident and month (норматив потребления) and residents behind an account.
NORMS = {"cold_water": Decimal("4.9"), "hot_water": Decimal("3.6")}
RESIDENTS = {"individual": (1, 3), "organisation": (2, 6)}
AVERAGE_MONTHS = 3  # months billed on average consumption after the last reading, then the norm
# How accounts pay: most pay each receipt, some are behind by 1–3 months, a few pay a round sum.
PAYERS = {"exact": 15, "arrears": 3, "overpays": 2}
ARREARS_MONTHS = (1, 3)
LATE_SHARE = 0.06  # a receipt paid together with the next one
OVERPAY = Decimal("1.2")  # an overpayer's monthly sum: a usual receipt and a fifth, rounded up
ROUND_SUM = 10_000  # …to 100 ₽
PAY_DAYS = (5, 25)
# Channel codes as the billing system's payment files name them (app.billing.web.labels).
CHANNELS = {"online": 50, "card": 15, "cash": 15, "post": 10, "bank": 10}
ORGANISATION_CHANNEL = "bank"
OTHER_CHANNEL_SHARE = 0.1
IMPORTED_AT = time(5, 0)  # local time the nightly billing exchange brings a file in


class Tariffs:
    """The tenant's tariff per service and period, in kopecks per m³."""

    def __init__(self, slug: str):
        self.slug = slug
        self._cache: dict[tuple[str, int], int] = {}

    def kopecks(self, service: str, period: date) -> int | None:
        if service not in BASE_TARIFFS:
            return None
        year = period.year if period.month >= INDEXED_IN else period.year - 1
        return self._of_year(service, year)

    def _of_year(self, service: str, year: int) -> int:
        key = (service, year)
        if key not in self._cache:
            if year == BASE_YEAR:
                factor = random.Random(f"vodokabinet-demo:{self.slug}:tariffs:{service}")
                roubles = BASE_TARIFFS[service] * factor.randint(*TENANT_FACTOR) / 1000
                value = round_kopecks(roubles * 100)
            elif year > BASE_YEAR:
                value = round_kopecks(self._of_year(service, year - 1) * self._index(year))
            else:
                value = round_kopecks(self._of_year(service, year + 1) / self._index(year + 1))
            self._cache[key] = value
        return self._cache[key]

    def _index(self, year: int) -> Decimal:
        """1 + the tenant's indexation of 1 July `year`."""
        rng = random.Random(f"vodokabinet-demo:{self.slug}:indexation:{year}")
        return 1 + Decimal(rng.randint(*INDEXATION)) / 1000


@dataclass
class MoneyRows:
    """What the generator made, written by `write()`: one INSERT per table, then the tariff list
    derived from the charges as a charges import does."""

    tenant_id: int
    charges: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)

    def write(self) -> None:
        for model, rows in ((Charge, self.charges), (Payment, self.payments)):
            if rows:
                db.session.execute(insert(model.__table__), rows)
        refresh_tariffs(db.session, self.tenant_id)


class MoneyGenerator:
    """Makes one tenant's demo charges and payments, account by account."""

    def __init__(self, tenant, now: datetime):
        self._tenant = tenant
        self._rng = random.Random(f"vodokabinet-demo:{tenant.slug}:money")
        self._zone = tenant.time_zone
        self._now = now
        self._today = now.astimezone(tenant.time_zone).date()
        last = add_months(current_period(tenant, now), -1)
        self.periods = [add_months(last, -months) for months in range(PERIODS - 1, -1, -1)]
        codes = [service.code for service in tenant.config.services]
        self._water = [code for code in codes if code in NORMS]
        self._billed = [service.code for service in tenant.config.services if service.billed]
        self.tariffs = Tariffs(tenant.slug)
        self._payers = Deck(self._rng, PAYERS)
        self._channels = Deck(self._rng, CHANNELS)
        self.rows = MoneyRows(tenant.id)

    def add(
        self, account: Account, consumption: dict[tuple, int], payer: str | None = None
    ) -> None:
        """Charges and payments of one account; `consumption` maps (meter id, period) to m³/1000
        read for it; `payer` (exact, arrears:N, overpays) overrides the drawn habit."""
        volumes = self._volumes(account, consumption)
        totals = [self._charge(account, period, volumes) for period in self.periods]
        self._payments(account, totals, payer or self._draw_payer())

    def _draw_payer(self) -> str:
        payer = self._payers.draw()
        if payer == "arrears":
            return f"arrears:{self._rng.randint(*ARREARS_MONTHS)}"
        return payer

    def _volumes(self, account: Account, consumption: dict[tuple, int]) -> dict[str, list[int]]:
        """m³/1000 of each water service in each period."""
        kind = "individual" if account.kind == "individual" else "organisation"
        residents = self._rng.randint(*RESIDENTS[kind])
        norms = {code: int(NORMS[code] * residents * 1000) for code in self._water}
        meters = list(account.meters)
        services = {meter.service for meter in meters} if meters else set(self._water)
        if not meters and account.private_house:
            services &= {"cold_water"}  # a private house is rarely on a hot-water network
        volumes = {}
        for code in self._water:
            if code not in services:
                continue
            own = [meter for meter in meters if meter.service == code]
            if not own:
                volumes[code] = [norms[code]] * len(self.periods)
                continue
            per_meter = [
                self._meter_volumes(meter, consumption, norms[code] // len(own)) for meter in own
            ]
            volumes[code] = [sum(month) for month in zip(*per_meter, strict=True)]
        return volumes

    def _meter_volumes(self, meter: Meter, consumption: dict[tuple, int], norm: int) -> list[int]:
        """A reading's consumption spread over the months since the one before; months without
        a reading later on average, then (and before any reading) the norm."""
        volumes: list[int | None] = [None] * len(self.periods)
        previous = None
        for index, period in enumerate(self.periods):
            used = consumption.get((meter.id, period))
            if used is None:
                continue
            months = 1 if previous is None else index - previous
            share, rest = divmod(used, months)
            for month in range(index - months + 1, index + 1):
                volumes[month] = share
            volumes[index] = share + rest
            previous = index
        known = [volume for volume in volumes if volume is not None]
        average = sum(known) // len(known) if known else norm
        result, since = [], None
        for index, volume in enumerate(volumes):
            if volume is not None:
                result.append(volume)
                since = index
            elif since is not None and index - since <= AVERAGE_MONTHS:
                result.append(average)
            else:
                result.append(norm)
        return result

    def _charge(self, account: Account, period: date, volumes: dict[str, list[int]]) -> int:
        index = self.periods.index(period)
        imported_at = self._moment(add_months(period, 1))
        total = 0
        for service in self._billed:
            if service == SEWERAGE:
                volume = sum(months[index] for months in volumes.values()) if volumes else None
            else:
                volume = volumes[service][index] if service in volumes else None
            tariff = self.tariffs.kopecks(service, period)
            if volume is None or tariff is None:
                continue
            amount = charge_kopecks(volume, tariff)
            total += amount
            self.rows.charges.append(
                {
                    "tenant_id": self.rows.tenant_id,
                    "account_id": account.id,
                    "period": period,
                    "service": service,
                    "volume_milli": volume,
                    "tariff_kopecks": tariff,
                    "amount_kopecks": amount,
                    "imported_at": imported_at,
                }
            )
        return total

    def _payments(self, account: Account, totals: list[int], payer: str) -> None:
        """Each period's receipt paid in the month after it, on the payer's usual day."""
        rng = self._rng
        usual_day = rng.randint(PAY_DAYS[0] + 1, PAY_DAYS[1] - 1)
        channel = self._channel(account)
        behind = int(payer.split(":")[1]) if payer.startswith("arrears:") else 0
        # Stopped paying `behind` months before the last receipt (which is paid as usual).
        unpaid = set(range(len(totals) - 1 - behind, len(totals) - 1)) if behind else set()
        fixed = _round_up(median_low(totals) * OVERPAY, ROUND_SUM) if totals else 0
        carried = 0
        for index, (period, total) in enumerate(zip(self.periods, totals, strict=True)):
            day = min(max(usual_day + rng.randint(-3, 3), PAY_DAYS[0]), PAY_DAYS[1])
            paid_on = add_months(period, 1).replace(day=day)
            if index in unpaid or paid_on > self._today:
                continue
            amount = total + carried
            if payer == "overpays":  # the round sum, or more in a month of a larger receipt
                amount = max(fixed, _round_up(Decimal(total), ROUND_SUM))
            late = payer == "exact" and rng.random() < LATE_SHARE and index < len(totals) - 2
            if late:
                carried += total  # paid together with the next receipt
                continue
            carried = 0
            if amount <= 0:
                continue
            self.rows.payments.append(
                {
                    "tenant_id": self.rows.tenant_id,
                    "id": new_id(),
                    "account_id": account.id,
                    "paid_on": paid_on,
                    "amount_kopecks": amount,
                    "channel": self._other_channel(channel),
                    "import_key": f"demo:{paid_on:%Y-%m}",
                    "created_at": self._moment(paid_on + timedelta(days=1)),
                }
            )

    def _channel(self, account: Account) -> str:
        groups = payer_groups(account)
        centre = any(
            option.method == "settlement_centre" and groups & set(option.payers)
            for option in self._tenant.config.payments.options
        )
        if centre:
            return "settlement_centre"
        if account.kind != "individual":
            return ORGANISATION_CHANNEL
        return self._channels.draw()

    def _other_channel(self, usual: str) -> str:
        if usual in CHANNELS and self._rng.random() < OTHER_CHANNEL_SHARE:
            return self._rng.choice(sorted(CHANNELS))
        return usual

    def _moment(self, day: date) -> datetime:
        """When a file of `day` came in (never later than now)."""
        moment = datetime.combine(day, IMPORTED_AT, tzinfo=self._zone)
        return min(moment, self._now)


def _round_up(kopecks: Decimal, step: int) -> int:
    return int((kopecks / step).quantize(Decimal(1), rounding=ROUND_CEILING)) * step


def read_consumption(first: date, last: date) -> dict[tuple, int]:
    """(meter id, period) → m³/1000 read for the period (zones together), tenant in scope."""
    rows = db.session.execute(
        select(Reading.meter_id, Reading.period, ReadingVersion.consumption_milli)
        .join(ReadingVersion, ReadingVersion.id == Reading.version_id)
        .where(Reading.period >= first, Reading.period <= last)
    )
    used: dict[tuple, int] = defaultdict(int)
    for meter_id, period, consumption in rows:
        if consumption is not None:
            used[(meter_id, period)] += max(consumption, 0)
    return dict(used)


def login_payers(tenant, logins: Sequence[Sequence[Account]]) -> dict:
    """A picture worth showing on the demo sign-ins that see money: the first account one month
    behind (a small debt), the next paying a round sum ahead (a credit), the rest paid up."""
    accounts = [account for group in logins for account in group]
    shown = [account for account in accounts if sees_statement(tenant, account)]
    payers = {account.id: "exact" for account in accounts}
    for account, payer in zip(shown, ("arrears:1", "overpays"), strict=False):
        payers[account.id] = payer
    return payers


def seed_money(
    tenant, accounts: Sequence[Account], *, logins: Sequence[Sequence[Account]], now: datetime
) -> None:
    """Charges, payments and the tariff list for `accounts` (the tenant in scope), from the
    readings stored for them."""
    generator = MoneyGenerator(tenant, now)
    consumption = read_consumption(generator.periods[0], generator.periods[-1])
    payers = login_payers(tenant, logins)
    # In a stable order whether the accounts were just made or loaded from the database.
    for account in sorted(accounts, key=lambda account: (account.number, account.address)):
        generator.add(account, consumption, payers.get(account.id))
    generator.rows.write()
