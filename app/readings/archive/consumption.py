"""A meter's consumption month by month, from its current readings: the data of the chart."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from app.accounts.models import Meter
from app.periods import months_spanned
from app.readings.baselines import consumption
from app.readings.models import Reading

CHART_PERIODS = 24  # two years of bars still fit a 360 px screen


@dataclass(frozen=True)
class Bar:
    """Consumption up to one period's reading from the reading before it."""

    period: date
    total_milli: int
    months: int  # more than 1 when periods without a reading lie between the two
    since: date
    flagged: bool  # a jump the resident confirmed; staff check it
    zones: tuple[tuple[int, int], ...] = ()  # (zone, consumption) of a two-rate meter

    @property
    def monthly_milli(self) -> int:
        """What the bar shows: a gap's consumption is spread over its months."""
        return self.total_milli // self.months


@dataclass(frozen=True)
class ConsumptionSeries:
    meter: Meter
    bars: list[Bar]

    @property
    def average_milli(self) -> int | None:
        """Usual monthly consumption over the bars shown (as `baselines` counts it)."""
        months = sum(bar.months for bar in self.bars)
        return sum(bar.total_milli for bar in self.bars) // months if months else None

    @property
    def flagged(self) -> list[Bar]:
        return [bar for bar in self.bars if bar.flagged]


def monthly_consumption(
    meter: Meter,
    readings: list[Reading],
    first: date | None = None,
    last: date | None = None,
    limit: int = CHART_PERIODS,
) -> ConsumptionSeries:
    """The bars for periods `first`..`last` (the newest `limit` of them) from the meter's current
    readings, which may begin before `first`: the first bar needs the reading before it."""
    by_zone: dict[int, list[Reading]] = defaultdict(list)
    for reading in sorted(readings, key=lambda r: r.period):
        if reading.meter_id == meter.id:
            by_zone[reading.zone].append(reading)
    steps: dict[date, list[tuple[int, int, date, bool]]] = defaultdict(list)
    for zone, zone_readings in sorted(by_zone.items()):
        for before, after in pairwise(zone_readings):
            used = consumption(before.value_milli, after.value_milli, meter.digits)
            steps[after.period].append((zone, used, before.period, after.flagged))
    bars = []
    for period in sorted(steps):
        if (first and period < first) or (last and period > last):
            continue
        parts = steps[period]
        since = min(part[2] for part in parts)
        bars.append(
            Bar(
                period=period,
                total_milli=sum(part[1] for part in parts),
                months=months_spanned(since, period),
                since=since,
                flagged=any(part[3] for part in parts),
                zones=tuple((zone, used) for zone, used, _, _ in parts) if meter.zones > 1 else (),
            )
        )
    return ConsumptionSeries(meter, bars[-limit:] if limit else bars)
