"""`flask --app wsgi readings window SLUG [--at ISO-8601] [--json]`."""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from app import clock
from app.readings.windows import ReadingWindow, window_state

readings_cli = AppGroup("readings", help="Meter readings.")


def _describe(window: ReadingWindow) -> dict:
    return {
        "opens_at": window.opens_at.isoformat(),
        "closes_at": window.closes_at.isoformat(),
        "last_day": window.last_day.isoformat(),
        "period": window.period_label,
    }


@readings_cli.command("window")
@click.argument("slug")
@click.option(
    "--at",
    "at",
    help="The moment to evaluate (ISO 8601, with or without offset; "
    "without one it is read in the tenant's time zone). Default: now.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def window_command(slug: str, at: str | None, as_json: bool) -> None:
    """Is the reading window of SLUG open at that moment? Its span and billing period, or the next."""
    tenant = current_app.extensions["tenant_cache"].directory().by_slug.get(slug)
    if tenant is None:
        raise click.ClickException(f"no tenant {slug!r}")
    moment = clock.now()
    if at:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise click.ClickException(f"--at: not an ISO 8601 moment: {at!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tenant.time_zone)
    state = window_state(tenant, moment)
    report = {
        "tenant": slug,
        "at": moment.astimezone(tenant.time_zone).isoformat(),
        "time_zone": tenant.config.time_zone,
        "open": state.is_open,
        "window": _describe(state.open) if state.open else None,
        "next": _describe(state.upcoming),
    }
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"{slug} at {report['at']} ({tenant.config.time_zone}):")
    if state.open:
        window = state.open
        click.echo(
            f"  open: {window.opens_at.isoformat()} — {window.closes_at.isoformat()} "
            f"(last day {window.last_day.isoformat()}), billing period {window.period_label}"
        )
    else:
        click.echo("  closed")
    upcoming = state.upcoming
    click.echo(
        f"  next: {upcoming.opens_at.isoformat()} — {upcoming.closes_at.isoformat()} "
        f"(last day {upcoming.last_day.isoformat()}), billing period {upcoming.period_label}"
    )
