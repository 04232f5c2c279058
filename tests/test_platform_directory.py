"""The operators' directory shows each utility's health: readings of the current (or last)
window, the last billing import and the jobs that failed for good."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.billing.models import ImportRun
from app.extensions import db
from app.jobs.models import DEAD, TenantJob
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account, make_reading
from tests.support.readings import OPEN, add_meter, freeze
from tests.support.web import base, text
from tests.test_platform_auth import make_operator, operator_sign_in, row_of


def test_the_directory_shows_readings_last_import_and_failed_jobs(
    client, app_context, tenants, monkeypatch
):
    moscow = tenants["moscow"]
    freeze(monkeypatch, OPEN["moscow"])
    meter = add_meter(moscow, make_account(moscow), "M-1")
    make_reading(moscow, meter, date(2026, 11, 1), 1000)
    make_reading(moscow, meter, date(2026, 10, 1), 900)  # an earlier window: not counted
    with tenant_scope(moscow):
        db.session.add(
            ImportRun(kind="payments", filename="p.csv", status="done",
                      finished_at=datetime(2026, 11, 29, 7, tzinfo=UTC))
        )  # fmt: skip
        db.session.add(
            TenantJob(name="mail.send", queue="high", kwargs={}, status=DEAD, max_attempts=5)
        )
        db.session.flush()
    make_operator()
    operator_sign_in(client)
    page = text(client.get("/platform", base_url=base(None)))
    moscow_row, angarsk_row = row_of(page, "moscow"), row_of(page, "angarsk")
    assert 'data-testid="readings">1<' in moscow_row
    assert "2026-11, окно открыто" in moscow_row
    assert "payments: done" in moscow_row
    assert '<strong class="error">1</strong>' in moscow_row
    assert 'data-testid="readings">0<' in angarsk_row
    assert 'data-testid="last-import">—<' in angarsk_row
    assert 'data-testid="failed-jobs">0<' in angarsk_row
