"""The consumption chart as SVG drawn on the server: readable without JavaScript, scales down to a
360 px screen, and says in words what it shows (its <title> and <desc>)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from app.readings.archive.consumption import Bar, ConsumptionSeries
from app.readings.archive.labels import (
    approximate_text,
    month_abbreviation,
    period_name,
    service_name,
    service_unit,
    value_text,
    zone_label,
)

WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 38, 8, 22, 36
FLAGGED_COLOUR = "#b3261e"  # the site's error red; the «!» says it without colour too
LABEL_SPACE = 24  # px a month label needs, so every second or third is left out when crowded


@dataclass(frozen=True)
class BarShape:
    x: float
    y: float
    width: float
    height: float
    centre: float
    flagged: bool
    tooltip: str
    period: str  # YYYY-MM
    month: str  # the axis label; empty when crowded out
    year: str  # under the first label and under each January

    @property
    def marker_y(self) -> float:
        return round(self.y - 4, 1)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str

    @property
    def label_y(self) -> float:
        return round(self.y + 3.5, 1)


@dataclass(frozen=True)
class ChartLayout:
    id: str
    title: str
    description: str
    unit: str
    colour: str
    bars: list[BarShape]
    ticks: list[Tick]
    average_y: float | None
    average_label: str
    empty_message: str | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    flagged_colour: str = FLAGGED_COLOUR

    @property
    def average_label_y(self) -> float | None:
        """Above the line, or below it when the line runs along the top."""
        if self.average_y is None:
            return None
        return round(
            self.average_y - 4 if self.average_y - self.top > 12 else self.average_y + 12, 1
        )


def render_chart(tenant, series: ConsumptionSeries) -> Markup:
    """The SVG element for `series` (inline in the history page, or served as chart.svg)."""
    return Markup(render_template("readings/_chart.svg", chart=chart_layout(tenant, series)))


def chart_layout(tenant, series: ConsumptionSeries) -> ChartLayout:
    """Every coordinate and text of the chart, so the template only writes elements."""
    meter = series.meter
    unit = service_unit(tenant, meter.service)
    average = series.average_milli
    top_milli, step_milli = _scale(max([bar.monthly_milli for bar in series.bars] + [average or 0]))
    plot_height = HEIGHT - BOTTOM - TOP

    def y_of(milli: int) -> float:
        return round(HEIGHT - BOTTOM - milli / top_milli * plot_height, 1)

    ticks = [
        Tick(y_of(milli), _axis_number(milli)) for milli in range(0, top_milli + 1, step_milli)
    ]
    return ChartLayout(
        id=f"chart-{meter.id.hex}",
        title=_(
            "Расход по прибору %(serial)s (%(service)s), %(unit)s в месяц",
            serial=meter.serial,
            service=service_name(tenant, meter.service),
            unit=unit,
        ),
        description=_describe(tenant, series, unit),
        unit=unit,
        colour=tenant.config.branding.primary_colour or "#0b5fa5",
        bars=_bar_shapes(tenant, series, unit, y_of),
        ticks=ticks,
        average_y=y_of(average) if average is not None else None,
        average_label=_("среднее %(value)s", value=approximate_text(tenant, average)),
        empty_message=None if series.bars else _("Недостаточно показаний для графика."),
    )


def _bar_shapes(tenant, series: ConsumptionSeries, unit: str, y_of) -> list[BarShape]:
    bars = series.bars
    if not bars:
        return []
    slot = (WIDTH - RIGHT - LEFT) / len(bars)
    width = min(slot * 0.7, 28)
    every = math.ceil(LABEL_SPACE / slot)
    shapes, last_year = [], None
    for index, bar in enumerate(bars):
        x = LEFT + index * slot + (slot - width) / 2
        top = y_of(bar.monthly_milli)
        # Zero consumption still shows as a hairline: the period is there, nothing was used.
        height = max(round(HEIGHT - BOTTOM - top, 1), 0.8)
        labelled = (len(bars) - 1 - index) % every == 0
        year = ""
        if labelled and (last_year != bar.period.year or bar.period.month == 1):
            year, last_year = str(bar.period.year), bar.period.year
        shapes.append(
            BarShape(
                x=round(x, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(width, 1),
                height=height,
                centre=round(x + width / 2, 1),
                flagged=bar.flagged,
                tooltip=_bar_tooltip(tenant, series.meter, bar, unit),
                period=bar.period.strftime("%Y-%m"),
                month=month_abbreviation(bar.period) if labelled else "",
                year=year,
            )
        )
    return shapes


def _bar_tooltip(tenant, meter, bar: Bar, unit: str) -> str:
    text = f"{period_name(bar.period)}: {approximate_text(tenant, bar.monthly_milli)} {unit}"
    if bar.months > 1:
        text += " " + _(
            "в месяц (всего %(total)s %(unit)s за %(months)d мес. после показания за %(since)s)",
            total=value_text(tenant, bar.total_milli),
            unit=unit,
            months=bar.months,
            since=period_name(bar.since),
        )
    if bar.zones:
        parts = ", ".join(
            f"{zone_label(meter, zone)}: {value_text(tenant, used)}" for zone, used in bar.zones
        )
        text += f" ({parts})"
    if bar.flagged:
        text += " — " + _("расход намного больше обычного, отмечен для проверки")
    return text


def _describe(tenant, series: ConsumptionSeries, unit: str) -> str:
    """The chart in words for screen readers: every month's value, the average, the flags."""
    if not series.bars:
        return _("Недостаточно показаний, чтобы посчитать расход по месяцам.")
    months = "; ".join(
        f"{period_name(bar.period)} — {approximate_text(tenant, bar.monthly_milli)}"
        + (" (!)" if bar.flagged else "")
        for bar in series.bars
    )
    text = _("Расход по месяцам, %(unit)s: %(months)s.", unit=unit, months=months)
    text += " " + _(
        "Среднее — %(value)s %(unit)s в месяц.",
        value=approximate_text(tenant, series.average_milli),
        unit=unit,
    )
    if series.flagged:
        text += " " + _(
            "Отмечены для проверки (резкий рост расхода): %(periods)s.",
            periods=", ".join(period_name(bar.period) for bar in series.flagged),
        )
    return text


def _scale(maximum_milli: int) -> tuple[int, int]:
    """The top of the value axis and its step: 1, 2 or 5 times a power of ten, four steps or
    fewer."""
    maximum_milli = max(maximum_milli, 1000)
    raw_step = maximum_milli / 4
    power = 10 ** math.floor(math.log10(raw_step))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw_step)
    step = max(int(step), 1)
    return math.ceil(maximum_milli / step) * step, step


def _axis_number(milli: int) -> str:
    return f"{Decimal(milli) / 1000:f}".replace(".", ",")
