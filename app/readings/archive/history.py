"""An account's reading history: every version of every reading, newest first, with the meters'
consumption series. A fixed number of queries however long the history (SPEC §3: who, when,
channel)."""

from __future__ import annotations

import uuid
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from app.accounts.models import Account, Meter
from app.readings.archive import queries
from app.readings.archive.consumption import ConsumptionSeries, monthly_consumption
from app.readings.archive.labels import (
    author_label,
    calculation_type_label,
    channel_label,
    local_time,
    meter_label,
    note_label,
    period_name,
    service_name,
    service_unit,
    value_text,
)
from app.readings.baselines import consumption
from app.readings.models import Reading, ReadingVersion, Submission

PERIODS_SHOWN = 24  # two years; earlier periods are one «по» filter away


@dataclass(frozen=True)
class HistoryFilter:
    """What the resident chose: one meter (or all of the account's) and a range of periods."""

    meters: list[Meter]
    meter: Meter | None = None
    first: date | None = None
    last: date | None = None

    def query_args(self) -> dict[str, str]:
        """The filter as query-string arguments, for links to the same selection."""
        args = {}
        if self.meter:
            args["meter"] = str(self.meter.id)
        if self.first:
            args["from"] = self.first.strftime("%Y-%m")
        if self.last:
            args["to"] = self.last.strftime("%Y-%m")
        return args


@dataclass(frozen=True)
class VersionRow:
    """One submitted value, as the page and the printed archive show it."""

    submitted_at: str
    period: date
    period_name: str
    meter: Meter
    meter_label: str
    service: str
    value: str
    consumption: str
    unit: str
    channel: str
    author: str
    calculation_type: str
    note: str
    flagged: bool
    current: bool  # False: a later version replaced it
    submission_id: uuid.UUID
    submission_number: str


@dataclass(frozen=True)
class History:
    rows: list[VersionRow]
    periods: list[date]  # shown, newest first
    truncated: bool  # older periods exist and were left out
    series: list[ConsumptionSeries]

    def period_args(self) -> dict[str, str]:
        """The periods shown as `from`/`to`: the chart on its own then shows the same bars."""
        if not self.periods:
            return {}
        return {
            "from": self.periods[-1].strftime("%Y-%m"),
            "to": self.periods[0].strftime("%Y-%m"),
        }


def load_history(
    tenant, account: Account, chosen: HistoryFilter, limit: int = PERIODS_SHOWN
) -> History:
    """The newest `limit` periods of the chosen meters within the chosen range."""
    meter_ids = [meter.id for meter in chosen.meters]
    periods, truncated = queries.recent_periods(
        account, meter_ids, chosen.first, chosen.last, limit
    )
    if not periods:
        return History([], [], False, [ConsumptionSeries(m, []) for m in chosen.meters])
    oldest, newest = periods[-1], periods[0]
    versions = queries.versions_between(account, meter_ids, oldest, newest)
    readings = queries.readings_until(meter_ids, newest)
    series = [monthly_consumption(m, readings, oldest, newest) for m in chosen.meters]
    return History(_rows(tenant, chosen.meters, versions, readings), periods, truncated, series)


def _rows(
    tenant,
    meters: list[Meter],
    versions: list[tuple[ReadingVersion, Submission]],
    readings: list[Reading],
) -> list[VersionRow]:
    by_id = {meter.id: meter for meter in meters}
    current = {reading.version_id for reading in readings}
    earlier = _readings_by_key(readings)
    # Within one submission, meters in serial order; submissions newest first (the query's order).
    ordered = sorted(versions, key=lambda pair: (by_id[pair[0].meter_id].serial, pair[0].zone))
    ordered.sort(key=lambda pair: (pair[1].created_at, pair[1].id), reverse=True)
    rows = []
    for version, submission in ordered:
        meter = by_id[version.meter_id]
        used = _consumption(version, meter, earlier[(meter.id, version.zone)])
        rows.append(
            VersionRow(
                submitted_at=local_time(tenant, submission.created_at),
                period=version.period,
                period_name=period_name(version.period),
                meter=meter,
                meter_label=meter_label(meter, version.zone),
                service=service_name(tenant, meter.service),
                value=value_text(tenant, version.value_milli),
                consumption=value_text(tenant, used) if used is not None else "—",
                unit=service_unit(tenant, meter.service),
                channel=channel_label(submission.channel),
                author=author_label(submission),
                calculation_type=calculation_type_label(tenant, version.calculation_type),
                note=note_label(tenant, version.note),
                flagged=version.flagged,
                current=version.id in current,
                submission_id=submission.id,
                submission_number=submission.number,
            )
        )
    return rows


def _readings_by_key(readings: list[Reading]) -> dict[tuple, list[Reading]]:
    grouped: dict[tuple, list[Reading]] = defaultdict(list)
    for reading in readings:  # oldest first, as queried
        grouped[(reading.meter_id, reading.zone)].append(reading)
    return grouped


def _consumption(version: ReadingVersion, meter: Meter, readings: list[Reading]) -> int | None:
    """As stored when the value was checked; imports store none, so it is worked out from the
    reading before the version's period (or the meter's initial value)."""
    if version.consumption_milli is not None:
        return version.consumption_milli
    before = bisect_left([reading.period for reading in readings], version.period)
    previous = readings[before - 1].value_milli if before else meter.initial_value_milli
    if previous is None:
        return None
    return consumption(previous, version.value_milli, meter.digits)
