"""Readings entered in the office on a resident's behalf (`/admin/accounts/<id>/readings`):
enter → check → transmit, then the protocol of what was stored."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.admin.accounts.viewing import log_account_view
from app.admin.forms import OfficeReadingsForm
from app.admin.office import get_account
from app.admin.office_readings import (
    CHANNEL,
    UnknownContract,
    choose_contract,
    get_submission,
    missing_rows,
    office_block,
    office_period,
    sheet_fingerprint,
)
from app.admin.readings_desk import SHOW, missing_page, progress, submissions_page
from app.admin.roles import can_act
from app.auth.access import staff_required
from app.extensions import db
from app.readings.archive.labels import author_label, local_time, meter_label, value_text
from app.readings.models import CHANNELS
from app.readings.services import Author, find_submission, record_submission
from app.readings.sheet import account_contracts, build_sheet, check_sheet
from app.readings.values import format_value
from app.tenancy.context import current_tenant


@staff_required()
def account_readings(account_id: uuid.UUID):
    """The account's reading sheet for the office period; admins and clerks check and transmit
    it, viewers only see it."""
    staff = current_user._get_current_object()
    if request.method == "POST" and not can_act(staff):
        abort(403)
    account = get_account(account_id)
    if account is None:
        abort(404)
    if request.method == "GET":
        log_account_view(account, "readings")
    contracts = account_contracts(current_tenant, account)
    try:
        contract = choose_contract(contracts, request.args.get("contract"))
    except UnknownContract:
        abort(404)
    now = clock.now()
    today = now.astimezone(current_tenant.time_zone).date()
    office = office_period(current_tenant, now)
    block = office_block(current_tenant, account)
    contract_id = contract.id if contract else None
    rows = [] if block else build_sheet(current_tenant, account, office.period, today, contract_id)
    form = OfficeReadingsForm(
        data={"idempotency_key": uuid.uuid4().hex, "period": office.window.period_label}
    )
    check, notice = None, None
    if request.method == "POST":
        if block:
            return _page(account, contracts, contract, office, block, rows, form), 409
        if not form.validate_on_submit():
            abort(400)
        existing = find_submission(form.idempotency_key.data)
        if existing is not None:
            if existing.account_id != account.id:
                abort(400)
            flash(_("Эти показания уже переданы."), "info")
            return _to_protocol(existing)
        if form.period.data != office.window.period_label:
            # A new window opened between the form and the post: the entry belongs elsewhere now.
            notice = _(
                "Период приёма сменился: теперь показания вносятся за %(period)s. "
                "Проверьте их ещё раз.",
                period=_period_name(office.period),
            )
            form.period.data = office.window.period_label
        else:
            check = check_sheet(current_tenant, rows, request.form, today)
            fingerprint = sheet_fingerprint(rows, request.form)
            if request.form.get("action") == "transmit":
                if form.checked.data != fingerprint:
                    notice = _("Показания изменились после проверки: проверьте их ещё раз.")
                elif check.ready:
                    submission, _created = record_submission(
                        account,
                        office.period,
                        check.rows,
                        idempotency_key=form.idempotency_key.data,
                        author=Author("staff", staff.id, staff.full_name, CHANNEL),
                        contract_id=contract_id,
                    )
                    db.session.commit()
                    return _to_protocol(submission)
                else:
                    notice = _("Передавать пока нечего: заполните или подтвердите показания.")
            form.checked.data = fingerprint
    return _page(account, contracts, contract, office, block, rows, form, check, notice)


def _page(account, contracts, contract, office, block, rows, form, check=None, notice=None):
    decimals = current_tenant.config.readings.decimals
    return render_template(
        "admin/readings.html",
        account=account,
        contracts=contracts,
        contract=contract,
        office=office,
        period_name=_period_name(office.period),
        block=block,
        items=list(zip(rows, check.rows if check else [None] * len(rows), strict=True)),
        form=form,
        check=check,
        notice=notice,
        typed=request.form,
        show=lambda milli: format_value(milli, decimals),
        service_names={service.code: service.name for service in current_tenant.config.services},
    )


def _to_protocol(submission):
    return redirect(
        url_for(
            "admin.reading_submission",
            account_id=submission.account_id,
            submission_id=submission.id,
        ),
        code=303,
    )


def _period_name(period) -> str:
    """«октябрь 2026»: the month in the nominative, as a period is named on its own."""
    return format_date(period, "LLLL yyyy")


@staff_required()
def reading_submission(account_id: uuid.UUID, submission_id: uuid.UUID):
    """What one submission of the account stored: values, consumption, who and when."""
    account = get_account(account_id)
    submission = get_submission(account, submission_id) if account is not None else None
    if submission is None:
        abort(404)
    log_account_view(account, "reading_submission", submission=submission.number)
    contract = next(
        (c for c in account_contracts(current_tenant, account) if c.id == submission.contract_id),
        None,
    )
    decimals = current_tenant.config.readings.decimals
    rules = current_tenant.config.readings
    return render_template(
        "admin/reading_submission.html",
        account=account,
        submission=submission,
        contract=contract,
        period_name=_period_name(submission.period),
        meters={meter.id: meter for meter in account.meters},
        missing=missing_rows(current_tenant, account, submission),
        show=lambda milli: format_value(milli, decimals),
        service_names={service.code: service.name for service in current_tenant.config.services},
        calculation_types={entry.code: entry.label for entry in rules.calculation_types},
        notes={entry.code: entry.label for entry in rules.notes},
    )


@staff_required()
def readings_desk():
    """The window's submissions (all, flagged jumps, one channel) or the metered accounts that
    have not submitted yet, with the share that has."""
    show = request.args.get("show", "submitted")
    if show not in SHOW:
        show = "submitted"
    channel = request.args.get("channel") or None
    if channel not in CHANNELS:
        channel = None
    page_number = request.args.get("page", 1, type=int)
    office = office_period(current_tenant, clock.now())
    if show == "missing":
        page = missing_page(office.period, page_number)
    else:
        page = submissions_page(
            office.period, flagged=show == "flagged", channel=channel, page=page_number
        )
    return render_template(
        "admin/readings_desk.html",
        office=office,
        period_name=_period_name(office.period),
        progress=progress(office.period),
        show=show,
        channel=channel,
        channels=CHANNELS,
        page=page,
        labels_for={
            "author": author_label,
            "meter": meter_label,
            "time": lambda moment: local_time(current_tenant, moment),
            "value": lambda milli: value_text(current_tenant, milli),
        },
    )
