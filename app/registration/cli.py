"""`flask --app wsgi registration ...`: housekeeping of online registration."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.registration.tasks import purge_unconfirmed_registrations
from app.tenancy.context import tenant_scope

registration_cli = AppGroup("registration", help="Online registration housekeeping.")


@registration_cli.command("purge-unconfirmed")
def purge_unconfirmed_command() -> None:
    """Delete expired unconfirmed registrations of every tenant and print how many went."""
    total = 0
    for tenant in current_app.extensions["tenant_cache"].directory().ordered():
        with tenant_scope(tenant):
            count = purge_unconfirmed_registrations()
            db.session.commit()  # one transaction per tenant: a later failure keeps these
        total += count
        click.echo(f"{tenant.slug}: {count}")
    click.echo(f"total: {total}")
