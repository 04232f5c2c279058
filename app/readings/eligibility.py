"""Who may submit readings, and when (SPEC §2 «who may submit», §3 window)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _

from app.accounts.models import Account
from app.readings.windows import WindowState


@dataclass(frozen=True)
class Block:
    """Why readings cannot be submitted for an account now, in words for the resident."""

    reason: str  # no_meters | common_house_meter | private_house | window_closed
    message: str


def account_block(tenant, account: Account) -> Block | None:
    """A rule of the tenant that keeps this account from submitting at all."""
    rules = tenant.config.readings.eligibility
    if rules.requires_meter and not account.meters:
        return Block(
            "no_meters",
            _(
                "На лицевом счёте нет приборов учёта: начисление производится по нормативу. "
                "Чтобы передавать показания, установите прибор учёта и сообщите о нём в водоканал."
            ),
        )
    if account.common_house_meter and not rules.common_house_meter:
        return Block(
            "common_house_meter",
            rules.common_house_meter_message
            or _(
                "В доме установлен общедомовой прибор учёта: показания передаются через "
                "управляющую компанию."
            ),
        )
    if account.private_house and not rules.private_house:
        return Block(
            "private_house",
            rules.private_house_message
            or _("Для частных домов показания через личный кабинет не принимаются."),
        )
    return None


def window_block(state: WindowState) -> Block | None:
    """The window is closed: say when the next one opens (SPEC §2)."""
    if state.is_open:
        return None
    upcoming = state.upcoming
    return Block(
        "window_closed",
        _(
            "Приём показаний закрыт. Следующий приём — с %(opens)s по %(closes)s.",
            opens=format_date(upcoming.opens_at.date(), "d MMMM"),
            closes=format_date(upcoming.last_day, "d MMMM"),
        ),
    )


def submission_block(tenant, account: Account, state: WindowState) -> Block | None:
    """The first reason readings cannot be submitted now, or None."""
    return account_block(tenant, account) or window_block(state)
