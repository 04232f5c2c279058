"""What a new reading is compared with: the previous value and the usual monthly consumption."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from sqlalchemy import select

from app.accounts.models import Meter
from app.extensions import db
from app.periods import months_spanned
from app.readings.models import Reading
from app.readings.values import meter_maximum

AVERAGE_OVER = 12  # periods of history the usual consumption is averaged over


@dataclass(frozen=True)
class Baseline:
    previous_milli: int | None  # last value before this period (or the meter's initial value)
    previous_period: date | None  # when it was taken (None: the meter's initial value)
    average_milli: int | None  # usual monthly consumption; None without enough history
    current_milli: int | None  # already submitted for this period (a re-submission replaces it)
    current_flagged: bool = False


def consumption(previous: int, value: int, digits: int) -> int:
    """Consumption between two values, counting a roll-over past the meter's maximum."""
    return value - previous if value >= previous else value + meter_maximum(digits) - previous


def baselines(meters: list[Meter], period: date) -> dict[tuple[uuid.UUID, int], Baseline]:
    """Baseline per (meter id, zone) for readings of `period`, in one query."""
    if not meters:
        return {}
    history: dict[tuple, list] = defaultdict(list)
    # Plain rows, not Reading objects: the form reads them once and never changes them.
    rows = db.session.execute(
        select(Reading.meter_id, Reading.zone, Reading.period, Reading.value_milli, Reading.flagged)
        .where(Reading.meter_id.in_([m.id for m in meters]), Reading.period <= period)
        .order_by(Reading.period)
    )
    for reading in rows:
        history[(reading.meter_id, reading.zone)].append(reading)
    result = {}
    for meter in meters:
        for zone in range(1, meter.zones + 1):
            result[(meter.id, zone)] = _baseline(meter, zone, history[(meter.id, zone)], period)
    return result


def _baseline(meter: Meter, zone: int, readings: list, period: date) -> Baseline:
    current = next((r for r in readings if r.period == period), None)
    before = [r for r in readings if r.period < period][-AVERAGE_OVER - 1 :]
    values = [(None, meter.initial_value_milli)] if meter.initial_value_milli is not None else []
    values += [(r.period, r.value_milli) for r in before]
    steps = [
        (consumption(a, b, meter.digits), months_spanned(pa, pb))
        for (pa, a), (pb, b) in pairwise(values)
        if pa is not None  # the gap since the initial value is unknown
    ]
    months = sum(n for _, n in steps)
    average = sum(c for c, _ in steps) // months if months else None
    previous_period, previous = values[-1] if values else (None, None)
    return Baseline(
        previous_milli=previous,
        previous_period=previous_period,
        average_milli=average,
        current_milli=current.value_milli if current else None,
        current_flagged=bool(current and current.flagged),
    )
