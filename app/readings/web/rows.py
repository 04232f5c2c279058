"""The reading sheet as the resident's pages show it: meters with their zone rows, what was typed,
the verdict on it and the words around it (service, previous value, zone)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import Meter
from app.readings.sheet import SheetCheck, SheetRow, check_sheet
from app.readings.validation import BLOCKED, CONFIRM, EMPTY, OK, REFUSED, RowCheck
from app.readings.values import format_value
from app.tenancy.context import get_current_tenant

# Two-rate meters: the seed's «дополнительная строка» takes the second zone's value.
ZONE_LABELS = {1: _l("T1 (день)"), 2: _l("T2 (ночь)")}


def reading_value(milli: int | None) -> str:
    """Thousandths → «1234» or «1234,5» with the current tenant's decimals (a template filter)."""
    tenant = get_current_tenant()
    return format_value(milli, tenant.config.readings.decimals if tenant else 0)


def period_name(period: date) -> str:
    """«ноябрь 2026»: a billing period in words."""
    return format_date(period, "LLLL yyyy")


@dataclass(frozen=True)
class FormRow:
    """One meter zone: the sheet row, what was typed into it and the verdict."""

    row: SheetRow
    check: RowCheck
    raw: str

    @property
    def key(self) -> str:
        return self.row.key

    @property
    def zone_label(self) -> str | None:
        return str(ZONE_LABELS[self.row.zone]) if self.row.meter.zones > 1 else None

    @property
    def status(self) -> str:
        return self.check.status

    @property
    def transmittable(self) -> bool:
        """Goes on to the transmit step: valid, or valid once the resident confirms it."""
        return self.check.status in (OK, CONFIRM)

    @property
    def skipped(self) -> bool:
        """Left empty or refused: not transmitted, billed on average (SPEC §3)."""
        return self.check.status in (EMPTY, REFUSED)

    @property
    def refused(self) -> bool:
        return self.check.status == REFUSED

    @property
    def previous_when(self) -> str | None:
        """When the previous value was taken: a period, or the meter's starting value."""
        baseline, meter = self.row.baseline, self.row.meter
        if baseline.previous_milli is None:
            return None
        if baseline.previous_period is not None:
            return _("за %(period)s", period=period_name(baseline.previous_period))
        if meter.initial_on is not None:
            return _("на начало, %(date)s", date=format_date(meter.initial_on))
        return _("на начало")


@dataclass(frozen=True)
class MeterGroup:
    """A meter and its rows (one, or two for a two-rate meter) with the main row's choices."""

    meter: Meter
    rows: list[FormRow]
    service: object | None  # the tenant's service entry (name, unit, note)
    calculation_type: str | None
    note: str | None

    @property
    def expired(self) -> bool:
        return self.rows[0].row.expired

    @property
    def blocked_message(self) -> str | None:
        return self.rows[0].check.message if self.rows[0].status == BLOCKED else None

    @property
    def service_name(self) -> str:
        return self.service.name if self.service else self.meter.service

    @property
    def unit(self) -> str:
        return self.service.unit if self.service else "м³"

    @property
    def transmittable(self) -> bool:
        return any(row.transmittable for row in self.rows)


@dataclass(frozen=True)
class SheetView:
    """Everything the form and the check page show about a sheet."""

    groups: list[MeterGroup]
    check: SheetCheck

    @property
    def rows(self) -> list[FormRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def takes_readings(self) -> bool:
        """Some meter on the sheet is within its verification date."""
        return any(not group.expired for group in self.groups)

    @property
    def anything_typed(self) -> bool:
        return any(row.status not in (EMPTY, BLOCKED) for row in self.rows)

    @property
    def can_transmit(self) -> bool:
        """The transmit button: something valid, and what needs confirming is ticked there."""
        return any(row.transmittable for row in self.rows)

    @property
    def skipped_meters(self) -> int:
        """Meters (not zones) with a row that will not be transmitted: left empty or refused."""
        return sum(1 for group in self.groups if any(row.skipped for row in group.rows))

    @property
    def refused(self) -> bool:
        return any(row.refused for row in self.rows)

    @property
    def service_notes(self) -> list:
        """Notes of the services on this sheet (e.g. hot water billed by another company)."""
        notes = {}
        for group in self.groups:
            if group.service and group.service.note:
                notes.setdefault(group.service.code, group.service)
        return list(notes.values())


def sheet_view(tenant, rows: list[SheetRow], form: Mapping[str, str], today: date) -> SheetView:
    """Check `form` against the sheet and group the rows by meter for display."""
    check = check_sheet(tenant, rows, form, today)
    services = {service.code: service for service in tenant.config.services}
    groups: list[MeterGroup] = []
    for row, verdict in zip(rows, check.rows, strict=True):
        item = FormRow(row, verdict, (form.get(f"value-{row.key}") or "").strip())
        if groups and groups[-1].meter.id == row.meter.id:
            groups[-1].rows.append(item)
            continue
        groups.append(
            MeterGroup(
                meter=row.meter,
                rows=[item],
                service=services.get(row.meter.service),
                calculation_type=_choice(
                    tenant.config.readings.calculation_types, form.get(f"calc-{row.meter.id}")
                ),
                note=_choice(tenant.config.readings.notes, form.get(f"note-{row.meter.id}")),
            )
        )
    return SheetView(groups, check)


def _choice(entries, raw: str | None) -> str | None:
    return raw if raw in {entry.code for entry in entries} else None
