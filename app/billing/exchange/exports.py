"""The readings export of SPEC §4: the current reading of every meter and zone in one period.

`export_readings(tenant, period)` is a generator of CSV text that fetches the rows in batches
(on PostgreSQL formatted by the server and streamed by COPY: `export_copy`), so a million readings
stream in constant memory — to a file
from the CLI, or as a download from /admin (wrap it in `stream_with_context`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, select

from app.accounts.models import Account, Meter
from app.billing.exchange import export_copy
from app.extensions import db
from app.readings.models import Reading, ReadingVersion, Submission
from app.tenancy.context import tenant_scope
from app.tenancy.snapshot import TenantSnapshot

COLUMNS = (
    "account_number",
    "meter_serial",
    "service",
    "zone",
    "period",
    "value",
    "submitted_at",
    "channel",
)
BATCH = 2000


class _Lines:
    """What csv.writer writes, handed out a batch at a time."""

    def __init__(self):
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def take(self) -> str:
        text, self._parts = "".join(self._parts), []
        return text


def export_readings(tenant: TenantSnapshot, period: date) -> Iterator[str]:
    """The header line, then the readings of `period` as CSV lines, a batch per item."""
    lines = _Lines()
    writer = csv.writer(lines, lineterminator="\n")
    writer.writerow(COLUMNS)
    yield lines.take()
    value_text = value_formatter(tenant.config.readings.decimals)
    zone, label = tenant.time_zone, f"{period:%Y-%m}"
    with tenant_scope(tenant):
        if db.session.get_bind().dialect.name == "postgresql":
            yield from export_copy.stream_readings(tenant, period, BATCH)
            return
        result = db.session.execute(_readings(period).execution_options(yield_per=BATCH))
        for batch in result.partitions():
            writer.writerows(
                (
                    number,
                    serial,
                    service,
                    meter_zone,
                    label,
                    value_text(value),
                    submitted_at.astimezone(zone).isoformat(timespec="seconds"),
                    channel,
                )
                for number, serial, service, meter_zone, value, submitted_at, channel in batch
            )
            yield lines.take()


def _readings(period: date):
    return (
        select(
            Account.number,
            Meter.serial,
            Meter.service,
            Reading.zone,
            Reading.value_milli,
            ReadingVersion.created_at,
            Submission.channel,
        )
        .select_from(Reading)
        .join(Meter, and_(Meter.tenant_id == Reading.tenant_id, Meter.id == Reading.meter_id))
        .join(Account, and_(Account.tenant_id == Meter.tenant_id, Account.id == Meter.account_id))
        .join(
            ReadingVersion,
            and_(
                ReadingVersion.tenant_id == Reading.tenant_id,
                ReadingVersion.id == Reading.version_id,
            ),
        )
        .join(
            Submission,
            and_(
                Submission.tenant_id == ReadingVersion.tenant_id,
                Submission.id == ReadingVersion.submission_id,
            ),
        )
        .where(Reading.period == period)
        .order_by(Account.number, Meter.serial, Reading.zone)
    )


def value_formatter(decimals: int) -> Callable[[int], str]:
    """Thousandths → the value with the tenant's `decimals` and «.» (billing systems read it)."""
    step = 10 ** (3 - decimals)
    places = Decimal(1).scaleb(-decimals)

    def value_text(milli: int) -> str:
        if milli % step:  # more precision than the tenant shows: round as the cabinet does
            return f"{(Decimal(milli) / 1000).quantize(places):f}"
        if not decimals:
            return str(milli // 1000)
        return f"{milli // 1000}.{milli % 1000 // step:0{decimals}d}"

    return value_text
