"""Submitting readings over HTTP (SPEC §3): enter → check → confirm → transmit, re-validated on
the server; the summary of rows not transmitted; jumps, expired meters, values below the previous
one; re-submission; one submission (and one mail) per form; nothing for other accounts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.readings.models import Submission
from app.tenancy.context import tenant_scope
from tests.conftest import count_queries
from tests.support.factories import make_account, make_reading
from tests.support.readings import (
    CLOSED,
    NOVEMBER,
    OPEN,
    add_contract,
    add_meter,
    check_and_transmit,
    check_sheet,
    current_values,
    form_data,
    freeze,
    open_form,
    post_sheet,
    sign_in,
    value_field,
    versions,
)
from tests.support.web import base, text


def with_history(tenant, account, *values_milli):
    """Readings of August, September, October… for the account's first meter."""
    for month, value in enumerate(values_milli, start=8):
        make_reading(tenant, account.meters[0], date(2026, month, 1), value)


def count(tenant, model) -> int:
    with tenant_scope(tenant):
        return db.session.scalar(select(func.count()).select_from(model))


def test_check_then_transmit_stores_the_readings_and_shows_the_protocol(
    app, client, app_context, tenants, monkeypatch, outbox
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=1)
    with_history(tenant, account, 100_000, 104_000, 108_000)
    meter = account.meters[0]
    resident = sign_in(app, client, tenant, account, email="reader@example.com")
    outbox()  # the outbox fixture starts empty

    check = check_sheet(client, "cheboksary", {})
    assert "Введите показания хотя бы одного прибора" in text(check)
    check = check_sheet(client, "cheboksary", {value_field(meter): "112"})
    assert check.status_code == 200 and "будет передано, расход 4 м³" in text(check)
    assert versions(tenant, meter) == [] and count(tenant, Submission) == 3  # the history
    done = post_sheet(client, "cheboksary", text(check), "transmit", "readings-transmit")
    assert done.status_code == 303
    assert done.headers["Location"].startswith("/readings/submissions/")

    assert current_values(tenant, meter)[-1] == (NOVEMBER, 1, 112_000, False)
    (version,) = versions(tenant, meter)
    with tenant_scope(tenant):
        submission = db.session.scalar(
            select(Submission).where(Submission.id == version.submission_id)
        )
        assert (submission.channel, submission.author_kind) == ("web", "resident")
        assert submission.author_id == resident.id and submission.account_id == account.id
    assert version.consumption_milli == 4_000

    result = text(client.get(done.headers["Location"], base_url=base("cheboksary")))
    assert "Показания переданы" in result
    assert submission.number in result
    assert 'data-testid="transmitted-value">112<' in result
    assert 'href="/readings/history"' in result
    assert f"{done.headers['Location']}/protocol.pdf" in result
    (mail,) = outbox()
    assert mail["To"] == "reader@example.com"
    assert submission.number in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert f"№ {meter.serial}, Холодное водоснабжение: 112 (расход 4 м³)" in body
    assert done.headers["Location"] in body


def test_the_resident_is_told_how_many_meters_will_not_be_transmitted(
    app, client, app_context, tenants, monkeypatch, outbox
):
    tenant = tenants["sevastopol"]
    freeze(monkeypatch, OPEN["sevastopol"])
    account = make_account(tenant, meters=3)
    with_history(tenant, account, 100_000)
    first, second, _third = account.meters
    sign_in(app, client, tenant, account)
    check, done = check_and_transmit(
        client, "sevastopol", {value_field(first): "90", value_field(second): "7"}
    )
    summary = "Показания по 2 приборам не будут переданы, начисление будет по среднему."
    assert summary in text(check)
    refused = text(check).split(f'id="fix-{first.id}.1"')[1].split(">")[0]
    assert 'aria-invalid="true"' in refused
    assert f'aria-describedby="reason-{first.id}.1"' in refused
    assert "Показание меньше предыдущего (100)" in text(check)
    assert done.status_code == 303
    assert current_values(tenant, first) == [(date(2026, 8, 1), 1, 100_000, False)]
    assert current_values(tenant, second) == [(NOVEMBER, 1, 7_000, False)]
    result = text(client.get(done.headers["Location"], base_url=base("sevastopol")))
    assert "Показание меньше предыдущего (100)" in result and "показание не введено" in result
    assert "Не переданы:" in outbox()[0].get_body(("plain",)).get_content()


