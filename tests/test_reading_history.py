"""The resident's reading history (SPEC §3: every version kept, with who, when and the channel) and
its printable archive (Moscow's seed: «История показаний», «распечатать архив показаний»)."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.readings.services import Author, record_submission
from app.readings.validation import OK, RowCheck
from app.tenancy.context import tenant_scope
from tests.conftest import count_queries
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, sign_in, text

RESIDENT = Author("resident", None, "Иванов И. И.", "web")
CLERK = Author("staff", None, "Петрова Анна", "office")
IMPORT = Author("system", None, None, "import")


def month(number: int, year: int = 2026) -> date:
    return date(year, number, 1)


def transmit(tenant, account, period, values, author=RESIDENT, *, flagged=(), at=None):
    """One submission of `values` ({meter: value in thousandths}) for `period`."""
    with tenant_scope(tenant):
        submission, _ = record_submission(
            account,
            period,
            [
                RowCheck(meter, 1, OK, value_milli=value, flagged=meter in flagged)
                for meter, value in values.items()
            ],
            idempotency_key=uuid.uuid4().hex,
            author=author,
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
    """Two meters; September imported, October by the clerk, November twice by the resident
    (the second replaces the first) with a confirmed jump on the second meter."""
    account = make_account(moscow, meters=2)
    make_resident(moscow, account, login="history")
    first, second = account.meters
    transmit(
        moscow,
        account,
        month(9),
        {first: 100_000, second: 50_000},
        IMPORT,
        at=datetime(2026, 10, 5, 3, 0, tzinfo=UTC),
    )
    transmit(
        moscow,
        account,
        month(10),
        {first: 104_000, second: 52_000},
        CLERK,
        at=datetime(2026, 10, 30, 8, 15, tzinfo=UTC),
    )
    transmit(
        moscow,
        account,
        month(11),
        {first: 107_000},
        at=datetime(2026, 11, 20, 7, 30, tzinfo=UTC),
    )
    transmit(
        moscow,
        account,
        month(11),
        {first: 108_000, second: 90_000},
        flagged={second},
        at=datetime(2026, 11, 21, 9, 5, tzinfo=UTC),
    )
    return account


def signed_in(client, login="history"):
    sign_in(client, "moscow", {"identifier": login, "secret": DEMO_PASSWORD})
    return client


def history(client, query=""):
    return client.get(f"/readings/history{query}", base_url=base("moscow"))


def rows(page: str) -> list[str]:
    """The table rows of the history page, as text."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r'<tr class="history-row.*?</tr>', page, re.S)
    ]


def test_every_version_is_listed_newest_first_with_channel_and_author(client, account):
    page = text(history(signed_in(client)))
    first, second = account.meters
    lines = rows(page)
    assert len(lines) == 7  # 2 imported, 2 from the office, 1 replaced, 2 current
    assert lines[0].startswith(f"21.11.2026 12:05 ноябрь 2026 {first.serial} 108 4 м³ сайт")
    assert "Иванов И. И." in lines[0]
    assert lines[1].startswith(f"21.11.2026 12:05 ноябрь 2026 {second.serial} 90 38 м³")
    assert "проверить" in lines[1]
    assert lines[2].startswith(f"20.11.2026 10:30 ноябрь 2026 {first.serial} 107 3 м³")
    assert "заменено" in lines[2]
    assert "офис" in lines[3] and "Петрова Анна (сотрудник водоканала)" in lines[3]
    assert "импорт" in lines[-1] and "загружено из расчётной системы" in lines[-1]
    assert "протокол №" in lines[0]  # Moscow offers the PDF protocol of each transmission


def test_the_meter_filter_shows_one_meter(client, account):
    first, second = account.meters
    page = text(history(signed_in(client), f"?meter={second.id}"))
    lines = rows(page)
    assert len(lines) == 3
    assert all(second.serial in line and first.serial not in line for line in lines)
    assert page.count('class="consumption-chart"') == 1


