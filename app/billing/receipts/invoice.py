"""The invoice («Счёт на оплату») of organisations — legal entities and management companies of
a tenant with `features.legal_documents` (Moscow's and Novosibirsk's seeds): the payee's bank
requisites and the QR code on top, supplier and subscriber, the period's services as invoice lines
(recalculations as lines of their own), then the same settlement as the household receipt."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from app.accounts.models import Account
from app.billing.money import format_money
from app.billing.receipts.layout import (
    LABEL_WIDTH,
    explanation,
    requisites_facts,
    settlement_lines,
    with_qr_beside,
)
from app.billing.receipts.qr import receipt_payload
from app.billing.statement import PeriodDue, month_end
from app.billing.web.labels import payer_name, tariff_text, volume_text
from app.pdf.document import TenantDocument
from app.readings.archive.labels import period_name, service_name, service_unit


def invoice_number(account: Account, figures: PeriodDue) -> str:
    """One invoice per account and period: «7012345678-2026-11»."""
    return f"{account.number}-{figures.period:%Y-%m}"


def render_invoice(tenant, account: Account, figures: PeriodDue) -> bytes:
    """The PDF invoice of the period; dated the period's last day, as the billing closes it."""
    requisites = tenant.config.requisites
    title = _(
        "Счёт на оплату № %(number)s от %(date)s",
        number=invoice_number(account, figures),
        date=format_date(month_end(figures.period), "dd.MM.yyyy"),
    )
    document = TenantDocument(tenant, title)
    document.footer_note = _("лицевой счёт %(number)s", number=account.number)
    with_qr_beside(document, receipt_payload(tenant, account, figures), requisites_facts(tenant))
    document.heading(title, size=13)
    document.facts(
        [
            (
                _("Поставщик"),
                _(
                    "%(name)s, ИНН %(inn)s, КПП %(kpp)s",
                    name=requisites.recipient,
                    inn=requisites.inn,
                    kpp=requisites.kpp,
                ),
            ),
            (_("Абонент"), payer_name(account)),
            (_("Адрес"), account.address),
            (_("Лицевой счёт"), account.number),
            (_("Основание"), _("расчётный период %(period)s", period=period_name(figures.period))),
        ],
        label_width=LABEL_WIDTH,
    )
    _lines_table(tenant, document, figures)
    settlement_lines(document, figures)
    document.ln(3)
    document.paragraph(explanation(figures), size=7.5, muted=True)
    return document.pdf_bytes()


def _lines_table(tenant, document: TenantDocument, figures: PeriodDue) -> None:
    rows = []
    for line in figures.lines:
        name = service_name(tenant, line.service)
        by_tariff = line.calculated_kopecks
        rows.append(
            [
                str(len(rows) + 1),
                name,
                volume_text(line.volume_milli),
                service_unit(tenant, line.service),
                tariff_text(line.tariff_kopecks, currency=False),
                format_money(
                    line.amount_kopecks if by_tariff is None else by_tariff, currency=False
                ),
            ]
        )
        if line.recalculation_kopecks:
            rows.append(
                [
                    str(len(rows) + 1),
                    _("Перерасчёт: %(service)s", service=name),
                    "",
                    "",
                    "",
                    format_money(line.recalculation_kopecks, currency=False),
                ]
            )
    document.data_table(
        [_("№"), _("Наименование"), _("Кол-во"), _("Ед."), _("Цена, ₽"), _("Сумма, ₽")],
        rows,
        widths=[10, 72, 22, 14, 28, 34],
        align=["RIGHT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT"],
    )
