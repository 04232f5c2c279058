"""The protocol of one transmission («Протокол передачи показаний», Moscow's seed): what was
transmitted, when, how and by whom, as a PDF the resident can print or keep."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _

from app.accounts.models import Account, Contract, Meter
from app.clock import now
from app.pdf.document import TenantDocument
from app.readings.archive.labels import (
    author_label,
    calculation_type_label,
    channel_label,
    local_time,
    note_label,
    period_name,
    service_name,
    service_unit,
    value_text,
    zone_name,
)
from app.readings.baselines import baselines
from app.readings.models import Submission
from app.readings.values import meter_maximum


@dataclass(frozen=True)
class ProtocolRow:
    serial: str
    service: str
    zone: int
    two_rate: bool
    previous: str
    current: str
    consumption: str
    calculation_type: str
    note: str
    flagged: bool


def protocol_rows(tenant, submission: Submission, meters: list[Meter]) -> list[ProtocolRow]:
    """One row per transmitted value, meters in serial order."""
    by_id = {meter.id: meter for meter in meters}
    versions = sorted(submission.versions, key=lambda v: (by_id[v.meter_id].serial, v.zone))
    # The consumption stored with each value gives the previous value as it was then; values
    # stored without one (imports) take the reading before the period instead.
    known = {}
    if any(version.consumption_milli is None for version in versions):
        known = baselines([by_id[v.meter_id] for v in versions], submission.period)
    rows = []
    for version in versions:
        meter = by_id[version.meter_id]
        if version.consumption_milli is not None:
            previous = version.value_milli - version.consumption_milli
            if previous < 0:  # the meter rolled over past its maximum
                previous += meter_maximum(meter.digits)
            used = version.consumption_milli
        else:
            previous = known[(meter.id, version.zone)].previous_milli
            used = None
        unit = service_unit(tenant, meter.service)
        rows.append(
            ProtocolRow(
                serial=meter.serial,
                service=service_name(tenant, meter.service),
                zone=version.zone,
                two_rate=meter.zones > 1,
                previous=value_text(tenant, previous),
                current=value_text(tenant, version.value_milli),
                consumption=f"{value_text(tenant, used)} {unit}" if used is not None else "—",
                calculation_type=calculation_type_label(tenant, version.calculation_type),
                note=note_label(tenant, version.note),
                flagged=version.flagged,
            )
        )
    return rows


def render_protocol(
    tenant, account: Account, submission: Submission, contract: Contract | None
) -> bytes:
    """The protocol as a PDF."""
    title = _("Протокол передачи показаний № %(number)s", number=submission.number)
    document = TenantDocument(tenant, title)
    document.heading(title)
    facts = [
        (_("Лицевой счёт"), account.number),
        (_("Адрес"), account.address),
    ]
    if contract is not None:
        facts.append(
            (
                _("Договор"),
                _(
                    "№ %(number)s от %(date)s",
                    number=contract.number,
                    date=format_date(contract.signed_on, "dd.MM.yyyy"),
                ),
            )
        )
    facts += [
        (_("Расчётный период"), period_name(submission.period)),
        (
            _("Передано"),
            f"{local_time(tenant, submission.created_at)} "
            f"({zone_name(tenant, submission.created_at)})",
        ),
        (_("Способ передачи"), channel_label(submission.channel)),
        (_("Кто передал"), author_label(submission)),
    ]
    document.facts(facts)
    rows = protocol_rows(tenant, submission, account.meters)
    _rows_table(document, rows)
    if any(row.flagged for row in rows):
        document.paragraph(
            _(
                "«Проверить» — расход намного больше обычного: показание передано после "
                "подтверждения, специалисты водоканала его проверят (возможна утечка)."
            ),
            size=8.5,
        )
    document.ln(2)
    document.paragraph(
        _(
            "Протокол сформирован автоматически %(time)s. Номер протокола подтверждает, что "
            "показания переданы; назовите его, если обратитесь в водоканал.",
            time=local_time(tenant, now()),
        ),
        size=8.5,
        muted=True,
    )
    return document.pdf_bytes()


def _rows_table(document: TenantDocument, rows: list[ProtocolRow]) -> None:
    # Millimetres of A4 portrait (180 usable); a zone column only when a meter has two rates.
    two_rate = any(row.two_rate for row in rows)
    headings = [_("Прибор учёта"), _("Услуга")]
    widths = [25, 27]
    if two_rate:
        headings.append(_("Зона"))
        widths.append(10)
    headings += [
        _("Предыдущее"),
        _("Текущее"),
        _("Расход"),
        _("Вид расчёта, примечание"),
        _("Отметка"),
    ]
    widths += [25, 21, 21, 32 if two_rate else 42, 19]
    align = ["LEFT", "LEFT"] + (["CENTER"] if two_rate else []) + ["RIGHT"] * 3 + ["LEFT"] * 2
    cells = []
    for row in rows:
        line = [row.serial, row.service]
        if two_rate:
            line.append(str(row.zone) if row.two_rate else "")
        line += [
            row.previous,
            row.current,
            row.consumption,
            "; ".join(part for part in (row.calculation_type, row.note) if part),
            _("проверить") if row.flagged else "",
        ]
        cells.append(line)
    document.data_table(
        headings,
        cells,
        widths=widths,
        align=align,
        marked=[index for index, row in enumerate(rows) if row.flagged],
    )
