"""The resident's reading form: enter → check → confirm → transmit, then the result (SPEC §3).

Every step posts the whole sheet back; the transmit step checks everything again at that moment
(values, the window, the account's rules) and never trusts the check page.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Account, Contract
from app.auth.access import resident_required
from app.cabinet.context import current_account, linked_accounts
from app.extensions import db
from app.readings.eligibility import Block
from app.readings.models import Submission
from app.readings.services import Author, find_submission, record_submission
from app.readings.sheet import account_contracts, build_sheet
from app.readings.web.contracts import chosen_contract
from app.readings.web.mailing import queue_readings_received
from app.readings.web.results import NOT_FILLED, remember_skipped, submission_result
from app.readings.web.rows import SheetView, sheet_view
from app.readings.web.status import current_state, local_today, reading_block
from app.readings.windows import WindowState
from app.tenancy.context import current_tenant

ACTIONS = ("edit", "check", "transmit")
KEY = re.compile(r"[0-9a-f]{32}")


def new_key() -> str:
    """A fresh idempotency key: one per rendering of the form, carried through every step."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Subject:
    """Whose sheet the form is: the account, its contract (if any), the window and the day."""

    account: Account
    state: WindowState
    today: date
    contracts: list[Contract]
    contract: Contract | None

    @property
    def period(self) -> date:
        return self.state.open.period

    @property
    def contract_id(self):
        return self.contract.id if self.contract else None


def _blocked(block: Block, state: WindowState, account: Account | None):
    return render_template("readings/blocked.html", block=block, state=state, account=account)


def _no_account() -> Block:
    return Block("no_account", _("К вашему входу пока не привязан ни один лицевой счёт."))


def _render_form(subject: Subject, view: SheetView | None, key: str, alert: str | None = None):
    return render_template("readings/form.html", subject=subject, view=view, key=key, alert=alert)


def _render_check(subject: Subject, view: SheetView, key: str, alert: str | None = None):
    return render_template("readings/check.html", subject=subject, view=view, key=key, alert=alert)


@resident_required
def form():
    """The sheet of the current account (and contract) in an open window, or why there is none."""
    account = current_account()
    state = current_state(current_tenant)
    if account is None:
        return _blocked(_no_account(), state, None)
    block = reading_block(current_tenant, account, state)
    if block is not None:
        return _blocked(block, state, account)
    contracts = account_contracts(current_tenant, account)
    subject = Subject(
        account,
        state,
        local_today(current_tenant),
        contracts,
        chosen_contract(contracts, request.args.get("contract")),
    )
    if contracts and subject.contract is None:
        return _render_form(subject, None, new_key())  # the contract picker alone
    return _render_form(subject, _view(subject, {}), new_key())


def _view(subject: Subject, values) -> SheetView:
    rows = build_sheet(
        current_tenant, subject.account, subject.period, subject.today, subject.contract_id
    )
    return sheet_view(current_tenant, rows, values, subject.today)


def _posted_account() -> Account:
    wanted = request.form.get("account_id")
    for account in linked_accounts():
        if str(account.id) == wanted:
            return account
    abort(404)


def _author() -> Author:
    user = current_user._get_current_object()
    name = user.full_name or user.organisation_name or user.login
    return Author("resident", user.id, name, "web")


def _to_result(submission: Submission):
    return redirect(url_for("readings.submission", submission_id=submission.id), code=303)


class PostedSheet(NamedTuple):
    subject: Subject
    view: SheetView


def _posted_sheet(account: Account, values, state) -> PostedSheet | Block | None:
    """The posted sheet checked now; the Block keeping the account from submitting; or None for
    a contract the account does not have."""
    block = reading_block(current_tenant, account, state)
    if block is not None:
        return block
    contracts = account_contracts(current_tenant, account)
    contract = chosen_contract(contracts, values.get("contract"))
    if contracts and contract is None:
        return None
    subject = Subject(account, state, local_today(current_tenant), contracts, contract)
    return PostedSheet(subject, _view(subject, values))


@resident_required
def post():
    """`action=edit|check|transmit` with the whole sheet; see the module docstring."""
    values = request.form
    action, key = values.get("action"), values.get("idempotency_key", "")
    if action not in ACTIONS or not KEY.fullmatch(key):
        abort(400)
    account = _posted_account()
    state = current_state(current_tenant)
    sheet = _posted_sheet(account, values, state)
    if action == "transmit" and not (isinstance(sheet, PostedSheet) and sheet.view.check.ready):
        # A double click, a second tab or a retried request whose sheet no longer passes (the
        # window has closed since, say): the first one's result. A sheet that passes needs no
        # look-up here: the key's unique index finds the first one (services.record_submission).
        done = find_submission(key)
        if done is not None:
            return _to_result(done)
    if sheet is None:
        abort(400)
    if isinstance(sheet, Block):
        return _blocked(sheet, state, account)
    subject, view = sheet
    if action == "edit":
        return _render_form(subject, view, key)
    if not view.anything_typed:
        return _render_form(subject, view, key, _("Введите показания хотя бы одного прибора."))
    if action == "check":
        # The form came back after its key was used (the browser's back button): a new sheet.
        return _render_check(subject, view, new_key() if find_submission(key) else key)
    if not view.check.ready:
        return _render_check(
            subject,
            view,
            key,
            _("Показания изменились или не подтверждены: проверьте их и передайте ещё раз."),
        )
    return _transmit(subject, view, key)


def _transmit(subject: Subject, view: SheetView, key: str):
    submission, created = record_submission(
        subject.account,
        subject.period,
        view.check.rows,
        idempotency_key=key,
        author=_author(),
        contract_id=subject.contract_id,
    )
    if created:
        reasons = {
            row.key: row.check.message or str(NOT_FILLED) for row in view.rows if row.skipped
        }
        remember_skipped(submission, reasons)
        if current_user.email:
            # In the same transaction (the outbox): the job leaves only once the submission is in.
            queue_readings_received(current_user.email, submission, reasons, request.host_url)
    db.session.commit()
    return _to_result(submission)


@resident_required
def submission(submission_id: uuid.UUID):
    """«Показания переданы»: the protocol number, time, values and what was left out."""
    found = db.session.scalar(select(Submission).where(Submission.id == submission_id))
    accounts = {account.id: account for account in linked_accounts()}
    if found is None or found.account_id not in accounts:
        abort(404)
    result = submission_result(current_tenant, accounts[found.account_id], found)
    return render_template("readings/submission.html", result=result)
