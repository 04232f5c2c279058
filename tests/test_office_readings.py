"""Staff enter readings on a resident's behalf (`/admin/accounts/<id>/readings`, channel
«office»): the resident's sheet and checks, enter → check → transmit, and the office's own window
rule — while the window is closed, a late entry goes to the period of the last window."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.accounts.models import Contract, Meter
from app.extensions import db
from app.readings.models import Reading, ReadingVersion, Submission
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_reading, make_staff
from tests.support.web import base, csrf_token, submit, text

# Cheboksary takes readings from the 20th to the 25th (tenants/cheboksary.yaml).
WINDOW_OPEN = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # November's window
WINDOW_CLOSED = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)  # the last window was October's
# Moscow: the last 2 working days of November and the first 2 of December.
MOSCOW_WINDOW_OPEN = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
NOVEMBER, OCTOBER = date(2026, 11, 1), date(2026, 10, 1)


@pytest.fixture
def at(monkeypatch):
    """Move the app's clock to a moment."""
    return lambda moment: monkeypatch.setattr("app.clock.now", lambda: moment)


def staff_client(app, tenant, role="clerk"):
    staff = make_staff(tenant, login=f"office-{role}", role=role)
    client = app.test_client()
    response = submit(
        client, tenant.slug, "/admin/login", {"login": staff.login, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    return client, staff


def account_with_history(tenant, **fields):
    """An account whose cold-water meter read 100, 104, 108 and 112 m³ from July to October."""
    account = make_account(tenant, **fields)
    meter = account.meters[0]
    for month, value in ((7, 100_000), (8, 104_000), (9, 108_000), (10, 112_000)):
        make_reading(tenant, meter, date(2026, month, 1), value)
    return account, meter


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def readings_path(account, query: str = "") -> str:
    return f"/admin/accounts/{account.id}/readings{query}"


def enter(client, slug, account, values, *, transmit=True, query=""):
    """Fill the sheet and check it; then, when `transmit`, transmit the checked values."""
    path = readings_path(account, query)
    page = text(client.get(path, base_url=base(slug)))
    data = {
        "csrf_token": csrf_token(page),
        "idempotency_key": hidden(page, "idempotency_key"),
        "period": hidden(page, "period"),
        **values,
    }
    checked = client.post(path, base_url=base(slug), data={**data, "action": "check"})
    assert checked.status_code == 200, text(checked)
    if not transmit:
        return checked
    data["checked"] = hidden(text(checked), "checked")
    return client.post(path, base_url=base(slug), data={**data, "action": "transmit"})


def stored(tenant, *columns) -> list[tuple]:
    """Rows of `columns` in the tenant's scope, as plain values (usable outside the scope)."""
    with tenant_scope(tenant):
        return [tuple(row) for row in db.session.execute(select(*columns))]


def count(tenant, model) -> int:
    with tenant_scope(tenant):
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_clerk_enters_a_reading_stored_with_channel_office_and_the_clerk_as_author(
    app, tenants, at
):
    tenant = tenants["cheboksary"]
    at(WINDOW_OPEN)
    account, meter = account_with_history(tenant)
    client, clerk = staff_client(app, tenant)

    page = text(client.get(readings_path(account), base_url=base("cheboksary")))
    assert 'data-period="2026-11"' in page and "ноябрь 2026" in page
    assert meter.serial in page and "112" in page  # the previous value, as residents see it

    checked = enter(client, "cheboksary", account, {f"value-{meter.id}.1": "116"}, transmit=False)
    assert "Будут переданы показания: 1." in text(checked)
    assert count(tenant, Submission) == 4  # only the history: a check stores nothing

    response = enter(client, "cheboksary", account, {f"value-{meter.id}.1": "116"})
    assert response.status_code == 303
    with tenant_scope(tenant):
        db.session.expire_all()
        submission = db.session.scalar(select(Submission).where(Submission.period == NOVEMBER))
        assert (submission.channel, submission.author_kind) == ("office", "staff")
        assert (submission.author_id, submission.author_name) == (clerk.id, clerk.full_name)
        version = db.session.scalar(
            select(ReadingVersion).where(ReadingVersion.submission_id == submission.id)
        )
        assert (version.meter_id, version.value_milli, version.consumption_milli) == (
            meter.id,
            116_000,
            4_000,
        )
        reading = db.session.get(Reading, (tenant.id, meter.id, NOVEMBER, 1))
        assert reading.value_milli == 116_000 and reading.version_id == version.id

    protocol = text(client.get(response.headers["Location"], base_url=base("cheboksary")))
    assert submission.number in protocol and clerk.full_name in protocol
    assert "ноябрь 2026" in protocol and "в офисе водоканала" in protocol


def test_a_jump_is_transmitted_only_after_the_tick(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_OPEN)
    account, meter = account_with_history(tenant)
    client, _clerk = staff_client(app, tenant)
    key = f"{meter.id}.1"

    unticked = enter(client, "cheboksary", account, {f"value-{key}": "150"})
    assert unticked.status_code == 200
    assert "намного больше обычного" in text(unticked)
    assert f'name="confirm-{key}"' in text(unticked)
    assert count(tenant, Submission) == 4

    ticked = enter(client, "cheboksary", account, {f"value-{key}": "150", f"confirm-{key}": "1"})
    assert ticked.status_code == 303
    assert (NOVEMBER, 150_000, True) in stored(
        tenant, Reading.period, Reading.value_milli, Reading.flagged
    )


def test_values_changed_after_the_check_are_checked_again_not_transmitted(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_OPEN)
    account, meter = account_with_history(tenant)
    client, _clerk = staff_client(app, tenant)
    path = readings_path(account)
    page = text(client.get(path, base_url=base("cheboksary")))
    data = {
        "csrf_token": csrf_token(page),
        "idempotency_key": hidden(page, "idempotency_key"),
        "period": hidden(page, "period"),
        f"value-{meter.id}.1": "116",
    }
    checked = text(client.post(path, base_url=base("cheboksary"), data={**data, "action": "check"}))
    data.update({"checked": hidden(checked, "checked"), f"value-{meter.id}.1": "90"})
    response = client.post(path, base_url=base("cheboksary"), data={**data, "action": "transmit"})
    assert response.status_code == 200
    assert "изменились после проверки" in text(response)
    assert "Показание меньше предыдущего" in text(response)
    assert count(tenant, Submission) == 4


def test_a_viewer_sees_the_sheet_read_only_and_gets_403_on_post(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_OPEN)
    account, meter = account_with_history(tenant)
    client, _viewer = staff_client(app, tenant, role="viewer")

    page = client.get(readings_path(account), base_url=base("cheboksary"))
    assert page.status_code == 200
    assert meter.serial in text(page) and 'name="value-' not in text(page)

    response = submit(
        client,
        "cheboksary",
        readings_path(account),
        {"action": "transmit", f"value-{meter.id}.1": "116"},
    )
    assert response.status_code == 403
    assert count(tenant, Submission) == 4


def test_with_the_window_closed_the_entry_goes_to_the_last_windows_period(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_CLOSED)
    account = make_account(tenant)
    meter = account.meters[0]
    make_reading(tenant, meter, date(2026, 9, 1), 100_000)
    client, _clerk = staff_client(app, tenant)

    page = text(client.get(readings_path(account), base_url=base("cheboksary")))
    assert 'data-period="2026-10"' in page
    assert "Приём показаний за октябрь 2026 закончился 25 октября" in page

    response = enter(client, "cheboksary", account, {f"value-{meter.id}.1": "104"})
    assert response.status_code == 303
    assert sorted(stored(tenant, Reading.period, Reading.value_milli)) == [
        (date(2026, 9, 1), 100_000),
        (OCTOBER, 104_000),
    ]


def test_a_form_posted_after_the_next_window_opened_is_checked_again(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_CLOSED)
    account = make_account(tenant)
    meter = account.meters[0]
    client, _clerk = staff_client(app, tenant)
    path = readings_path(account)
    page = text(client.get(path, base_url=base("cheboksary")))
    at(WINDOW_OPEN)
    data = {
        "csrf_token": csrf_token(page),
        "idempotency_key": hidden(page, "idempotency_key"),
        "period": hidden(page, "period"),
        "checked": "0" * 32,
        "action": "transmit",
        f"value-{meter.id}.1": "104",
    }
    response = client.post(path, base_url=base("cheboksary"), data=data)
    assert response.status_code == 200 and "Период приёма сменился" in text(response)
    assert 'data-period="2026-11"' in text(response)
    assert count(tenant, Submission) == 0


def test_another_tenants_account_and_protocol_are_not_found(app, tenants, at):
    at(WINDOW_OPEN)
    angarsk = tenants["angarsk"]
    foreign = make_account(angarsk)
    make_reading(angarsk, foreign.meters[0], OCTOBER, 100_000)
    [(foreign_submission_id,)] = stored(angarsk, Submission.id)
    client, _clerk = staff_client(app, tenants["cheboksary"])

    assert client.get(readings_path(foreign), base_url=base("cheboksary")).status_code == 404
    response = submit(
        client,
        "cheboksary",
        readings_path(foreign),
        {"action": "check", f"value-{foreign.meters[0].id}.1": "104"},
        form_page="/admin/accounts",
    )
    assert response.status_code == 404
    protocol = f"/admin/accounts/{foreign.id}/readings/{foreign_submission_id}"
    assert client.get(protocol, base_url=base("cheboksary")).status_code == 404
    assert count(angarsk, Submission) == 1


def test_a_protocol_is_shown_only_under_its_own_account(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_OPEN)
    _account, _meter = account_with_history(tenant)
    other = make_account(tenant)
    submission_id = stored(tenant, Submission.id)[0][0]
    client, _clerk = staff_client(app, tenant)
    path = f"/admin/accounts/{other.id}/readings/{submission_id}"
    assert client.get(path, base_url=base("cheboksary")).status_code == 404


def test_the_same_form_posted_twice_is_one_submission(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_OPEN)
    account, meter = account_with_history(tenant)
    client, _clerk = staff_client(app, tenant)
    path = readings_path(account)
    page = text(client.get(path, base_url=base("cheboksary")))
    data = {
        "csrf_token": csrf_token(page),
        "idempotency_key": hidden(page, "idempotency_key"),
        "period": hidden(page, "period"),
        f"value-{meter.id}.1": "116",
    }
    checked = text(client.post(path, base_url=base("cheboksary"), data={**data, "action": "check"}))
    data.update({"checked": hidden(checked, "checked"), "action": "transmit"})

    first = client.post(path, base_url=base("cheboksary"), data=data)
    again = client.post(path, base_url=base("cheboksary"), data=data)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    with tenant_scope(tenant):
        november = select(func.count()).where(Submission.period == NOVEMBER)
        assert db.session.scalar(november.select_from(Submission)) == 1
    assert count(tenant, ReadingVersion) == 5  # four of history, one entered
    assert "уже переданы" in text(
        client.get(again.headers["Location"], base_url=base("cheboksary"))
    )


def test_a_blocked_account_shows_the_residents_message_and_takes_no_reading(app, tenants, at):
    tenant = tenants["novosibirsk"]
    at(WINDOW_OPEN)
    account = make_account(tenant, common_house_meter=True)
    client, _clerk = staff_client(app, tenant)

    page = text(client.get(readings_path(account), base_url=base("novosibirsk")))
    assert "передавайте показания через управляющую" in page
    assert 'name="value-' not in page
    response = submit(
        client,
        "novosibirsk",
        readings_path(account),
        {"action": "check", f"value-{account.meters[0].id}.1": "5"},
    )
    assert response.status_code == 409
    assert count(tenant, Submission) == 0


def test_moscow_staff_enter_readings_per_contract_with_calculation_type_and_note(app, tenants, at):
    tenant = tenants["moscow"]
    at(MOSCOW_WINDOW_OPEN)
    account = make_account(tenant, meters=2)
    cold, hot = account.meters
    with tenant_scope(tenant):
        first = Contract(account_id=account.id, number="12-345678/2019", signed_on=date(2019, 3, 1))
        second = Contract(
            account_id=account.id, number="12-345679/2021", signed_on=date(2021, 5, 1)
        )
        db.session.add_all([first, second])
        db.session.flush()
        cold.contract_id, hot.contract_id = first.id, second.id
        db.session.flush()
    client, _clerk = staff_client(app, tenant)

    page = text(client.get(readings_path(account), base_url=base("moscow")))
    assert "12-345678/2019" in page and "12-345679/2021" in page
    assert cold.serial in page and hot.serial not in page  # the first contract by default
    assert (
        client.get(
            readings_path(account, "?contract=not-a-contract"), base_url=base("moscow")
        ).status_code
        == 404
    )

    query = f"?contract={second.id}"
    response = enter(
        client,
        "moscow",
        account,
        {f"value-{hot.id}.1": "7", f"calc-{hot.id}": "51", f"note-{hot.id}": "02"},
        query=query,
    )
    assert response.status_code == 303
    assert stored(tenant, Submission.contract_id) == [(second.id,)]
    assert stored(
        tenant, ReadingVersion.meter_id, ReadingVersion.calculation_type, ReadingVersion.note
    ) == [(hot.id, "51", "02")]
    protocol = text(client.get(response.headers["Location"], base_url=base("moscow")))
    assert "По нормативу" in protocol and "Прибор учёта неисправен" in protocol


def test_search_results_and_the_account_page_link_to_the_readings(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_OPEN)
    account = make_account(tenant)
    client, _clerk = staff_client(app, tenant)
    link = f'href="{readings_path(account)}"'
    found = text(client.get(f"/admin/accounts?q={account.number}", base_url=base("cheboksary")))
    assert link in found
    issue_page = f"/admin/accounts/{account.id}/issue-login"
    assert link in text(client.get(issue_page, base_url=base("cheboksary")))


def test_an_expired_meter_is_shown_but_takes_no_reading(app, tenants, at):
    tenant = tenants["cheboksary"]
    at(WINDOW_OPEN)
    account = make_account(tenant, meters=1)
    with tenant_scope(tenant):
        expired = Meter(
            serial=f"{account.number}-old",
            service="cold_water",
            digits=5,
            verified_until=date(2026, 1, 1),
        )
        account.meters.append(expired)
        db.session.flush()
    client, _clerk = staff_client(app, tenant)
    page = text(client.get(readings_path(account), base_url=base("cheboksary")))
    assert "срок поверки истёк" in page
    assert f'name="value-{expired.id}.1"' not in page
    assert f'name="value-{account.meters[0].id}.1"' in page
