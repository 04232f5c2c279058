"""`flask --app wsgi billing import SLUG KIND FILE` and `billing export-readings SLUG --period`."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.billing.exchange.exports import export_readings
from app.billing.exchange.importer import import_file
from app.billing.exchange.values import Invalid, period
from app.billing.models import IMPORT_KINDS
from app.extensions import db

billing_cli = AppGroup("billing", help="Billing data exchange: imports and the readings export.")


def _tenant(slug: str):
    tenant = current_app.extensions["tenant_cache"].directory().by_slug.get(slug)
    if tenant is None:
        raise click.ClickException(f"no tenant {slug!r}")
    return tenant


@billing_cli.command("import")
@click.argument("slug")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(slug: str, kind: str, file: Path) -> None:
    """Import FILE, a CSV of KIND (SPEC §4), into SLUG: every row, or on any problem none."""
    tenant = _tenant(slug)
    started = time.perf_counter()
    try:
        result = import_file(tenant, kind, file)
    except BaseException:
        db.session.rollback()
        raise
    if not result.ok:
        db.session.rollback()
        for problem in result.problems:
            where = (
                f"line {problem.line}, {problem.column}"
                if problem.column
                else (f"line {problem.line}")
            )
            click.echo(f"{where}: {problem.reason}")
        hidden = result.problem_count - len(result.problems)
        if hidden:
            click.echo(f"… and {hidden} more")
        click.echo(result.message)
        raise click.exceptions.Exit(1)
    db.session.commit()
    click.echo(
        f"{kind}: {result.rows} rows — {result.inserted} inserted, {result.updated} updated, "
        f"{result.unchanged} unchanged ({time.perf_counter() - started:.1f} s)"
    )


@billing_cli.command("export-readings")
@click.argument("slug")
@click.option("--period", "period_text", required=True, metavar="YYYY-MM")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the CSV here instead of standard output.",
)
def export_readings_command(slug: str, period_text: str, output: Path | None) -> None:
    """The current readings of SLUG for one billing period as CSV (SPEC §4), streamed."""
    tenant = _tenant(slug)
    try:
        billing_period = period(period_text)
    except Invalid as exc:
        raise click.BadParameter(exc.reason, param_hint="--period") from None
    chunks = export_readings(tenant, billing_period)
    if output is None:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    lines = 0
    with output.open("w", encoding="utf-8", newline="") as file:
        for chunk in chunks:
            file.write(chunk)
            lines += chunk.count("\n")
    click.echo(f"{max(lines - 1, 0)} readings of {period_text} written to {output}", err=True)
