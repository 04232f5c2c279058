"""The printable archive of readings (Moscow's seed: outside the window residents can still view
the history and print the archive): the history page's rows as a landscape PDF."""

from __future__ import annotations

from flask_babel import gettext as _

from app.accounts.models import Account
from app.clock import now
from app.pdf.document import TenantDocument
from app.readings.archive.history import History, HistoryFilter
from app.readings.archive.labels import local_time, period_name, service_name, zone_name


def render_archive(tenant, account: Account, chosen: HistoryFilter, history: History) -> bytes:
    """The archive of the chosen meters and periods as a PDF."""
    title = _("Архив показаний по лицевому счёту %(number)s", number=account.number)
    document = TenantDocument(tenant, title, landscape=True)
    generated = now()
    document.footer_note = _("сформирован %(time)s", time=local_time(tenant, generated))
    document.heading(title)
    meter = chosen.meter
    document.facts(
        [
            (_("Адрес"), account.address),
            (
                _("Приборы учёта"),
                f"{meter.serial} ({service_name(tenant, meter.service)})"
                if meter
                else _("все приборы лицевого счёта"),
            ),
            (_("Период"), _period_range(history)),
            (_("Часовой пояс"), zone_name(tenant, generated)),
        ]
    )
    if history.truncated:
        document.paragraph(
            _(
                "Показаны последние расчётные периоды (%(count)d); более ранние — в архиве с "
                "другим периодом «по».",
                count=len(history.periods),
            ),
            muted=True,
        )
        document.ln(2)
    if not history.rows:
        document.paragraph(_("За выбранный период показаний нет."))
        return document.pdf_bytes()
    headings = [
        _("Передано"),
        _("Период"),
        _("Прибор учёта"),
        _("Показание"),
        _("Расход"),
        _("Способ"),
        _("Кто передал"),
        _("Вид расчёта, примечание"),
        _("Отметка"),
    ]
    cells = [
        [
            row.submitted_at,
            row.period_name,
            row.meter_label,
            row.value,
            f"{row.consumption} {row.unit}" if row.consumption != "—" else row.consumption,
            row.channel,
            row.author,
            "; ".join(part for part in (row.calculation_type, row.note) if part),
            ", ".join(_marks(row)),
        ]
        for row in history.rows
    ]
    document.data_table(
        headings,
        cells,
        widths=(28, 24, 30, 22, 21, 16, 44, 52, 30),  # mm of A4 landscape (267 usable)
        align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT", "LEFT", "LEFT", "LEFT"),
        marked=[index for index, row in enumerate(history.rows) if row.flagged],
    )
    if any(row.flagged for row in history.rows):
        document.paragraph(
            _("«Проверить» — расход намного больше обычного; специалисты водоканала проверят."),
            size=8.5,
        )
    return document.pdf_bytes()


def _marks(row) -> list[str]:
    marks = []
    if row.flagged:
        marks.append(_("проверить"))
    if not row.current:
        marks.append(_("заменено"))
    return marks


def _period_range(history: History) -> str:
    if not history.periods:
        return "—"
    oldest, newest = history.periods[-1], history.periods[0]
    if oldest == newest:
        return period_name(newest)
    return f"{period_name(oldest)} — {period_name(newest)}"
