"""Readings stay within the resident's own accounts (SPEC §7, STYLE «every route that takes an
object id has a cross-tenant test»): other accounts' meters, accounts and submission pages."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.readings.models import ReadingVersion, Submission
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account, make_reading
from tests.support.readings import (
    NOVEMBER,
    OPEN,
    check_and_transmit,
    freeze,
    open_form,
    post_sheet,
    sign_in,
    value_field,
    versions,
)
from tests.support.web import base


def test_a_foreign_meter_in_the_form_is_ignored(app, client, app_context, tenants, monkeypatch):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    mine, theirs = make_account(tenant, meters=1), make_account(tenant, meters=1)
    sign_in(app, client, tenant, mine)
    values = {value_field(mine.meters[0]): "5", value_field(theirs.meters[0]): "9"}
    _check, done = check_and_transmit(client, "cheboksary", values)
    forged = post_sheet(client, "cheboksary", open_form(client, "cheboksary"), "transmit", **values)
    assert done.status_code == forged.status_code == 303
    assert versions(tenant, theirs.meters[0]) == []
    with tenant_scope(tenant):
        stored = db.session.scalar(select(func.count()).select_from(ReadingVersion))
    assert stored == 2  # mine, twice


def test_another_account_cannot_be_posted_for(app, client, app_context, tenants, monkeypatch):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    mine, theirs = make_account(tenant, meters=1), make_account(tenant, meters=1)
    sign_in(app, client, tenant, mine)
    page = open_form(client, "cheboksary")
    forged = {"account_id": str(theirs.id), value_field(theirs.meters[0]): "9"}
    assert post_sheet(client, "cheboksary", page, "transmit", **forged).status_code == 404
    assert versions(tenant, theirs.meters[0]) == []


def test_submission_pages_of_other_accounts_and_tenants_are_not_found(
    app, client, app_context, tenants, monkeypatch
):
    cheboksary, moscow = tenants["cheboksary"], tenants["moscow"]
    freeze(monkeypatch, OPEN["cheboksary"])
    theirs = make_account(cheboksary, meters=1)
    make_reading(cheboksary, theirs.meters[0], NOVEMBER, 5_000)
    elsewhere = make_account(moscow, meters=1)
    make_reading(moscow, elsewhere.meters[0], NOVEMBER, 5_000)
    with tenant_scope(cheboksary):
        neighbour = db.session.scalar(select(Submission.id))
    with tenant_scope(moscow):
        foreign = db.session.scalar(select(Submission.id))
    sign_in(app, client, cheboksary, make_account(cheboksary, meters=1))
    for submission_id in (neighbour, foreign):
        response = client.get(f"/readings/submissions/{submission_id}", base_url=base("cheboksary"))
        assert response.status_code == 404
