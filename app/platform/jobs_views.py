"""Background jobs of every utility and of the platform (`/platform/jobs`), with «Повторить»."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth.access import operator_required
from app.extensions import db
from app.jobs import browse
from app.jobs.runner import job_tenant_scope


@operator_required
def jobs():
    """Each utility's jobs (and the platform's own), failed ones by default."""
    name = browse.chosen_filter(request.args.get("status"))
    return render_template(
        "platform/jobs.html",
        status=name,
        browse=browse,
        scopes=browse.platform_overview(name),
    )


@operator_required
def job_detail(job_id: uuid.UUID):
    found = browse.locate_job(job_id)
    if found is None:
        abort(404)
    tenant, job = found
    return render_template("platform/jobs_detail.html", job=job, job_tenant=tenant, browse=browse)


@operator_required
def retry_job(job_id: uuid.UUID):
    """Run a failed job of any utility again, with a fresh set of attempts."""
    found = browse.locate_job(job_id)
    if found is None:
        abort(404)
    tenant, job = found
    if not browse.can_retry(job):
        flash(_("Это задание не завершилось сбоем: повторять нечего."), "error")
        return redirect(url_for("platform.job_detail", job_id=job.id))
    with job_tenant_scope(tenant.id if tenant else None):
        job = browse.find_job(job_id)
        name = job.name
        browse.retry(job)
        db.session.commit()
    flash(_("Задание «%(name)s» поставлено в очередь заново.", name=name), "info")
    return redirect(url_for("platform.job_detail", job_id=job_id))
