"""Storing readings (SPEC §3): one current reading per meter and period, every version kept, and
one submission per form however often it arrives."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.readings.baselines import baselines
from app.readings.models import Reading, ReadingVersion, Submission
from app.readings.services import Author, NothingToTransmit, record_submission
from app.readings.validation import EMPTY, OK, RowCheck
from app.tenancy.context import tenant_scope
from tests.conftest import count_queries
from tests.support.factories import make_account, make_reading

RESIDENT = Author("resident", None, "Иванов И. И.", "web")
NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def meter(app_context, tenants):
    account = make_account(tenants["cheboksary"], meters=1)
    return account.meters[0]


def submit(tenant, meter, value, key, period=NOVEMBER):
    with tenant_scope(tenant):
        return record_submission(
            meter.account,
            period,
            [RowCheck(meter, 1, OK, value_milli=value)],
            idempotency_key=key,
            author=RESIDENT,
        )


def count(tenant, model):
    with tenant_scope(tenant):
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_resubmission_replaces_the_reading_and_keeps_both_versions(meter, tenants):
    tenant = tenants["cheboksary"]
    submit(tenant, meter, 105_000, "form-1")
    submit(tenant, meter, 106_000, "form-2")
    with tenant_scope(tenant):
        current = db.session.scalars(select(Reading)).all()
        versions = db.session.scalars(
            select(ReadingVersion.value_milli).order_by(ReadingVersion.created_at)
        ).all()
    assert [(r.period, r.value_milli) for r in current] == [(NOVEMBER, 106_000)]
    assert versions == [105_000, 106_000]


def test_the_same_form_twice_is_one_submission(meter, tenants):
    tenant = tenants["cheboksary"]
    first, created = submit(tenant, meter, 105_000, "same-key")
    again, created_again = submit(tenant, meter, 105_000, "same-key")
    assert created and not created_again and again.id == first.id
    assert count(tenant, ReadingVersion) == 1 and count(tenant, Submission) == 1


@pytest.mark.usefixtures("postgres_only")  # SQLite takes three statements
def test_on_postgresql_a_submission_is_stored_in_one_statement(meter, tenants):
    # Submission, versions and current readings in one round trip (app.readings.postgres).
    tenant = tenants["cheboksary"]
    with count_queries() as seen:
        submission, created = submit(tenant, meter, 105_000, "one-statement")
    assert created and len([s for s in seen if "INSERT INTO" in s]) == 1
    with tenant_scope(tenant):
        current = db.session.execute(select(Reading.value_milli, Reading.version_id)).one()
        version = db.session.scalars(select(ReadingVersion)).one()
    assert (version.submission_id, version.value_milli) == (submission.id, 105_000)
    assert current == (105_000, version.id)


def test_only_transmittable_rows_are_stored(meter, tenants):
    with tenant_scope(tenants["cheboksary"]), pytest.raises(NothingToTransmit):
        record_submission(
            meter.account,
            NOVEMBER,
            [RowCheck(meter, 1, EMPTY)],
            idempotency_key="empty",
            author=RESIDENT,
        )


def test_baselines_give_the_previous_value_and_the_usual_consumption(meter, tenants):
    tenant = tenants["cheboksary"]
    for month, value in ((7, 100_000), (8, 104_000), (9, 108_000), (10, 112_000)):
        make_reading(tenant, meter, date(2026, month, 1), value)
    with tenant_scope(tenant):
        baseline = baselines([meter], NOVEMBER)[(meter.id, 1)]
    assert baseline.previous_milli == 112_000
    assert baseline.previous_period == date(2026, 10, 1)
    assert baseline.average_milli == 4_000
    assert baseline.current_milli is None


@pytest.mark.usefixtures("postgres_only")  # SQLite serialises writers anyway
def test_two_racing_requests_with_one_key_make_one_submission(app, test_database, tenants):
    """Real concurrency: two threads, each with its own connection, on committed data: row locks
    on a unique index."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import scoped_session, sessionmaker

    from app.accounts.models import Account

    tenant = tenants["moscow"]
    engine = create_engine(test_database.app_url.replace("postgresql://", "postgresql+psycopg://"))
    per_thread = scoped_session(sessionmaker(engine))  # thread-local: one connection per thread
    with tenant_scope(tenant):
        account_id, meter_id = make_committed_account(per_thread(), tenant)
        per_thread.remove()
    barrier = threading.Barrier(2, timeout=10)
    results, errors = [], []

    def worker():
        try:
            with app.app_context(), tenant_scope(tenant):
                session = per_thread()
                account = session.get(Account, (tenant.id, account_id))
                row = RowCheck(account.meters[0], 1, OK, value_milli=5_000)
                barrier.wait()
                submission, created = record_submission(
                    account, NOVEMBER, [row], idempotency_key="double-click", author=RESIDENT
                )
                session.commit()
                results.append((submission.id, created))
        except Exception as error:  # surfaced below, not lost in the thread
            errors.append(error)
        finally:
            per_thread.remove()

    original, db.session = db.session, per_thread
    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        assert len({submission_id for submission_id, _ in results}) == 1
        assert sorted(created for _, created in results) == [False, True]
        with tenant_scope(tenant):
            versions = per_thread().scalar(
                select(func.count())
                .select_from(ReadingVersion)
                .where(ReadingVersion.meter_id == meter_id)
            )
        assert versions == 1
    finally:
        with tenant_scope(tenant):
            cleanup = per_thread()
            cleanup.execute(Account.__table__.delete().where(Account.id == account_id))
            cleanup.commit()
            per_thread.remove()
        db.session = original
        engine.dispose()


def make_committed_account(session, tenant):
    """An account with one meter, committed (outside the test's rolled-back transaction)."""
    from app.accounts.models import Account, Meter
    from app.tenancy.models import Settlement

    session.execute(select(1))  # begin: sets app.tenant_id for row-level security
    settlement = session.scalar(select(Settlement).where(Settlement.code == "moscow"))
    account = Account(
        tenant_id=tenant.id,
        settlement_id=settlement.id,
        number="7099999999",
        owner_surname="Гонкин",
        owner_full_name="Гонкин Г. Г.",
        address="Москва",
    )
    account.meters.append(Meter(tenant_id=tenant.id, serial="RACE-1", service="cold_water"))
    session.add(account)
    session.commit()
    return account.id, account.meters[0].id
