"""The job pages: `/admin/jobs` shows a utility its own jobs (retry for admins only), `/platform/jobs`
shows operators every utility's and the platform's, each with «Повторить» for dead jobs."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.audit import AuditEntry
from app.extensions import db
from app.jobs import job
from app.jobs.models import PlatformJob, TenantJob
from app.tenancy.context import tenant_scope
from tests.support.outbox import deliver_queued_jobs
from tests.support.web import base, submit, text
from tests.test_office_readings import staff_client
from tests.test_platform_auth import make_operator, operator_sign_in


@job("tests.pages.note")
def note(path: str, text: str) -> str:
    with open(path, "a", encoding="utf-8") as log:
        log.write(text + "\n")
    return text


def dead_job(tenant, path, text="повтор", name="tests.pages.note"):
    """A job that used up its attempts, as the worker leaves it."""
    now = clock.now()
    row_class = PlatformJob if tenant is None else TenantJob
    row = row_class(
        name=name,
        queue="default",
        kwargs={"path": str(path), "text": text},
        status="dead",
        attempts=5,
        max_attempts=5,
        created_at=now - timedelta(hours=1),
        started_at=now - timedelta(minutes=5),
        finished_at=now - timedelta(minutes=5),
        last_error="Traceback …\nsmtplib.SMTPServerDisconnected: Connection unexpectedly closed",
    )
    if tenant is None:
        db.session.add(row)
        db.session.flush()
        return row
    with tenant_scope(tenant):
        db.session.add(row)
        db.session.flush()
    return row


def job_status(tenant, job_id):
    with tenant_scope(tenant):
        row = db.session.get(TenantJob, {"tenant_id": tenant.id, "id": job_id})
        db.session.refresh(row)
        return row.status, row.attempts


def test_an_admin_sees_the_utility_s_failed_jobs_and_retries_one(app, tenants, tmp_path):
    angarsk, moscow = tenants["angarsk"], tenants["moscow"]
    log = tmp_path / "log.txt"
    ours = dead_job(angarsk, log)
    theirs = dead_job(moscow, log, text="чужое")
    client, _ = staff_client(app, angarsk, "admin")

    page = text(client.get("/admin/jobs", base_url=base("angarsk")))
    assert f'data-job-id="{ours.id}"' in page
    assert f'data-job-id="{theirs.id}"' not in page
    assert "не выполнено" in page and "SMTPServerDisconnected" in page

    detail = text(client.get(f"/admin/jobs/{ours.id}", base_url=base("angarsk")))
    assert "Повторить" in detail and "повтор" in detail
    response = submit(
        client, "angarsk", f"/admin/jobs/{ours.id}/retry", {}, form_page=f"/admin/jobs/{ours.id}"
    )
    assert response.status_code == 302
    deliver_queued_jobs(app)
    assert log.read_text(encoding="utf-8") == "повтор\n"
    assert job_status(angarsk, ours.id) == ("done", 1)
    assert job_status(moscow, theirs.id) == ("dead", 5)


def test_another_utility_s_job_is_404_on_every_admin_route(app, tenants, tmp_path):
    theirs = dead_job(tenants["moscow"], tmp_path / "log.txt")
    client, _ = staff_client(app, tenants["angarsk"], "admin")

    assert client.get(f"/admin/jobs/{theirs.id}", base_url=base("angarsk")).status_code == 404
    retry = submit(client, "angarsk", f"/admin/jobs/{theirs.id}/retry", {}, form_page="/admin/jobs")
    assert retry.status_code == 404
    assert client.get(f"/admin/jobs/{uuid.uuid4()}", base_url=base("angarsk")).status_code == 404
    assert job_status(tenants["moscow"], theirs.id) == ("dead", 5)


@pytest.mark.parametrize("role", ["viewer", "clerk"])
def test_staff_who_are_not_admins_see_jobs_but_cannot_retry(app, tenants, tmp_path, role):
    angarsk = tenants["angarsk"]
    row = dead_job(angarsk, tmp_path / "log.txt")
    client, _ = staff_client(app, angarsk, role)

    detail = client.get(f"/admin/jobs/{row.id}", base_url=base("angarsk"))
    assert detail.status_code == 200
    assert "Повторить" not in text(detail)
    retry = submit(client, "angarsk", f"/admin/jobs/{row.id}/retry", {}, form_page="/admin/jobs")
    assert retry.status_code == 403
    assert job_status(angarsk, row.id) == ("dead", 5)


def test_a_job_that_did_not_fail_is_not_retried(app, tenants, tmp_path):
    angarsk = tenants["angarsk"]
    row = dead_job(angarsk, tmp_path / "log.txt")
    with tenant_scope(angarsk):
        row.status, row.attempts = "done", 1
        db.session.flush()
    client, _ = staff_client(app, angarsk, "admin")

    response = submit(
        client, "angarsk", f"/admin/jobs/{row.id}/retry", {}, form_page="/admin/jobs", follow=True
    )
    assert "повторять нечего" in text(response)
    assert job_status(angarsk, row.id) == ("done", 1)


def test_operators_see_every_utility_s_jobs_and_the_platform_s(app, client, tenants, tmp_path):
    make_operator()
    assert operator_sign_in(client).status_code == 302
    log = tmp_path / "log.txt"
    angarsk_job = dead_job(tenants["angarsk"], log, text="ангарск")
    moscow_job = dead_job(tenants["moscow"], log, text="москва")
    platform_job = dead_job(None, log, text="платформа")

    page = text(client.get("/platform/jobs", base_url=base(None)))
    for slug, row in (("angarsk", angarsk_job), ("moscow", moscow_job), ("platform", platform_job)):
        section = page[page.index(f'data-testid="jobs-{slug}"') :]
        section = section[: section.index("</section>")]
        assert f'data-job-id="{row.id}"' in section

    detail = text(client.get(f"/platform/jobs/{moscow_job.id}", base_url=base(None)))
    assert "Мосводоканал" in detail and "Повторить" in detail
    for row in (moscow_job, platform_job):
        response = submit(
            client, None, f"/platform/jobs/{row.id}/retry", {}, form_page=f"/platform/jobs/{row.id}"
        )
        assert response.status_code == 302
    deliver_queued_jobs(app)
    assert sorted(log.read_text(encoding="utf-8").splitlines()) == ["москва", "платформа"]
    assert job_status(tenants["moscow"], moscow_job.id) == ("done", 1)
    assert job_status(tenants["angarsk"], angarsk_job.id) == ("dead", 5)
    assert client.get(f"/platform/jobs/{uuid.uuid4()}", base_url=base(None)).status_code == 404


def test_utility_staff_do_not_reach_the_platform_job_pages(app, tenants, tmp_path):
    row = dead_job(tenants["angarsk"], tmp_path / "log.txt")
    client, _ = staff_client(app, tenants["angarsk"], "admin")
    response = client.get(f"/platform/jobs/{row.id}", base_url=base(None))
    assert response.status_code == 302
    assert "/platform/login" in response.headers["Location"]


def test_every_retry_is_in_the_utility_s_audit_log_with_who_pressed_it(app, tenants, tmp_path):
    angarsk, moscow = tenants["angarsk"], tenants["moscow"]
    ours = str(dead_job(angarsk, tmp_path / "log.txt").id)
    theirs = str(dead_job(moscow, tmp_path / "log.txt").id)
    client, staff = staff_client(app, angarsk, "admin")
    submit(client, "angarsk", f"/admin/jobs/{ours}/retry", {}, form_page="/admin/jobs")
    make_operator()
    operator = app.test_client()
    assert operator_sign_in(operator).status_code == 302
    submit(operator, None, f"/platform/jobs/{theirs}/retry", {}, form_page="/platform/jobs")

    for tenant, job_id, kind, login in (
        (angarsk, ours, "staff", staff.login),
        (moscow, theirs, "operator", "operator"),
    ):
        [entry] = audit_entries(tenant)
        assert (entry.action, entry.target) == ("job.retry", "tests.pages.note")
        assert (entry.actor_kind, entry.actor_label) == (kind, login)
        assert entry.details == {"job": job_id, "status": "dead", "attempts": 5}
    page = text(client.get("/admin/audit", base_url=base("angarsk")))
    assert "Повтор фонового задания" in page and "tests.pages.note" in page


def audit_entries(tenant) -> list[AuditEntry]:
    with tenant_scope(tenant):
        db.session.expire_all()
        return list(db.session.scalars(select(AuditEntry)))
