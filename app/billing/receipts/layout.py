"""Parts shared by the receipt and the invoice (SPEC §3a): the payee's requisites beside the
payment QR code, and the settlement under the charges — debt or credit before the period, the
period's charges, the payments since, the amount due and the due date."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf.enums import XPos, YPos

from app.billing.money import format_money
from app.billing.receipts.qr import qr_png
from app.billing.statement import PeriodDue
from app.pdf.document import FAMILY, MUTED, TEXT, TenantDocument
from app.readings.archive.labels import period_name

# About half a millimetre a module for a full payload (QR version ~16): a phone camera reads it
# from a printout.
QR_SIZE = 42
QR_GAP = 6
LABEL_WIDTH = 40  # mm: the facts blocks line up under one another


def requisites_facts(tenant) -> list[tuple[str, str]]:
    requisites = tenant.config.requisites
    return [
        (_("Получатель платежа"), requisites.recipient),
        (_("ИНН / КПП"), f"{requisites.inn} / {requisites.kpp}"),
        (_("Банк получателя"), requisites.bank_name),
        (_("БИК"), requisites.bic),
        (_("Расчётный счёт"), requisites.settlement_account),
        (_("Корр. счёт"), requisites.correspondent_account),
    ]


def with_qr_beside(document: TenantDocument, payload: str, facts: list[tuple[str, str]]) -> None:
    """`facts` on the left and the payment QR code with its caption on the right."""
    top = document.get_y()
    left = document.w - document.r_margin - QR_SIZE
    document.image(qr_png(payload), x=left, y=top, w=QR_SIZE, h=QR_SIZE)
    document.set_xy(left, top + QR_SIZE)
    document.set_font(FAMILY, "", 7)
    document.set_text_color(*MUTED)
    document.multi_cell(QR_SIZE, 3.2, _("Оплата по QR-коду в приложении банка"), align="C")
    document.set_text_color(*TEXT)
    qr_bottom = document.get_y()
    margin = document.r_margin
    document.set_right_margin(margin + QR_SIZE + QR_GAP)
    document.set_xy(document.l_margin, top)
    document.facts(facts, label_width=LABEL_WIDTH)
    document.set_right_margin(margin)
    document.set_y(max(document.get_y(), qr_bottom + 3))


def settlement_lines(document: TenantDocument, figures: PeriodDue) -> None:
    """Debt or credit before the period, the charges, the payments since, the amount due and
    the due date."""
    start = format_date(figures.period, "d MMMM y")
    opening = figures.opening_kopecks
    if opening < 0:
        amount_line(document, _("Переплата на %(day)s", day=start), format_money(-opening))
    else:
        amount_line(document, _("Задолженность на %(day)s", day=start), format_money(opening))
    amount_line(
        document,
        _("Начислено за %(period)s", period=period_name(figures.period)),
        format_money(figures.charged_kopecks),
    )
    if figures.recalculation_kopecks:
        amount_line(
            document,
            _("в том числе перерасчёт"),
            format_money(figures.recalculation_kopecks),
            muted=True,
        )
    amount_line(document, _("Оплачено с %(day)s", day=start), format_money(figures.paid_kopecks))
    for payment in figures.payments:
        amount_line(
            document,
            "    " + format_date(payment.paid_on, "dd.MM.yyyy"),
            format_money(payment.amount_kopecks),
            muted=True,
        )
    document.ln(1.5)
    amount_line(document, _("Итого к оплате"), format_money(figures.due_kopecks), bold=True)
    amount_line(
        document,
        _("Оплатить до %(day)s", day=format_date(figures.due_on, "d MMMM y")),
        "",
        bold=True,
    )


def amount_line(
    document: TenantDocument, label: str, amount: str, *, bold=False, muted=False
) -> None:
    """A label on the left and an amount flush right, as the totals under a receipt's table."""
    size = 11 if bold else 9.5
    document.set_font(FAMILY, "B" if bold else "", size)
    if muted:
        document.set_text_color(*MUTED)
    width = document.w - document.l_margin - document.r_margin
    document.cell(width - 45, size * 0.55, label)
    document.cell(45, size * 0.55, amount, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    document.set_text_color(*TEXT)


def explanation(figures: PeriodDue) -> str:
    return _(
        "К оплате — начисления этого и прошлых периодов за вычетом всех поступивших оплат "
        "(оплаты погашают сначала самый ранний долг). Перерасчёт — разница между начисленным "
        "и объёмом × тариф. Срок оплаты — до %(day)d-го числа месяца, следующего за расчётным.",
        day=figures.due_on.day,
    )
