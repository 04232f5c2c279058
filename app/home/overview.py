"""What a tenant's start page says about its cabinet, derived from the tenant's rules."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.tenancy.snapshot import TenantSnapshot

FEATURE_TITLES = {
    "feedback": _l("Обратная связь: вопросы о начислениях и показаниях"),
    "consultation_request": _l("Заявка на консультацию специалиста"),
    "ask_question": _l("«Задать вопрос» водоканалу"),
    "account_closure_request": _l("Заявка на закрытие лицевого счёта по окончании договора"),
    "tariffs": _l("Действующие тарифы"),
    "billing_date_range": _l("Начисления и платежи за выбранный период"),
    "linked_accounts": _l("Несколько лицевых счетов под одним логином"),
    "service_requests": _l(
        "Заявки: опломбирование и замена счётчика, неисправность, договор, акт "
        "сверки, запись на приём"
    ),
    "electronic_reception": _l("Электронная приёмная"),
    "legal_documents": _l("Счета и документы для юридических лиц"),
    "contacts_edit": _l("Смена пароля и контактных данных"),
    "mobile_app": _l("Мобильное приложение"),
}


def describe_window(window) -> str:
    """The reading window in words, e.g. «с 20 по 25 число каждого месяца»."""
    if window.kind == "working_days":
        last = ngettext(
            "последний %(num)d рабочий день месяца",
            "последние %(num)d рабочих дня месяца",
            window.last_working_days,
        )
        first = ngettext(
            "первый %(num)d рабочий день следующего месяца",
            "первые %(num)d рабочих дня следующего месяца",
            window.first_working_days,
        )
        return _("%(last)s и %(first)s, включая выходные между ними", last=last, first=first)
    if window.first_day <= window.last_day:
        return _(
            "с %(first)d по %(last)d число каждого месяца",
            first=window.first_day,
            last=window.last_day,
        )
    return _(
        "с %(first)d-го числа до %(last)d-го числа следующего месяца",
        first=window.first_day,
        last=window.last_day,
    )


def describe_payment(option) -> str:
    """One payment option in words, with its commission when there is one."""
    defaults = {
        "receipt": _("Квитанция для оплаты в банке или отделении"),
        "settlement_centre": _("Оплата через расчётный центр"),
        "card": _("Оплата банковской картой"),
        "e_money": _("Оплата электронными деньгами"),
        "bank_page": _("Оплата на странице банка-партнёра"),
    }
    text = option.title or defaults[option.method]
    if option.commission_percent and float(option.commission_percent) > 0:
        text += " " + _(
            "(комиссия платёжной системы %(percent)s %%)", percent=option.commission_percent
        )
    return text


def enabled_features(tenant: TenantSnapshot) -> list[str]:
    """Titles of the tenant's enabled features, in a stable order."""
    return [str(title) for key, title in FEATURE_TITLES.items() if tenant.feature(key) is not None]
