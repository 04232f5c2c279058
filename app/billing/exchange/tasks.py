"""The background import behind the /admin upload page: `billing.import`, queue "low"."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from app import clock
from app.auth.models import StaffUser
from app.billing.exchange.importer import ImportResult, import_file
from app.billing.models import ImportRun
from app.extensions import db
from app.jobs import job
from app.mail.rendering import mail_request_context, send_templated_mail
from app.tenancy.context import get_current_tenant
from app.tenancy.scoping import send_scope

logger = logging.getLogger(__name__)

FAILED = "Импорт прерван из-за внутренней ошибки; ничего не изменено. Попробуйте ещё раз."


@job("billing.import")
def import_billing_file(run_id: str, path: str, base_url: str | None = None) -> str:
    """Import the uploaded file at `path` for the ImportRun `run_id` in the job's tenant; record
    the outcome on the run and delete the file. Returns the run's final status."""
    tenant = get_current_tenant()
    run = db.session.scalar(select(ImportRun).where(ImportRun.id == uuid.UUID(run_id)))
    if run is None or tenant is None:
        Path(path).unlink(missing_ok=True)
        raise LookupError(f"no import run {run_id} in this tenant")
    progress = RunProgress(run)
    started_at = progress.started()
    try:
        result = import_file(tenant, run.kind, path, progress=progress)
    except Exception:
        # import_file rolled its savepoint back: the session is usable, the data unchanged.
        logger.exception("billing import %s (%s) failed", run_id, run.kind)
        result = None
    finally:
        Path(path).unlink(missing_ok=True)
    record_outcome(run, result, started_at=started_at)
    db.session.flush()
    if base_url:
        tell_author(run, base_url)
    return run.status


def tell_author(run: ImportRun, base_url: str) -> None:
    """Mail the outcome to the staff member who uploaded the file (links to the run's page)."""
    author = db.session.scalar(select(StaffUser).where(StaffUser.id == run.created_by_id))
    if author is None or not author.email:
        return
    with mail_request_context(base_url):
        subject = (
            _("Файл «%(name)s» импортирован", name=run.filename)
            if run.status == "done"
            else _("Файл «%(name)s» не принят", name=run.filename)
        )
        send_templated_mail(
            author.email,
            subject,
            "billing_import_result",
            queue="default",
            run=run,
            link=url_for("admin.import_run", run_id=run.id, _external=True),
        )


def record_outcome(run: ImportRun, result: ImportResult | None, *, started_at=None) -> None:
    """Counts, problems and status of a finished import on its run (None: it crashed)."""
    run.finished_at = clock.now()
    run.started_at = started_at or run.started_at or run.finished_at
    if result is None:
        run.status, run.message = "failed", FAILED
        return
    run.status = "done" if result.ok else "failed"
    run.total_rows = run.processed_rows = result.rows
    run.inserted, run.updated, run.unchanged = result.inserted, result.updated, result.unchanged
    run.errors = [{"line": p.line, "column": p.column, "reason": p.reason} for p in result.problems]
    run.error_count = result.problem_count
    run.message = result.message[:1000]


class RunProgress:
    """Progress of a run where the admin page can see it while the import is still going.

    In a worker on PostgreSQL each update commits on a connection of its own (the import's
    transaction commits only at the end). The run is therefore never changed in the import's own
    session until the import is over: a flushed change would hold the row's lock and the next
    progress update would wait for it forever. In-process — no Redis, the embedded default — the
    request waits for the import anyway, and SQLite would lock a second writer out, so only the
    final outcome is recorded.
    """

    def __init__(self, run: ImportRun):
        self.run = run
        self.live = bool(current_app.config["REDIS_URL"]) and db.engine.dialect.name == "postgresql"

    def started(self):
        """Mark the run as running where the admin page can see it; the moment it started."""
        moment = clock.now()
        self._publish(status="running", started_at=moment)
        return moment

    def __call__(self, processed: int, total: int) -> None:
        self._publish(processed_rows=processed, total_rows=total)

    def _publish(self, **values) -> None:
        if not self.live:
            return
        table = ImportRun.__table__
        try:
            with db.engine.connect() as connection:
                send_scope(connection, self.run.tenant_id)
                connection.execute(
                    update(table)
                    .where(table.c.tenant_id == self.run.tenant_id, table.c.id == self.run.id)
                    .values(**values)
                )
                connection.commit()
        except SQLAlchemyError:  # progress is a courtesy: never let it fail the import
            logger.warning("could not publish the progress of import run %s", self.run.id)