def test_the_period_filter_shows_those_months(client, account):
    lines = rows(text(history(signed_in(client), "?from=2026-10&to=10.2026")))
    assert len(lines) == 2 and all("октябрь 2026" in line for line in lines)


def test_a_meter_of_another_account_or_utility_is_not_found(client, account, moscow, tenants):
    neighbour = make_account(moscow)
    foreign = make_account(tenants["cheboksary"])
    signed_in(client)
    assert history(client, f"?meter={neighbour.meters[0].id}").status_code == 404
    assert history(client, f"?meter={foreign.meters[0].id}").status_code == 404
    assert history(client, "?meter=not-a-meter").status_code == 404


def test_a_malformed_month_is_explained_at_the_filter(client, account):
    response = history(signed_in(client), "?from=ноябрь&to=2026-13")
    page = text(response)
    assert response.status_code == 200
    assert page.count("Укажите месяц в виде ГГГГ-ММ, например 2026-01.") == 2
    assert 'aria-invalid="true"' in page
    assert len(rows(page)) == 7  # the bad bounds are left out, not guessed


def test_a_range_ending_before_it_starts_is_explained(client, account):
    page = text(history(signed_in(client), "?from=2026-11&to=2026-09"))
    assert "Конец периода раньше его начала." in page


def test_the_page_runs_the_same_queries_for_3_or_30_versions(app, app_context, moscow):
    small = make_account(moscow, meters=1)
    make_resident(moscow, small, login="small")
    for number in (9, 10, 11):
        transmit(moscow, small, month(number), {small.meters[0]: number * 1_000})
    large = make_account(moscow, meters=3)
    make_resident(moscow, large, login="large")
    for number in range(1, 11):
        transmit(moscow, large, month(number), {m: number * 1_000 for m in large.meters})

    def queries_for(login):
        client = signed_in(app.test_client(), login)
        with count_queries() as statements:
            response = history(client)
        assert response.status_code == 200
        return len(rows(text(response))), len(statements)

    (small_rows, small_queries), (large_rows, large_queries) = (
        queries_for("small"),
        queries_for("large"),
    )
    assert (small_rows, large_rows) == (3, 30)
    assert small_queries == large_queries


def test_older_periods_than_two_years_are_one_filter_away(client, app_context, moscow):
    account = make_account(moscow)
    make_resident(moscow, account, login="longtime")
    for index in range(26):
        year, number = divmod(index, 12)
        transmit(moscow, account, date(2024 + year, number + 1, 1), {account.meters[0]: index})
    page = text(history(signed_in(client, "longtime")))
    assert len(rows(page)) == 24
    assert "Показаны последние расчётные периоды (24)" in page
    assert len(rows(text(history(client, "?to=2024-02")))) == 2


def test_the_printable_archive_has_the_rows_of_the_filter(client, account):
    first, second = account.meters
    page = text(history(signed_in(client), f"?meter={first.id}&from=2026-10"))
    assert f"/readings/history.pdf?meter={first.id}&amp;from=2026-10" in page
    response = client.get(
        f"/readings/history.pdf?meter={first.id}&from=2026-10", base_url=base("moscow")
    )
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    reader = PdfReader(io.BytesIO(response.get_data()))
    archive = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"Архив показаний по лицевому счёту {account.number}" in archive
    assert "АО «Мосводоканал»" in archive
    assert f"21.11.2026 12:05 ноябрь 2026 {first.serial} 108 4 м³ сайт Иванов И. И." in archive
    assert "107 3 м³ сайт Иванов И. И. заменено" in archive
    assert "октябрь 2026" in archive and "Петрова Анна" in archive
    assert second.serial not in archive and "сентябрь 2026" not in archive


def test_signing_in_is_required(client, account):
    for path in ("/readings/history", "/readings/history.pdf"):
        response = client.get(path, base_url=base("moscow"))
        assert response.status_code == 302 and "/login" in response.headers["Location"]
