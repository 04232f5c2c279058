"""The reading window as the cabinet shows it: the banner, the menu item, what missing it costs.

One `window_state` per request, taken at `clock.now()`, so the banner, the menu and the form
always agree (and tests move all three by patching `app.clock.now`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.accounts.models import Account
from app.extensions import db
from app.readings.eligibility import Block, account_block, submission_block
from app.readings.models import Reading
from app.readings.sheet import sheet_meters
from app.readings.validation import verification_expired
from app.readings.windows import WindowState, window_state
from app.tenancy.context import get_current_tenant


def current_state(tenant) -> WindowState:
    """The tenant's window at this request's moment (computed once per request)."""
    if "readings_window" not in g:
        g.readings_window = window_state(tenant, clock.now())
    return g.readings_window


def local_today(tenant) -> date:
    """Today in the tenant's time zone: verification dates are compared with it."""
    return clock.now().astimezone(tenant.time_zone).date()


def meter_block(tenant, account: Account) -> Block | None:
    """No meter of the account takes readings here (where the tenant does not block such
    accounts outright, e.g. Angarsk, there is still nothing to submit)."""
    if sheet_meters(tenant, account):
        return None
    return Block(
        "no_meters",
        _(
            "На лицевом счёте нет приборов учёта, показания которых принимаются через личный "
            "кабинет: начисление производится по нормативу."
        ),
    )


def reading_block(tenant, account: Account, state: WindowState) -> Block | None:
    """The first reason the account cannot submit now (SPEC §2), or None."""
    return submission_block(tenant, account, state) or meter_block(tenant, account)


@dataclass(frozen=True)
class Banner:
    """What the cabinet says about readings for one account."""

    state: WindowState
    block: Block | None  # a rule of the tenant keeping this account from submitting at all
    missing: int  # meters with no reading yet for the open period

    @property
    def can_submit(self) -> bool:
        return self.state.is_open and self.block is None


def meters_without_reading(tenant, account: Account, period: date) -> int:
    """How many of the account's meters that take readings have none for `period` yet (the
    SPEC §3 warning about average and norm billing)."""
    today = local_today(tenant)
    # A meter past its verification date takes no reading: nothing the resident can do here.
    meters = [m for m in sheet_meters(tenant, account) if not verification_expired(m, today)]
    if not meters:
        return 0
    read = set(
        db.session.scalars(
            select(Reading.meter_id).where(
                Reading.meter_id.in_([meter.id for meter in meters]), Reading.period == period
            )
        )
    )
    return sum(1 for meter in meters if meter.id not in read)


def banner(tenant, account: Account) -> Banner:
    """The cabinet's banner: open until when (and what is still missing) or when it opens next."""
    state = current_state(tenant)
    block = account_block(tenant, account) or meter_block(tenant, account)
    missing = (
        meters_without_reading(tenant, account, state.open.period)
        if state.is_open and block is None
        else 0
    )
    return Banner(state, block, missing)


def submit_link_shown(tenant) -> bool:
    """The «Передать показания» menu item; some tenants hide it while the window is closed."""
    return current_state(tenant).is_open or not tenant.config.readings.hide_menu_outside_window


def template_helpers() -> dict:
    """Functions for the header and the cabinet; they compute nothing until a template asks."""
    tenant = get_current_tenant()
    return {
        "readings_window": lambda: current_state(tenant),
        "readings_banner": lambda account: banner(tenant, account),
        "readings_submit_link_shown": lambda: submit_link_shown(tenant),
    }
