"""`flask --app wsgi tenants ...`: load the tenant files, list, suspend and resume utilities."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.tenancy.config.reference import config_reference_markdown
from app.tenancy.loader import TenantLoadError, read_tenant_files, upsert_tenants
from app.tenancy.models import Tenant

tenants_cli = AppGroup("tenants", help="Utilities on the platform and their rules.")


@tenants_cli.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def load_command(paths: tuple[Path, ...]) -> None:
    """Validate and load tenant YAML files (a directory loads every *.yaml in it)."""
    try:
        files = read_tenant_files(list(paths))
        results = upsert_tenants(files)
        db.session.commit()
    except TenantLoadError as exc:
        db.session.rollback()
        raise click.ClickException(f"nothing was loaded:\n{exc}") from None
    for slug, outcome in results:
        click.echo(f"{slug}: {outcome}")


@tenants_cli.command("list")
def list_command() -> None:
    """Print slug, name, status and domains of every tenant."""
    from flask import current_app

    platform = current_app.config["PLATFORM_DOMAIN"]
    tenants = db.session.scalars(
        select(Tenant).options(selectinload(Tenant.domains)).order_by(Tenant.slug)
    ).all()
    if not tenants:
        click.echo("no tenants; run: flask --app wsgi tenants load tenants/")
    for tenant in tenants:
        domains = [f"{tenant.slug}.{platform}", *(d.host for d in tenant.domains)]
        click.echo(f"{tenant.slug}\t{tenant.name}\t{tenant.status}\t{', '.join(domains)}")


def _set_status(slug: str, status: str) -> None:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.ClickException(f"no tenant {slug!r}")
    tenant.status = status
    db.session.commit()
    click.echo(f"{slug}: {status}")


@tenants_cli.command("suspend")
@click.argument("slug")
def suspend_command(slug: str) -> None:
    """Suspend a utility: its residents see a 503 page with the utility's phone."""
    _set_status(slug, "suspended")


@tenants_cli.command("resume")
@click.argument("slug")
def resume_command(slug: str) -> None:
    """Resume a suspended utility."""
    _set_status(slug, "active")


@tenants_cli.command("schema")
def schema_command() -> None:
    """Print the reference of every tenant configuration key (Markdown)."""
    click.echo(config_reference_markdown(), nl=False)
