"""The PDF protocol of a transmission (Moscow's seed: after «Передать» the resident can print or
save «протокол передачи показаний в формате pdf»), read back by extracting its text."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.readings.services import Author, record_submission
from app.readings.validation import OK, RowCheck
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_reading, make_resident
from tests.support.web import base, sign_in

NOVEMBER = date(2026, 11, 1)


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.get_data()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def transmit(tenant, account, rows, *, key=None, author=None, at=None):
    """A submission of `rows` ([(meter, value, consumption, flagged, calc, note)]) for November."""
    with tenant_scope(tenant):
        submission, _ = record_submission(
            account,
            NOVEMBER,
            [
                RowCheck(
                    meter,
                    1,
                    OK,
                    value_milli=value,
                    consumption_milli=used,
                    flagged=flagged,
                    calculation_type=calc,
                    note=note,
                )
                for meter, value, used, flagged, calc, note in rows
            ],
            idempotency_key=key or uuid.uuid4().hex,
            author=author or Author("resident", None, "Иванов И. И.", "web"),
        )
        if at is not None:
            submission.created_at = at
            db.session.flush()
        return submission


@pytest.fixture
def moscow(tenants):
    return tenants["moscow"]


@pytest.fixture
def account(app_context, moscow):
    return make_account(moscow, meters=2, address="ул. Тверская, д. 7, кв. 12")


@pytest.fixture
def submission(account, moscow):
    """Two meters of a Moscow account, one with an unusual jump the resident confirmed."""
    make_resident(moscow, account, login="protocol")
    cold, second = account.meters
    make_reading(moscow, cold, date(2026, 10, 1), 100_000)
    make_reading(moscow, second, date(2026, 10, 1), 200_000)
    return transmit(
        moscow,
        account,
        [
            (cold, 104_000, 4_000, False, "51", "01"),
            (second, 230_000, 30_000, True, None, None),
        ],
        at=datetime(2026, 11, 21, 9, 5, tzinfo=UTC),
    )


def signed_in(client, login="protocol", slug="moscow"):
    sign_in(client, slug, {"identifier": login, "secret": DEMO_PASSWORD})
    return client


def protocol(client, submission_id, slug="moscow"):
    return client.get(f"/readings/submissions/{submission_id}/protocol.pdf", base_url=base(slug))


def test_the_protocol_names_the_utility_account_period_meters_and_values(
    client, account, submission
):
    response = protocol(signed_in(client), submission.id)
    assert response.status_code == 200
    text = pdf_text(response)
    assert f"Протокол передачи показаний № {submission.number}" in text
    assert "АО «Мосводоканал»" in text
    assert "Плетешковский пер." in text  # the utility's contacts head the page
    assert account.number in text
    assert "ул. Тверская, д. 7, кв. 12" in text
    assert "ноябрь 2026" in text
    for meter in account.meters:
        assert meter.serial in text
    assert "100 104 4 м³" in text  # previous, current, consumption of the first meter
    assert "200 230 30 м³" in text
    assert "По нормативу" in text and "Показания сняты на последнее число месяца" in text
    assert "сайт" in text and "Иванов И. И." in text


def test_the_time_is_on_the_utilitys_clock_and_says_which(client, submission):
    text = pdf_text(protocol(signed_in(client), submission.id))
    assert "21.11.2026 12:05 (Europe/Moscow, UTC+03:00)" in text


def test_a_confirmed_jump_is_marked_for_checking(client, submission):
    text = pdf_text(protocol(signed_in(client), submission.id))
    assert "30 м³ проверить" in text
    assert "«Проверить» — расход намного больше обычного" in text


def test_the_protocol_is_an_inline_private_pdf(client, submission):
    response = protocol(signed_in(client), submission.id)
    assert response.headers["Content-Type"] == "application/pdf"
    assert (
        response.headers["Content-Disposition"]
        == f'inline; filename="protocol-{submission.number}.pdf"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.get_data().startswith(b"%PDF-")


def test_an_office_submission_names_the_clerk(client, app_context, moscow):
    account = make_account(moscow)
    make_resident(moscow, account, login="office")
    submission = transmit(
        moscow,
        account,
        [(account.meters[0], 7_000, None, False, None, None)],
        author=Author("staff", None, "Петрова Анна", "office"),
    )
    text = pdf_text(protocol(signed_in(client, "office"), submission.id))
    assert "офис" in text and "Петрова Анна (сотрудник водоканала)" in text
    assert "— 7 —" in text  # no previous value, so no consumption either


def test_a_submission_under_a_contract_names_the_contract(client, app_context, moscow):
    from app.accounts.models import Contract

    account = make_account(moscow)
    make_resident(moscow, account, login="contract")
    with tenant_scope(moscow):
        contract = Contract(account_id=account.id, number="12-345/2026", signed_on=date(2026, 3, 2))
        db.session.add(contract)
        db.session.flush()
        submission, _ = record_submission(
            account,
            NOVEMBER,
            [RowCheck(account.meters[0], 1, OK, value_milli=9_000)],
            idempotency_key="contract",
            author=Author("resident", None, "Иванов И. И.", "web"),
            contract_id=contract.id,
        )
    text = pdf_text(protocol(signed_in(client, "contract"), submission.id))
    assert "Договор № 12-345/2026 от 02.03.2026" in text


def test_another_account_of_the_same_utility_is_not_found(client, submission, moscow):
    stranger = make_account(moscow)
    make_resident(moscow, stranger, login="stranger")
    assert protocol(signed_in(client, "stranger"), submission.id).status_code == 404


def test_a_submission_of_another_utility_is_not_found(client, submission, tenants):
    cheboksary = tenants["cheboksary"]
    account = make_account(cheboksary)
    foreign = transmit(cheboksary, account, [(account.meters[0], 5_000, None, False, None, None)])
    assert protocol(signed_in(client), foreign.id).status_code == 404
    assert protocol(client, uuid.uuid4()).status_code == 404


def test_every_utility_serves_the_protocol(client, app_context, tenants):
    cheboksary = tenants["cheboksary"]
    account = make_account(cheboksary, number="104512367", settlement_code="novocheboksarsk")
    make_resident(cheboksary, account)
    submission = transmit(
        cheboksary, account, [(account.meters[0], 5_000, None, False, None, None)]
    )
    sign_in(
        client,
        "cheboksary",
        {"settlement": "novocheboksarsk", "identifier": "104512367", "secret": DEMO_PASSWORD},
    )
    response = protocol(client, submission.id, slug="cheboksary")
    assert response.status_code == 200
    assert "АО «Водоканал»" in pdf_text(response)


def test_signing_in_is_required(client, submission):
    response = protocol(client, submission.id)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
