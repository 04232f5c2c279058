"""Starting an import from the /admin upload page."""

from __future__ import annotations

import uuid
from pathlib import Path

from app.billing.exchange.csvfile import count_lines
from app.billing.models import IMPORT_KINDS, ImportRun
from app.extensions import db
from app.jobs import enqueue
from app.tenancy.context import tenant_scope
from app.tenancy.snapshot import TenantSnapshot


def start_import(
    tenant: TenantSnapshot,
    kind: str,
    path: Path | str,
    filename: str,
    created_by_id: uuid.UUID | None,
    base_url: str | None = None,
) -> ImportRun:
    """Record an ImportRun for the uploaded file at `path` and queue its import (queue "low").

    Commits: the run and its job are written in one transaction (the outbox), and the job starts
    only after that commit — in a worker, or in-process without Redis — so it always finds its
    run. `base_url` (the console's host) lets the job mail the outcome to its author. The job
    deletes the file when it is done with it.
    """
    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown billing file kind {kind!r}")
    with tenant_scope(tenant):
        run = ImportRun(
            kind=kind,
            filename=Path(filename).name[-255:] or "file.csv",
            created_by_id=created_by_id,
            total_rows=count_lines(path),
        )
        db.session.add(run)
        db.session.flush()
        enqueue(
            "billing.import",
            tenant_id=tenant.id,
            queue="low",
            run_id=str(run.id),
            path=str(path),
            base_url=base_url,
        )
        db.session.commit()
        return run
