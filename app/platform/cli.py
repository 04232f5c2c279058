"""`flask --app wsgi operators ...`: platform operators, above all the first one."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.admin.credentials import (
    InvalidConsoleUser,
    checked_console_user,
    one_time_password,
)
from app.auth.models import Operator
from app.auth.passwords import hash_password
from app.extensions import db
from app.tenancy.urls import platform_url

operators_cli = AppGroup("operators", help="Platform operators (the `/platform` console).")


@operators_cli.command("create")
@click.option("--login", required=True, help="Login, compared case-insensitively.")
@click.option("--email", required=True, help="Work e-mail address.")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option(
    "--password",
    help="Initial password; omitted: a one-time password is printed and must be changed at "
    "first sign-in.",
)
def create_command(login, email, full_name, password) -> None:
    """Create a platform operator."""
    try:
        login, email = checked_console_user(login, email, password)
    except InvalidConsoleUser as exc:
        raise click.ClickException(str(exc)) from None
    if db.session.scalar(select(Operator.id).where(Operator.login == login)):
        raise click.ClickException(f"an operator with login {login!r} exists")
    initial = password or one_time_password(12)
    operator = Operator(
        login=login,
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(initial),
        must_change_password=password is None,
    )
    db.session.add(operator)
    db.session.commit()
    click.echo(f"operator {login} created; sign in at {platform_url('/platform/login')}")
    if password is None:
        click.echo(f"one-time password: {initial} (to be changed at first sign-in)")
