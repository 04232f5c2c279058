"""A period's receipt as a Russian utility prints it (SPEC §3a): «Единый платёжный документ» with
the payee's requisites, the payer, volume × tariff = amount per service, recalculations, payments,
the amount due, the due date and the payment QR code. Organisations of a tenant with
`features.legal_documents` get an invoice («Счёт на оплату») with the same figures instead."""

from __future__ import annotations

from flask_babel import gettext as _

from app.accounts.models import Account
from app.billing.money import format_money
from app.billing.receipts.invoice import render_invoice
from app.billing.receipts.layout import (
    LABEL_WIDTH,
    explanation,
    requisites_facts,
    settlement_lines,
    with_qr_beside,
)
from app.billing.receipts.qr import receipt_payload
from app.billing.statement import PeriodDue
from app.billing.web.labels import is_organisation, payer_name, tariff_text, volume_text
from app.pdf.document import TenantDocument
from app.readings.archive.labels import period_name, service_name, service_unit


def render_receipt(tenant, account: Account, figures: PeriodDue) -> bytes:
    """The PDF of the period's receipt (or invoice) of the account."""
    if is_organisation(account) and tenant.feature("legal_documents") is not None:
        return render_invoice(tenant, account, figures)
    title = _("Квитанция за %(period)s", period=period_name(figures.period))
    document = TenantDocument(tenant, title)
    document.footer_note = _("лицевой счёт %(number)s", number=account.number)
    document.heading(_("ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ"), size=13)
    document.heading(title, size=11)
    with_qr_beside(document, receipt_payload(tenant, account, figures), requisites_facts(tenant))
    document.facts(
        [
            (_("Лицевой счёт"), account.number),
            (_("Плательщик"), payer_name(account)),
            (_("Адрес"), account.address),
            (_("Расчётный период"), period_name(figures.period)),
        ],
        label_width=LABEL_WIDTH,
    )
    charges_table(tenant, document, figures)
    settlement_lines(document, figures)
    document.ln(3)
    document.paragraph(explanation(figures), size=7.5, muted=True)
    return document.pdf_bytes()


def charges_table(tenant, document: TenantDocument, figures: PeriodDue) -> None:
    """Per service: volume × tariff = amount by tariff, the recalculation, the amount charged."""
    rows = []
    for line in figures.lines:
        rows.append(
            [
                service_name(tenant, line.service),
                volume_text(line.volume_milli),
                service_unit(tenant, line.service),
                tariff_text(line.tariff_kopecks, currency=False),
                format_money(line.calculated_kopecks, currency=False),
                format_money(line.recalculation_kopecks, currency=False)
                if line.recalculation_kopecks
                else "—",
                format_money(line.amount_kopecks, currency=False),
            ]
        )
    document.data_table(
        [
            _("Услуга"),
            _("Объём"),
            _("Ед."),
            _("Тариф, ₽"),
            _("По тарифу, ₽"),
            _("Перерасчёт, ₽"),
            _("Начислено, ₽"),
        ],
        rows,
        widths=[46, 18, 12, 22, 28, 26, 28],
        align=["LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"],
    )
