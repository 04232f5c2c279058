"""`flask --app wsgi demo ...`: demo data for every tenant."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.logins import DemoLogin, DemoPassword
from app.demo.services import (
    OPERATOR_LOGIN,
    STAFF_LOGIN,
    DemoDataError,
    TenantDemo,
    ensure_operator,
    seed_tenant,
)
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data for the embedded default.")

AUDIENCE_NAMES = {
    "individual": "физическое лицо",
    "legal": "юридическое лицо",
    "management_company": "управляющая компания",
}


@demo_cli.command("seed")
@click.option(
    "--accounts",
    default=300,
    show_default=True,
    type=click.IntRange(min=1),
    help="Accounts per tenant (the demo sign-ins' accounts included).",
)
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port in the printed addresses (`flask run` serves 5000).",
)
def seed_command(accounts: int, port: int) -> None:
    """Create demo accounts, meters and logins for every tenant (once) and print how to sign in."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("demo logins share a published password: not in production")
    started = time.perf_counter()
    domain = current_app.config["PLATFORM_DOMAIN"]
    tenants = current_app.extensions["tenant_cache"].directory().ordered()
    if not tenants:
        raise click.ClickException("no tenants; run: flask --app wsgi tenants load tenants/")
    password = DemoPassword()
    for tenant in tenants:
        try:
            result = seed_tenant(tenant, accounts=accounts, password=password)
        except DemoDataError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()  # one transaction per tenant: a later failure keeps these
        _echo_tenant(result, f"http://{tenant.slug}.{domain}:{port}/", password.text)
    operator_ok = ensure_operator(password)
    db.session.commit()
    platform = f"http://{domain}:{port}/"
    click.echo(f"Platform: {platform}")
    click.echo(
        f"  Оператор платформы: {platform}platform — "
        + _credentials(OPERATOR_LOGIN, operator_ok, password.text)
    )
    click.echo(f"Done in {time.perf_counter() - started:.1f} s.")


def _echo_tenant(result: TenantDemo, url: str, password: str) -> None:
    click.echo(f"{result.name} [{result.slug}]: {result.outcome}")
    click.echo(f"  {url}")
    click.echo(f"  {_figures(result)}")
    for login in result.logins:
        click.echo(f"  {_login_line(login, password)}")
    if result.staff_has_demo_password is not None:
        click.echo(
            f"  Сотрудники: {url}admin — "
            + _credentials(STAFF_LOGIN, result.staff_has_demo_password, password)
        )
    click.echo("")


def _figures(result: TenantDemo) -> str:
    figures = [f"{result.accounts} accounts", f"{result.meters} meters"]
    if result.contracts:
        figures.append(f"{result.contracts} contracts")
    readings = f"{result.readings} readings"
    if result.readings_until:
        readings += f" up to {result.readings_until:%Y-%m}"
    money = []
    if result.charges:
        charges = f"{result.charges} charges"
        if result.charges_until:
            charges += f" up to {result.charges_until:%Y-%m}"
        money = [charges, f"{result.payments} payments"]
    return ", ".join([*figures, readings, *money])


def _credentials(login: str, has_demo_password: bool, password: str) -> str:
    if has_demo_password:
        return f"логин {login}, пароль {password}"
    return f"логин {login} (уже был, пароль свой — не менялся)"


def _login_line(login: DemoLogin, password: str) -> str:
    """What to type on the login page, in the words of the page (`пароль`, `лицевой счёт`)."""
    title = login.mode_label
    if login.audiences_in_mode > 1:
        title += f" ({AUDIENCE_NAMES[login.audience]})"
    parts = []
    if login.settlement_name:
        parts.append(f"населённый пункт «{login.settlement_name}»")
    if login.identifier == "account_number":
        parts.append(f"лицевой счёт {login.account_numbers[0]}")
    elif login.identifier == "access_code":
        parts.append(f"код доступа {login.login.upper()}")  # stored lower-cased
    else:
        parts.append(f"логин {login.login}")
    parts.append(f"фамилия {login.surname}" if login.secret == "surname" else f"пароль {password}")
    line = f"{title}: {', '.join(parts)}"
    notes = []
    if login.organisation_name:
        notes.append(login.organisation_name)
    if login.identifier != "account_number":
        label = "лицевой счёт" if len(login.account_numbers) == 1 else "лицевые счета"
        notes.append(f"{label} {', '.join(login.account_numbers)}")
    return f"{line} — {'; '.join(notes)}" if notes else line