def test_a_jump_needs_the_tick_and_is_flagged_for_staff(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["angarsk"]
    freeze(monkeypatch, OPEN["angarsk"])
    account = make_account(tenant, meters=1)
    with_history(tenant, account, 100_000, 105_000, 110_000)  # 5 m³ a month
    meter = account.meters[0]
    sign_in(app, client, tenant, account)
    check = check_sheet(client, "angarsk", {value_field(meter): "150"})
    page = text(check)
    assert "намного больше обычного" in page
    tick = page.split(f'id="confirm-{meter.id}.1"')[1].split(">")[0]
    assert "required" in tick
    assert 'value="transmit"' in page

    unticked = post_sheet(client, "angarsk", page, "transmit", "readings-transmit")
    assert unticked.status_code == 200 and "не подтверждены" in text(unticked)
    assert versions(tenant, meter) == []

    ticked = post_sheet(
        client, "angarsk", page, "transmit", "readings-transmit", **{f"confirm-{meter.id}.1": "1"}
    )
    assert ticked.status_code == 303
    assert current_values(tenant, meter)[-1] == (NOVEMBER, 1, 150_000, True)
    result = text(client.get(ticked.headers["Location"], base_url=base("angarsk")))
    assert "специалист водоканала проверит показание" in result


def test_an_expired_meter_is_refused_with_the_reason_even_when_forged(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=1)
    expired = add_meter(tenant, account, "OLD-1", verified_until=date(2026, 11, 1))
    sign_in(app, client, tenant, account)
    fresh = account.meters[0]
    values = {value_field(fresh): "5", value_field(expired): "9"}
    check, done = check_and_transmit(client, "cheboksary", values)
    assert "Срок поверки прибора истёк" in text(check)
    assert f'name="{value_field(expired)}"' not in text(check)  # not carried to transmit
    assert done.status_code == 303
    assert versions(tenant, expired) == [] and len(versions(tenant, fresh)) == 1
    result = text(client.get(done.headers["Location"], base_url=base("cheboksary")))
    assert "срок поверки истёк" in result


def test_forged_values_on_the_transmit_step_are_checked_again(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["novosibirsk"]
    freeze(monkeypatch, OPEN["novosibirsk"])
    account = make_account(tenant, meters=1)
    with_history(tenant, account, 99_000, 100_000)  # 1 m³ a month
    meter = account.meters[0]
    sign_in(app, client, tenant, account)
    check = check_sheet(client, "novosibirsk", {value_field(meter): "101"})
    forged = post_sheet(
        client,
        "novosibirsk",
        text(check),
        "transmit",
        "readings-transmit",
        **{value_field(meter): "12"},
    )
    assert forged.status_code == 200
    assert "Показание меньше предыдущего" in text(forged)
    assert versions(tenant, meter) == []
    jump = post_sheet(
        client,
        "novosibirsk",
        text(check),
        "transmit",
        "readings-transmit",
        **{value_field(meter): "9999"},
    )
    assert jump.status_code == 200 and versions(tenant, meter) == []


def test_a_resubmission_replaces_the_reading_and_keeps_both_versions(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=1)
    meter = account.meters[0]
    sign_in(app, client, tenant, account)
    check_and_transmit(client, "cheboksary", {value_field(meter): "105"})
    assert "передано: 105, можно исправить" in open_form(client, "cheboksary")
    _check, again = check_and_transmit(client, "cheboksary", {value_field(meter): "107"})
    assert again.status_code == 303
    assert current_values(tenant, meter) == [(NOVEMBER, 1, 107_000, False)]
    assert [v.value_milli for v in versions(tenant, meter)] == [105_000, 107_000]
    assert count(tenant, Submission) == 2


def test_the_same_form_posted_twice_is_one_submission_and_one_mail(
    app, client, app_context, tenants, monkeypatch, outbox
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=1)
    meter = account.meters[0]
    sign_in(app, client, tenant, account)
    outbox()
    check = check_sheet(client, "cheboksary", {value_field(meter): "105"})
    first = post_sheet(client, "cheboksary", text(check), "transmit", "readings-transmit")
    second = post_sheet(client, "cheboksary", text(check), "transmit", "readings-transmit")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(tenant, Submission) == 1 and len(versions(tenant, meter)) == 1
    assert len(outbox()) == 1
    # Back to the check page after transmitting: checking again starts a new form.
    recheck = post_sheet(client, "cheboksary", text(check), "check")
    assert form_data(text(check))["idempotency_key"] != form_data(text(recheck))["idempotency_key"]


def test_a_transmit_retried_after_the_window_closed_gets_the_first_result(
    app, client, app_context, tenants, monkeypatch, outbox
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=1)
    sign_in(app, client, tenant, account)
    check, first = check_and_transmit(client, "cheboksary", {value_field(account.meters[0]): "5"})
    freeze(monkeypatch, CLOSED)
    retried = post_sheet(client, "cheboksary", text(check), "transmit", "readings-transmit")
    assert first.status_code == retried.status_code == 303
    assert first.headers["Location"] == retried.headers["Location"]
    assert count(tenant, Submission) == 1


def test_a_first_transmit_does_not_look_its_key_up_before_storing(
    app, client, app_context, tenants, monkeypatch, outbox
):
    # The key's unique index catches a repeat (issue 4: a statement less per submission).
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=1)
    sign_in(app, client, tenant, account)
    check = check_sheet(client, "cheboksary", {value_field(account.meters[0]): "5"})
    with count_queries() as seen:
        done = post_sheet(client, "cheboksary", text(check), "transmit", "readings-transmit")
    assert done.status_code == 303
    lookups = [s for s in seen if "WHERE reading_submissions.idempotency_key" in s]
    assert lookups == []


def test_no_mail_for_a_resident_without_an_address(
    app, client, app_context, tenants, monkeypatch, outbox
):
    tenant = tenants["angarsk"]
    freeze(monkeypatch, OPEN["angarsk"])
    account = make_account(tenant, meters=1)
    sign_in(app, client, tenant, account, email=None)
    outbox()
    _check, done = check_and_transmit(client, "angarsk", {value_field(account.meters[0]): "3"})
    assert done.status_code == 303 and outbox() == []


def test_correcting_keeps_the_typed_values(app, client, app_context, tenants, monkeypatch):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=1)
    meter = account.meters[0]
    sign_in(app, client, tenant, account)
    check = check_sheet(client, "cheboksary", {value_field(meter): "12a"})
    assert 'value="transmit"' not in text(check)
    back = post_sheet(client, "cheboksary", text(check), "edit", "readings-edit")
    assert back.status_code == 200 and "Проверить показания" in text(back)
    assert f'name="{value_field(meter)}"\n                   value="12a"' in text(back)
    assert "Введите целое число" in text(back) and count(tenant, Submission) == 0


