"""Background jobs of this utility (`/admin/jobs`): what failed, and «Повторить» for admins."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth.access import staff_required
from app.extensions import db
from app.jobs import browse

RETRY_ROLES = ("admin",)


@staff_required()
def jobs():
    """The tenant's jobs, newest first; failed ones by default."""
    name = browse.chosen_filter(request.args.get("status"))
    return render_template(
        "admin/jobs.html",
        status=name,
        browse=browse,
        counts=browse.counts(),
        page=browse.jobs_page(name, request.args.get("page", 1, type=int)),
    )


@staff_required()
def job_detail(job_id: uuid.UUID):
    """One job: its arguments, attempts and last error."""
    job = browse.find_job(job_id)
    if job is None:
        abort(404)
    return render_template("admin/jobs_detail.html", job=job, browse=browse)


@staff_required(*RETRY_ROLES)
def retry_job(job_id: uuid.UUID):
    """Run a failed job again, with a fresh set of attempts."""
    job = browse.find_job(job_id)
    if job is None:
        abort(404)
    if browse.can_retry(job):
        browse.retry(job)
        db.session.commit()
        flash(_("Задание «%(name)s» поставлено в очередь заново.", name=job.name), "info")
    else:
        flash(_("Это задание не завершилось сбоем: повторять нечего."), "error")
    return redirect(url_for("admin.job_detail", job_id=job.id))
