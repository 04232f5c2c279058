"""Running `flask --app wsgi demo seed` in tests: the command, its output per tenant, the counts
it leaves."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.accounts.models import Account, Contract, Meter
from app.auth.models import Resident, StaffUser
from app.extensions import db
from app.readings.models import Reading, ReadingVersion, Submission
from app.tenancy.context import tenant_scope

PASSWORD = "Vodokabinet-2026"
ACCOUNTS = 40


def run_seed(app, *options: str) -> str:
    result = app.test_cli_runner().invoke(
        args=["demo", "seed", "--accounts", str(ACCOUNTS), *options]
    )
    assert result.exit_code == 0, result.output
    return result.output


def block(output: str, slug: str) -> str:
    """The lines `demo seed` printed for one tenant."""
    match = re.search(rf"^[^\n]*\[{slug}\]: .*\n(  .*\n)*", output, re.MULTILINE)
    assert match, f"no block for {slug}:\n{output}"
    return match.group(0)


def counts(tenant) -> tuple[int, ...]:
    with tenant_scope(tenant):
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (
                Account,
                Meter,
                Resident,
                StaffUser,
                Contract,
                Submission,
                ReadingVersion,
                Reading,
            )
        )
