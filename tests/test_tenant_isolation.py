"""A tenant never sees or changes another tenant's rows: ORM scoping and PostgreSQL RLS (SPEC §6-7)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from app.accounts.models import Account, Meter
from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.scoping import CrossTenantWrite, TenantScoped
from tests.support.factories import make_account


@pytest.fixture
def two_accounts(app_context, tenants):
    moscow = make_account(tenants["moscow"], address="Москва, ул. Тверская, д. 1, кв. 1")
    angarsk = make_account(tenants["angarsk"], address="Ангарск, мкр. 7, д. 1, кв. 1")
    db.session.expunge_all()  # start clean, as a new request would
    return moscow, angarsk


def test_queries_only_see_the_tenant_in_scope(two_accounts, tenants):
    moscow, angarsk = two_accounts
    with tenant_scope(tenants["moscow"]):
        ids = set(db.session.scalars(select(Account.id)))
        meters = db.session.scalars(select(Meter)).all()
    assert moscow.id in ids and angarsk.id not in ids
    assert {m.tenant_id for m in meters} == {tenants["moscow"].id}


def test_no_tenant_in_scope_sees_nothing(two_accounts):
    assert db.session.scalars(select(Account)).all() == []


def test_joined_and_relationship_loads_are_scoped(two_accounts, tenants):
    with tenant_scope(tenants["angarsk"]):
        rows = db.session.execute(select(Account, Meter).join(Meter.account)).all()
        assert {account.tenant_id for account, _ in rows} == {tenants["angarsk"].id}
        account = db.session.scalars(select(Account)).one()
        assert all(m.tenant_id == tenants["angarsk"].id for m in account.meters)


def test_bulk_update_touches_only_the_tenant_in_scope(two_accounts, tenants):
    with tenant_scope(tenants["moscow"]):
        db.session.execute(update(Account).values(address="изменён"))
    with tenant_scope(tenants["angarsk"]):
        assert db.session.scalars(select(Account.address)).one() == "Ангарск, мкр. 7, д. 1, кв. 1"


def test_new_rows_are_stamped_with_the_tenant_in_scope(app_context, tenants):
    account = make_account(tenants["novosibirsk"])
    assert account.tenant_id == tenants["novosibirsk"].id
    assert {m.tenant_id for m in account.meters} == {tenants["novosibirsk"].id}


def test_writing_another_tenants_row_is_refused(two_accounts, tenants):
    _, angarsk = two_accounts
    with tenant_scope(tenants["angarsk"]):
        row = db.session.get(Account, (tenants["angarsk"].id, angarsk.id))
    with tenant_scope(tenants["moscow"]):
        row.address = "захват"
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
    db.session.rollback()


def test_writing_tenant_rows_with_no_tenant_in_scope_is_refused(app_context, tenants):
    db.session.add(Meter(tenant_id=tenants["moscow"].id, serial="x", service="cold_water"))
    with pytest.raises(CrossTenantWrite):
        db.session.flush()
    db.session.rollback()


def test_every_tenant_table_leads_its_keys_with_tenant_id():
    for mapper in db.Model.registry.mappers:
        if not issubclass(mapper.class_, TenantScoped):
            continue
        table = mapper.local_table
        assert table.primary_key.columns.keys()[0] == "tenant_id", table.name
        for constraint in table.constraints:
            columns = getattr(constraint, "columns", None)
            if columns is not None and len(columns) and constraint.name != "pk_" + table.name:
                assert columns.keys()[0] == "tenant_id", (table.name, constraint.name)
        for index in table.indexes:
            assert index.columns.keys()[0] == "tenant_id", (table.name, index.name)
        for fk in table.foreign_key_constraints:
            if issubclass_table(fk.referred_table):
                assert "tenant_id" in fk.column_keys, (table.name, fk.name)


def issubclass_table(table) -> bool:
    return any(
        issubclass(m.class_, TenantScoped) and m.local_table is table
        for m in db.Model.registry.mappers
    )


@pytest.mark.usefixtures("postgres_only")  # row-level security is PostgreSQL's
def test_app_connects_as_a_role_that_row_level_security_applies_to(app_context):
    bypass = db.session.execute(
        text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    assert bypass is False


@pytest.mark.usefixtures("postgres_only")  # row-level security is PostgreSQL's
def test_row_level_security_is_forced_on_every_tenant_table(app_context):
    tables = [
        m.local_table.name for m in db.Model.registry.mappers if issubclass(m.class_, TenantScoped)
    ]
    rows = db.session.execute(
        text(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(:tables)"
        ),
        {"tables": tables},
    ).all()
    assert {name for name, *_ in rows} == set(tables)
    assert all(enabled and forced for _, enabled, forced in rows)


@pytest.mark.usefixtures("postgres_only")  # row-level security is PostgreSQL's
def test_raw_sql_is_confined_by_row_level_security(two_accounts, tenants):
    count = text("SELECT count(*) FROM accounts")
    with tenant_scope(tenants["moscow"]):
        assert db.session.execute(count).scalar() == 1
        moscow_only = db.session.execute(text("SELECT DISTINCT tenant_id FROM accounts")).all()
    assert moscow_only == [(tenants["moscow"].id,)]
    assert db.session.execute(count).scalar() == 0  # no tenant in scope


@pytest.mark.usefixtures("postgres_only")  # row-level security is PostgreSQL's
def test_raw_insert_into_another_tenant_is_rejected_by_the_database(two_accounts, tenants):
    _, angarsk = two_accounts
    with tenant_scope(tenants["moscow"]):
        savepoint = db.session.begin_nested()
        with pytest.raises(DBAPIError, match="row-level security"):
            db.session.execute(
                text(
                    "INSERT INTO meters (tenant_id, id, account_id, serial, service, zones, digits, "
                    "created_at) VALUES (:tenant, gen_random_uuid(), :account, 'x', 'cold_water', 1, "
                    "5, now())"
                ),
                {"tenant": tenants["angarsk"].id, "account": angarsk.id},
            )
        savepoint.rollback()
        assert db.session.scalar(select(func.count()).select_from(Meter)) == 1
