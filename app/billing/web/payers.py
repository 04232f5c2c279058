"""Who sees charges, payments and debt here, and how each account pays (SPEC §2 payments row:
Sevastopol's apartment buildings pay through the settlement centre and see no money here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.models import Account

METHOD_TITLES = {
    "receipt": _l("Оплатить по квитанции"),
    "settlement_centre": _l("Оплатить через расчётный центр"),
    "card": _l("Оплатить банковской картой"),
    "e_money": _l("Оплатить электронными деньгами"),
    "bank_page": _l("Оплатить на странице банка"),
}


@dataclass(frozen=True)
class PaymentOption:
    method: str
    title: str
    url: str | None
    provider: str | None
    commission_percent: Decimal
    one_time_code: bool

    @property
    def commission_text(self) -> str | None:
        """«комиссия 1,5 %»; None without a commission (the config's default 0 means «not
        stated», so nothing is promised)."""
        if not self.commission_percent:
            return None
        return _(
            "комиссия %(percent)s %%", percent=f"{self.commission_percent:f}".replace(".", ",")
        )


def payer_groups(account: Account) -> frozenset[str]:
    """The words of `payments.*.payers` that describe the account: organisations are `legal`;
    individuals are `private_house` or `apartment` (a flat in an apartment building)."""
    if account.kind != "individual":
        return frozenset({"all", "legal"})
    place = "private_house" if account.private_house else "apartment"
    return frozenset({"all", "individual", place})


def sees_statement(tenant, account: Account) -> bool:
    """Whether charges, payments and debt of the account are shown (`statement_payers`)."""
    return bool(payer_groups(account) & set(tenant.config.payments.statement_payers))


def payment_options(tenant, account: Account) -> list[PaymentOption]:
    """The tenant's ways to pay offered to this account, in the config's order."""
    groups = payer_groups(account)
    return [
        PaymentOption(
            method=option.method,
            title=option.title or str(METHOD_TITLES[option.method]),
            url=option.url,
            provider=option.provider,
            commission_percent=option.commission_percent,
            one_time_code=option.one_time_code,
        )
        for option in tenant.config.payments.options
        if groups & set(option.payers)
    ]


def hidden_statement_note(options: list[PaymentOption]) -> str:
    """Why an account outside `statement_payers` sees no money here, and where it is instead."""
    centre = next(
        (o.provider for o in options if o.method == "settlement_centre" and o.provider), None
    )
    if centre:
        return _(
            "Квитанции, начисления, оплаты и задолженность по этому лицевому счёту ведёт "
            "%(provider)s: смотрите их там. Оплатить можно по ссылке ниже.",
            provider=centre,
        )
    return _(
        "Начисления, оплаты и задолженность по этому лицевому счёту в личном кабинете не "
        "показываются: узнать их можно в водоканале."
    )
