"""`/admin/exchange`: upload billing files, follow their imports, download the readings export."""

from __future__ import annotations

import csv
import io
import uuid

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import clock
from app.admin.exchange.forms import KIND_LABELS, ExportForm, ImportForm
from app.admin.exchange.uploads import EmptyFile, save_upload
from app.audit import record_audit
from app.auth.access import staff_required
from app.billing.exchange.exports import export_readings
from app.billing.exchange.formats import file_format
from app.billing.exchange.services import start_import
from app.billing.models import ImportRun
from app.extensions import db
from app.staff.roster import staff_names
from app.tenancy.context import current_tenant

RECENT = 20
IMPORTING_ROLES = ("admin",)


@staff_required()
def exchange():
    """The upload form (admins), the export form and the latest imports."""
    return _page(ImportForm(), ExportForm(data={"period": _current_period()}))


@staff_required(*IMPORTING_ROLES)
def upload():
    """Store the file and start its import in the background; then its progress page."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, ExportForm(data={"period": _current_period()}), status=400)
    try:
        path = save_upload(form.file.data)
    except EmptyFile:
        form.file.errors.append(_("Файл пуст."))
        return _page(form, ExportForm(data={"period": _current_period()}), status=400)
    run = start_import(
        current_tenant._get_current_object(),
        form.kind.data,
        path,
        form.file.data.filename or "file.csv",
        current_user.id,
        base_url=request.host_url,
    )
    return redirect(url_for("admin.import_run", run_id=run.id))


@staff_required()
def import_run(run_id: uuid.UUID):
    """One import: status and progress (the page refreshes itself while it runs), the outcome
    and every bad row."""
    run = _run_or_404(run_id)
    return render_template(
        "admin/exchange/run.html",
        run=run,
        kind_label=KIND_LABELS[run.kind],
        author=staff_names([run.created_by_id]).get(run.created_by_id),
    )


@staff_required()
def import_errors(run_id: uuid.UUID):
    """The bad rows of an import as CSV (line, column, reason), to fix the file by."""
    run = _run_or_404(run_id)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("line", "column", "reason"))
    writer.writerows((e["line"], e["column"] or "", e["reason"]) for e in run.errors)
    return Response(
        "\ufeff" + text.getvalue(),  # a BOM, so spreadsheets open it as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=import-{run.id}-errors.csv"},
    )


@staff_required()
def readings_export():
    """The readings of one period as CSV (SPEC §4), streamed: memory stays flat however many."""
    form = ExportForm(formdata=request.args)
    if not form.validate():
        return _page(ImportForm(), form, status=400)
    tenant = current_tenant._get_current_object()
    # Account numbers and readings of every resident: a personal-data view (152-ФЗ).
    record_audit("readings.export", target=f"{form.period.parsed:%Y-%m}")
    db.session.commit()
    chunks = export_readings(tenant, form.period.parsed)
    name = f"readings-{tenant.slug}-{form.period.parsed:%Y-%m}.csv"
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


def _page(import_form: ImportForm, export_form: ExportForm, status: int = 200):
    runs = db.session.scalars(
        select(ImportRun).order_by(ImportRun.created_at.desc()).limit(RECENT)
    ).all()
    tenant = current_tenant._get_current_object()
    columns = {
        kind: [column.name for column in file_format(kind, tenant, {}).columns]
        for kind in KIND_LABELS
    }
    can_import = current_user.role in IMPORTING_ROLES
    return (
        render_template(
            "admin/exchange/index.html",
            import_form=import_form,
            export_form=export_form,
            runs=runs,
            authors=staff_names(run.created_by_id for run in runs),
            kind_labels=KIND_LABELS,
            columns=columns,
            can_import=can_import,
            max_upload_mb=current_app.config["MAX_UPLOAD_MB"],
        ),
        status,
    )


def _run_or_404(run_id: uuid.UUID) -> ImportRun:
    run = db.session.scalar(select(ImportRun).where(ImportRun.id == run_id))
    if run is None:
        abort(404)
    return run


def _current_period() -> str:
    return f"{clock.now().astimezone(current_tenant.time_zone):%Y-%m}"
