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
    from app.tenancy.onboarding import set_tenant_status

    if set_tenant_status(slug, status) is None:
        raise click.ClickException(f"no tenant {slug!r}")
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


def _settlement(_ctx, _param, values):
    pairs = []
    for value in values:
        code, sep, name = value.partition("=")
        if not sep or not code.strip() or not name.strip():
            raise click.BadParameter(f"{value!r}: expected CODE=NAME, e.g. kugesi='пос. Кугеси'")
        pairs.append((code.strip(), name.strip()))
    return pairs


@tenants_cli.command("create")
@click.argument("slug")
@click.option("--from", "template", metavar="TEMPLATE_SLUG", help="Copy this tenant's rules.")
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A complete tenant YAML file instead of a template (its slug must be SLUG).",
)
@click.option("--name", help="Full name, e.g. 'МУП «Водоканал»' (required with --from).")
@click.option("--short-name", help="Name in the header and mail subjects (default: --name).")
@click.option("--city", help="City served (default: the template's).")
@click.option("--time-zone", help="IANA time zone (default: the template's).")
@click.option("--domain", "domains", multiple=True, help="A custom domain; repeatable.")
@click.option("--phone", "phones", multiple=True, help="A contact phone; repeatable.")
@click.option(
    "--settlement",
    "settlements",
    multiple=True,
    callback=_settlement,
    help="CODE=NAME of a settlement; repeatable (default: one, the city).",
)
@click.option(
    "--requisites",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML mapping of the payee requisites (default: the template's — replace them!).",
)
@click.option("--admin-email", required=True, help="The first admin, invited by e-mail.")
@click.option("--admin-name", default="", help="The first admin's full name.")
def create_command(slug, template, file, name, short_name, city, time_zone, domains, phones,
                   settlements, requisites, admin_email, admin_name) -> None:  # fmt: skip
    """Onboard a utility from a template tenant or a YAML file and invite its first admin."""
    from flask import current_app

    from app.tenancy.onboarding import (
        OnboardingError,
        TenantIdentity,
        create_tenant,
        document_from_template,
        parse_yaml_document,
    )

    if bool(template) == bool(file):
        raise click.UsageError("give exactly one of --from TEMPLATE_SLUG and --file PATH")
    try:
        if file:
            document = parse_yaml_document(file.read_text(encoding="utf-8"))
            if document.get("slug") != slug:
                raise click.ClickException(
                    f"{file}: slug is {document.get('slug')!r}, not {slug!r}"
                )
            origin = "yaml"
        else:
            source = current_app.extensions["tenant_cache"].directory().by_slug.get(template)
            if source is None:
                raise click.ClickException(f"no tenant {template!r} to copy")
            if not name:
                raise click.UsageError("--name is required with --from")
            identity = TenantIdentity(
                slug=slug, name=name, short_name=short_name, city=city, time_zone=time_zone,
                domains=list(domains), phones=list(phones), settlements=settlements,
                requisites=parse_yaml_document(requisites.read_text(encoding="utf-8"))
                if requisites else None,
            )  # fmt: skip
            document = document_from_template(source, identity)
            origin = f"template:{template}"
        created = create_tenant(
            document,
            admin_email=admin_email,
            admin_name=admin_name,
            invited_by="system",
            origin=origin,
        )
        db.session.commit()
    except OnboardingError as exc:
        db.session.rollback()
        raise click.ClickException(f"nothing was created:\n{exc}") from None
    tenant = created.tenant
    platform = current_app.config["PLATFORM_DOMAIN"]
    click.echo(f"{slug}: created; hosts: {', '.join([f'{slug}.{platform}', *tenant.domains])}")
    click.echo(f"invitation for the first admin sent to {created.admin_email}")
    if template and not requisites:
        click.echo(f"warning: payee requisites copied from {template}; replace them before "
                   "residents pay (tenants load or the rules editor)")  # fmt: skip
