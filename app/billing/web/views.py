"""Charges and payments of the current account for a range of months, the same as CSV, and the
receipt of a period — only for accounts in `payments.statement_payers` (SPEC §2, §3a, §5)."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, abort, render_template, request

from app import clock
from app.auth.access import resident_required
from app.billing import statement
from app.billing.web.export import statement_csv as csv_bytes
from app.billing.web.forms import Range, RangeForm, chosen_range, default_range
from app.billing.web.overview import money_overview
from app.billing.web.payers import sees_statement
from app.cabinet.context import current_account
from app.pdf import pdf_response
from app.tenancy.context import current_tenant

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@resident_required
def statement_page():
    """The statement of the chosen months, its totals, and the tenant's tariffs."""
    account = current_account()
    if account is None:
        return render_template("billing/statement.html", account=None)
    if not sees_statement(current_tenant, account):
        return render_template(
            "billing/not_shown.html",
            account=account,
            overview=money_overview(current_tenant, account),
        )
    form, chosen = _range()
    show_tariffs = current_tenant.feature("tariffs") is not None
    return render_template(
        "billing/statement.html",
        account=account,
        form=form,
        chosen=chosen,
        found=statement.statement(current_tenant, account, chosen.first, chosen.last),
        balance=statement.balance(account),
        tariffs=statement.tariffs(current_tenant) if show_tariffs else None,
    )


@resident_required
def statement_csv():
    """The same months as a CSV file (see `export` for the format)."""
    account = current_account()
    if account is None or not sees_statement(current_tenant, account):
        abort(404)
    form, chosen = _range()
    if form.errors:
        abort(400)
    found = statement.statement(current_tenant, account, chosen.first, chosen.last)
    filename = f"billing-{_file_part(account.number)}-{chosen.first:%Y-%m}-{chosen.last:%Y-%m}.csv"
    return Response(
        csv_bytes(current_tenant, found),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@resident_required
def receipt(period: str):
    """The receipt (an invoice for organisations) of a period the account has charges for."""
    account = current_account()
    match = _PERIOD.match(period)
    if account is None or match is None or not 1 <= int(match.group(2)) <= 12:
        abort(404)
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if not sees_statement(current_tenant, account) or not statement.has_charges(account, month):
        abort(404)
    figures = statement.period_due(current_tenant, account, month)
    from app.billing.receipts.receipt import render_receipt  # fpdf on first use: app.pdf

    return pdf_response(
        render_receipt(current_tenant, account, figures),
        f"receipt-{_file_part(account.number)}-{period}.pdf",
    )


def _range() -> tuple[RangeForm, Range]:
    """The months from the query string where the tenant offers a choice (Angarsk's seed),
    else the last 12 months."""
    this_month = clock.now().astimezone(current_tenant.time_zone).date().replace(day=1)
    if current_tenant.feature("billing_date_range") is None:
        return RangeForm(formdata=None), default_range(this_month)
    form = RangeForm(formdata=request.args)
    return form, chosen_range(form, this_month)


def _file_part(number: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", number)