def test_window_closing_before_transmit_stores_nothing(
    app, client, app_context, tenants, monkeypatch
):
    tenant = tenants["cheboksary"]
    freeze(monkeypatch, OPEN["cheboksary"])
    account = make_account(tenant, meters=1)
    sign_in(app, client, tenant, account)
    check = check_sheet(client, "cheboksary", {value_field(account.meters[0]): "5"})
    freeze(monkeypatch, CLOSED)
    late = post_sheet(client, "cheboksary", text(check), "transmit", "readings-transmit")
    assert late.status_code == 200 and "Приём показаний закрыт" in text(late)
    assert count(tenant, Submission) == 0


def test_moscow_transmits_per_contract_with_its_dictionaries(
    app, client, app_context, tenants, monkeypatch, outbox
):
    tenant = tenants["moscow"]
    freeze(monkeypatch, OPEN["moscow"])
    account = make_account(tenant, meters=0)
    duo = add_meter(tenant, account, "MSK-2T", zones=2)
    other = add_meter(tenant, account, "MSK-X")
    contract = add_contract(tenant, account, "77-001", date(2019, 3, 1), duo)
    add_contract(tenant, account, "77-002", date(2020, 3, 1), other)
    sign_in(app, client, tenant, account)
    values = {
        value_field(duo, 1): "10",
        value_field(duo, 2): "4",
        f"calc-{duo.id}": "54",
        f"note-{duo.id}": "bogus",
        value_field(other): "8",  # another contract's meter: not on this sheet
    }
    check, done = check_and_transmit(client, "moscow", values, f"/readings?contract={contract.id}")
    assert "54 Ввод временно отключён" in text(check)
    assert done.status_code == 303
    stored = versions(tenant, duo)
    assert [(v.zone, v.value_milli, v.calculation_type, v.note) for v in stored] == [
        (1, 10_000, "54", None),
        (2, 4_000, "54", None),
    ]
    assert versions(tenant, other) == []
    with tenant_scope(tenant):
        stored_contract = db.session.scalar(
            select(Submission.contract_id).where(Submission.id == stored[0].submission_id)
        )
    assert stored_contract == contract.id
    result = text(client.get(done.headers["Location"], base_url=base("moscow")))
    assert "№ 77-001 от 01.03.2019" in result and "T2 (ночь)" in result
    assert f"{done.headers['Location']}/protocol.pdf" in result
    assert "Договор № 77-001 от 01.03.2019" in outbox()[-1].get_body(("plain",)).get_content()
