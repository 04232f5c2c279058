"""Window reminders (issue 7): on the day a tenant's window opens and shortly before it closes, at
10:00 tenant time, to residents whose metered accounts have not submitted for the period; once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.tenancy.context import tenant_scope
from app.tenancy.models import Tenant
from tests.support.factories import make_account, make_reading, make_resident
from tests.support.notifications import mailings, recipients, tick
from tests.support.readings import add_contract

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def residents(app_context, tenants):
    """One resident with a metered account in Moscow and in Novosibirsk."""
    made = {}
    for slug in ("moscow", "novosibirsk"):
        tenant = tenants[slug]
        made[slug] = make_resident(tenant, make_account(tenant), email=f"{slug}@example.ru")
    return made


def _reminded(outbox) -> list[str]:
    return recipients(outbox())


def test_novosibirsk_is_reminded_at_ten_novosibirsk_time_on_the_opening_day(outbox, residents):
    tick("2026-11-20T02:59:00Z")  # 09:59 in Novosibirsk
    assert _reminded(outbox) == []

    tick("2026-11-20T03:00:00Z")  # 10:00 in Novosibirsk, 06:00 in Moscow
    [message] = outbox()
    assert message["To"] == "novosibirsk@example.ru"
    assert message["Subject"] == "Горводоканал: открыт приём показаний до 25 ноября"


def test_moscow_is_reminded_at_ten_moscow_time_when_its_window_opens(outbox, residents):
    # Moscow's November window: 27 November (the last two working days) to 2 December.
    tick("2026-11-27T06:59:00Z")
    assert _reminded(outbox) == []
    tick("2026-11-27T07:00:00Z")
    assert _reminded(outbox) == ["moscow@example.ru"]


def test_moscow_and_novosibirsk_on_the_same_utc_day_each_at_their_own_ten(
    outbox, residents, app_context, tenants
):
    # Give Moscow Novosibirsk's window: the same local day, four hours apart in UTC. With the real
    # windows the two never meet: 10:00 in both zones is the same UTC day only on the same local
    # date, Novosibirsk reminds on the 20th and 24th, and Moscow's working-day reminders fall on
    # the 2nd–13th and 25th–30th (every month of 2025–2100 on the RU calendar).
    row = db.session.scalar(select(Tenant).where(Tenant.slug == "moscow"))
    config = dict(row.config)
    config["readings"] = {
        **config["readings"],
        "window": {"kind": "days_of_month", "first_day": 20, "last_day": 25},
    }
    row.config = config
    db.session.flush()
    app_context.extensions["tenant_cache"].invalidate()

    tick("2026-11-20T03:00:00Z")
    assert _reminded(outbox) == ["novosibirsk@example.ru"]
    tick("2026-11-20T06:59:00Z")
    assert _reminded(outbox) == ["novosibirsk@example.ru"]
    tick("2026-11-20T07:00:00Z")
    assert _reminded(outbox) == ["moscow@example.ru", "novosibirsk@example.ru"]


def test_moscow_time_and_novosibirsk_time_on_the_same_utc_day_with_the_real_windows(
    outbox, app_context, tenants
):
    # Cheboksary keeps Moscow time and, like Novosibirsk, opens its window on the 20th.
    for slug in ("cheboksary", "novosibirsk"):
        tenant = tenants[slug]
        make_resident(tenant, make_account(tenant), email=f"{slug}@example.ru")

    tick("2026-11-20T02:59:00Z")
    assert _reminded(outbox) == []
    tick("2026-11-20T03:00:00Z")  # 10:00 in Novosibirsk, 06:00 in Cheboksary
    assert _reminded(outbox) == ["novosibirsk@example.ru"]
    tick("2026-11-20T06:59:00Z")
    assert _reminded(outbox) == ["novosibirsk@example.ru"]
    tick("2026-11-20T07:00:00Z")  # 10:00 in Cheboksary
    assert _reminded(outbox) == ["cheboksary@example.ru", "novosibirsk@example.ru"]


def test_closing_reminder_two_days_ahead_for_a_six_day_window(outbox, residents):
    # Novosibirsk: 20–25 November, six days; the reminder goes on the 24th.
    tick("2026-11-23T03:00:00Z")
    assert _reminded(outbox) == []
    tick("2026-11-24T03:00:00Z")
    [message] = outbox()
    assert message["Subject"] == "Горводоканал: приём показаний заканчивается 25 ноября"


def test_closing_reminder_one_day_ahead_for_moscows_four_day_window(outbox, residents):
    # Moscow: 27 November – 2 December, four working days; the reminder goes on its last day.
    tick("2026-12-01T07:00:00Z")
    assert _reminded(outbox) == []
    tick("2026-12-02T07:00:00Z")
    [message] = outbox()
    assert message["Subject"] == "Мосводоканал: приём показаний заканчивается 2 декабря"


def test_no_reminder_to_accounts_that_already_submitted_or_have_no_meters(
    outbox, app_context, tenants
):
    tenant = tenants["novosibirsk"]
    pending = make_account(tenant)
    submitted = make_account(tenant)
    make_reading(tenant, submitted.meters[0], NOVEMBER, 120_000)
    make_resident(tenant, pending, email="pending@example.ru")
    make_resident(tenant, submitted, email="submitted@example.ru")
    make_resident(tenant, make_account(tenant, meters=0), email="no-meters@example.ru")
    # Linked to both: reminded about the account still to submit, not about the other.
    make_resident(tenant, submitted, make_account(tenant), email="both@example.ru")
    submitted_number = submitted.number  # (the tick's commit expires the objects)

    tick("2026-11-20T03:00:00Z")

    messages = outbox()
    assert recipients(messages) == ["both@example.ru", "pending@example.ru"]
    assert submitted_number not in messages[0].get_body(("plain",)).get_content()


def test_a_repeated_or_late_tick_does_not_send_a_reminder_twice(outbox, residents, tenants):
    for minute in ("03:00", "03:00", "03:01", "09:30"):
        tick(f"2026-11-20T{minute}:00Z")

    assert _reminded(outbox) == ["novosibirsk@example.ru"]
    [mailing] = mailings(tenants["novosibirsk"])
    assert (mailing.kind, mailing.period, mailing.recipients) == ("window_opens", NOVEMBER, 1)
    assert (mailing.emails_sent, mailing.finished) == (1, True)


def test_a_missed_ten_oclock_is_caught_up_the_same_day_but_not_in_the_evening(outbox, residents):
    tick("2026-11-20T14:00:00Z")  # 21:00 in Novosibirsk: too late
    assert _reminded(outbox) == []
    tick("2026-11-20T05:30:00Z")  # 12:30: the scheduler was down at 10:00
    assert _reminded(outbox) == ["novosibirsk@example.ru"]


def test_blocked_and_pending_residents_are_not_reminded(outbox, app_context, tenants):
    tenant = tenants["novosibirsk"]
    make_resident(tenant, make_account(tenant), email="blocked@example.ru", status="blocked")
    make_resident(tenant, make_account(tenant), email="pending@example.ru", status="pending")

    tick("2026-11-20T03:00:00Z")
    assert _reminded(outbox) == []


def test_reminder_mail_has_both_parts_the_accounts_and_a_link_to_the_form(
    outbox, app_context, tenants
):
    tenant = tenants["novosibirsk"]
    account = make_account(tenant)
    make_resident(tenant, account, email="r@example.ru", full_name="Петров Пётр Петрович")
    number = account.number

    tick("2026-11-20T03:00:00Z")

    [message] = outbox()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Петров Пётр Петрович" in body
        assert number in body
        assert "http://novosibirsk.localhost/readings" in body
        assert "до 25 ноября включительно" in body
    assert message["List-Unsubscribe"].startswith("<http://novosibirsk.localhost/unsubscribe/")


def submit_contract(tenant, account, contract, meter, value_milli: int) -> None:
    """Readings of `meter` for November, transmitted under `contract` (Moscow reads per contract)."""
    from app.readings.services import Author, record_submission
    from app.readings.validation import OK, RowCheck

    with tenant_scope(tenant):
        record_submission(
            account,
            NOVEMBER,
            [RowCheck(meter, 1, OK, value_milli=value_milli)],
            idempotency_key=f"test-{contract.id}",
            author=Author("system", None, None, "import"),
            contract_id=contract.id,
        )
        db.session.flush()


def test_a_moscow_account_is_submitted_only_when_every_contract_is(outbox, app_context, tenants):
    moscow = tenants["moscow"]
    accounts = {}
    for name in ("half", "whole"):
        account = make_account(moscow, meters=2)
        first, second = account.meters
        contracts = (
            add_contract(moscow, account, f"{name}-1", date(2019, 3, 1), first),
            add_contract(moscow, account, f"{name}-2", date(2021, 6, 1), second),
        )
        make_resident(moscow, account, email=f"{name}@example.ru")
        accounts[name] = (account, contracts, account.number)
    account, (first_contract, _second), _number = accounts["half"]
    submit_contract(moscow, account, first_contract, account.meters[0], 120_000)
    account, contracts, _number = accounts["whole"]
    for contract, meter in zip(contracts, account.meters, strict=True):
        submit_contract(moscow, account, contract, meter, 120_000)

    tick("2026-11-27T07:00:00Z")  # Moscow's November window opens

    [message] = outbox()
    assert message["To"] == "half@example.ru"  # one contract of two still to submit
    assert accounts["half"][2] in message.get_body(("plain",)).get_content()
