"""`flask --app wsgi staff ...`: a tenant's staff users, above all its first admin."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.admin.credentials import (
    InvalidConsoleUser,
    checked_console_user,
    one_time_password,
)
from app.auth.models import STAFF_ROLES, StaffUser
from app.auth.passwords import hash_password
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.urls import tenant_url

staff_cli = AppGroup("staff", help="Staff users of a utility (the `/admin` console).")


def _tenant(slug: str):
    tenant = current_app.extensions["tenant_cache"].directory().by_slug.get(slug)
    if tenant is None:
        raise click.ClickException(f"no tenant {slug!r}; see: flask --app wsgi tenants list")
    return tenant


@staff_cli.command("create")
@click.argument("slug")
@click.option("--login", required=True, help="Login, compared case-insensitively.")
@click.option("--email", required=True, help="Work e-mail address.")
@click.option("--name", "full_name", required=True, help="Full name, as colleagues know it.")
@click.option("--role", required=True, type=click.Choice(STAFF_ROLES), help="What the user may do.")
@click.option(
    "--password",
    help="Initial password; omitted: a one-time password is printed and must be changed at "
    "first sign-in.",
)
def create_command(slug, login, email, full_name, role, password) -> None:
    """Create a staff user of the utility SLUG (e.g. its first admin)."""
    tenant = _tenant(slug)
    try:
        login, email = checked_console_user(login, email, password)
    except InvalidConsoleUser as exc:
        raise click.ClickException(str(exc)) from None
    with tenant_scope(tenant):
        if db.session.scalar(select(StaffUser.id).where(StaffUser.login == login)):
            raise click.ClickException(f"{slug}: a staff user with login {login!r} exists")
        initial = password or one_time_password(12)
        staff = StaffUser(
            login=login,
            email=email,
            full_name=full_name.strip(),
            role=role,
            password_hash=hash_password(initial),
            must_change_password=password is None,
        )
        db.session.add(staff)
        db.session.commit()
    click.echo(f"{slug}: {role} {login} created; sign in at {tenant_url(tenant, '/admin/login')}")
    if password is None:
        click.echo(f"one-time password: {initial} (to be changed at first sign-in)")


@staff_cli.command("list")
@click.argument("slug")
def list_command(slug: str) -> None:
    """Print login, role, name, e-mail and state of every staff user of SLUG."""
    tenant = _tenant(slug)
    with tenant_scope(tenant):
        staff = db.session.scalars(select(StaffUser).order_by(StaffUser.login)).all()
        if not staff:
            click.echo(f"{slug}: no staff users; create one with: flask --app wsgi staff create")
        for user in staff:
            state = "active" if user.active else "inactive"
            if user.must_change_password:
                state += ", must change password"
            click.echo(f"{user.login}\t{user.role}\t{user.full_name}\t{user.email}\t{state}")
