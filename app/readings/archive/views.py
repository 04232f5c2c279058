"""History of readings, the consumption chart, the printable archive and the protocol of a
transmission — all for the signed-in resident's own accounts (anything else is 404)."""

from __future__ import annotations

import re
import uuid

from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from app.accounts.models import Account, Meter
from app.auth.access import resident_required
from app.cabinet.context import current_account, linked_accounts
from app.pdf import pdf_response
from app.readings.archive import queries
from app.readings.archive.chart import render_chart
from app.readings.archive.consumption import monthly_consumption
from app.readings.archive.forms import HistoryFilterForm, parse_month
from app.readings.archive.history import HistoryFilter, load_history
from app.readings.archive.labels import service_name
from app.tenancy.context import current_tenant


@resident_required
def history():
    """The current account's readings, every version, newest first, with a chart per meter."""
    account = current_account()
    if account is None:
        return render_template("readings/history.html", account=None)
    form, chosen = _history_filter(account)
    found = load_history(current_tenant, account, chosen)
    return render_template(
        "readings/history.html",
        account=account,
        form=form,
        chosen=chosen,
        history=found,
        charts=[(series, render_chart(current_tenant, series)) for series in found.series],
    )


@resident_required
def history_pdf():
    """The history with the same filters, as a PDF to print."""
    account = current_account()
    if account is None:
        abort(404)
    form, chosen = _history_filter(account)
    if form.errors:
        abort(400)
    found = load_history(current_tenant, account, chosen)
    from app.readings.archive.printout import render_archive  # fpdf on first use: app.pdf

    number = re.sub(r"[^0-9A-Za-z]+", "-", account.number)
    return pdf_response(
        render_archive(current_tenant, account, chosen, found), f"readings-{number}.pdf"
    )


@resident_required
def chart(meter_id: uuid.UUID):
    """One meter's monthly consumption as an SVG image (the history page inlines the same)."""
    meter = next(
        (m for account in linked_accounts() for m in account.meters if m.id == meter_id), None
    )
    if meter is None:
        abort(404)
    try:
        first, last = (
            parse_month(request.args[key]) if request.args.get(key) else None
            for key in ("from", "to")
        )
    except ValueError:
        abort(400)
    series = monthly_consumption(meter, queries.readings_until([meter.id], last), first, last)
    return Response(
        render_chart(current_tenant, series),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "private, no-cache"},
    )


@resident_required
def protocol(submission_id: uuid.UUID):
    """The PDF protocol of one transmission for one of the resident's accounts."""
    accounts = linked_accounts()
    submission = queries.submission_of(submission_id, accounts)
    if submission is None:
        abort(404)
    account = next(account for account in accounts if account.id == submission.account_id)
    from app.readings.archive.protocol import render_protocol  # fpdf on first use: app.pdf

    document = render_protocol(
        current_tenant, account, submission, queries.contract(submission.contract_id)
    )
    return pdf_response(document, f"protocol-{submission.number}.pdf")


def _history_filter(account: Account) -> tuple[HistoryFilterForm, HistoryFilter]:
    """The filter from the query string; a meter that is not the account's is 404, a malformed
    month is a message at its field and is left out."""
    form = HistoryFilterForm(formdata=request.args)
    form.meter.choices = [("", _("Все приборы"))] + [
        (str(meter.id), f"{meter.serial} — {service_name(current_tenant, meter.service)}")
        for meter in account.meters
    ]
    meter = _account_meter(account, form.meter.data) if form.meter.data else None
    form.validate()
    chosen = HistoryFilter(
        meters=[meter] if meter else list(account.meters),
        meter=meter,
        first=None if form.period_from.errors else form.period_from.data,
        last=None if form.period_to.errors else form.period_to.data,
    )
    return form, chosen


def _account_meter(account: Account, raw: str) -> Meter:
    try:
        wanted = uuid.UUID(raw)
    except ValueError:
        abort(404)
    meter = next((meter for meter in account.meters if meter.id == wanted), None)
    if meter is None:
        abort(404)
    return meter
