"""Several accounts under one login (SPEC §2, Moscow; seed 003 «Привязка нескольких лицевых
счетов»): add by number + exact last payment amount, switch in the header, unlink keeps the data."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.account.forms import link_form_for
from app.account.links import LinkRefused, link_account, parse_amount
from app.accounts.models import Account, Meter
from app.auth.models import ResidentAccount
from app.billing.models import Payment
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.conftest import count_queries
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, submit, text

REFUSAL = "Лицевой счёт с такими данными не найден"


def pay(tenant, account, paid_on: date, kopecks: int, created_at: datetime | None = None):
    """A payment on `account`, as the billing import would store it."""
    with tenant_scope(tenant):
        payment = Payment(
            account_id=account.id, paid_on=paid_on, amount_kopecks=kopecks, channel="bank"
        )
        if created_at is not None:
            payment.created_at = created_at
        db.session.add(payment)
        db.session.flush()


def linked_numbers(tenant, resident) -> list[str]:
    with tenant_scope(tenant):
        return sorted(
            db.session.scalars(
                select(Account.number)
                .join(ResidentAccount, ResidentAccount.account_id == Account.id)
                .where(ResidentAccount.resident_id == resident.id)
            )
        )


def add_account(client, number: str, proof: str, slug: str = "moscow", **extra):
    return submit(
        client,
        slug,
        "/settings/accounts",
        {"number": number, "proof": proof, **extra},
        form_page="/settings",
    )


def unlink(client, account_id, slug: str = "moscow"):
    return submit(
        client, slug, f"/settings/accounts/{account_id}/unlink", {}, form_page="/settings"
    )


@pytest.fixture
def moscow(tenants):
    return tenants["moscow"]


@pytest.fixture
def resident(client, app_context, moscow):
    """A Moscow resident with one account, signed in on `client`."""
    home = make_account(moscow, number="7000000101", address="ул. Садовая, д. 5, кв. 12")
    person = make_resident(moscow, home, login="ivanov.demo")
    response = submit(
        client, "moscow", "/login", {"identifier": "ivanov.demo", "secret": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    person.home = home
    return person


@pytest.fixture
def second(moscow):
    """Another Moscow account: paid 1 500,00 in January, then 1 234,56 in February."""
    account = make_account(moscow, number="7000000202", address="ул. Лесная, д. 7, кв. 3")
    pay(moscow, account, date(2026, 2, 10), 123456)
    pay(moscow, account, date(2026, 1, 10), 150000)
    return account


def test_resident_adds_a_second_account_with_the_exact_last_payment(
    client, moscow, resident, second
):
    response = add_account(client, "70 0000 0202", "1 234,56")
    assert response.status_code == 302
    assert response.headers["Location"] == "/settings"
    assert linked_numbers(moscow, resident) == ["7000000101", "7000000202"]

    page = text(client.get("/settings", base_url=base("moscow")))
    assert "Лицевой счёт 7000000202 привязан и выбран текущим." in page
    assert 'id="account-switcher"' in page
    assert f'<option value="{second.id}" selected>7000000202' in page
    assert f'<option value="{resident.home.id}" >7000000101' in page
    assert "текущий" in page and "Отвязать" in page

    cabinet = text(client.get("/cabinet", base_url=base("moscow")))
    assert 'data-testid="current-account">7000000202' in cabinet
    switched = submit(
        client,
        "moscow",
        "/cabinet/account",
        {"account_id": str(resident.home.id), "next": "/cabinet"},
        form_page="/cabinet",
        follow=True,
    )
    assert 'data-testid="current-account">7000000101' in text(switched)


def test_the_last_payment_is_the_latest_by_date_then_by_entry_time(client, moscow, resident):
    account = make_account(moscow, number="7000000303")
    pay(moscow, account, date(2026, 3, 1), 50000, created_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
    pay(moscow, account, date(2026, 3, 1), 70000, created_at=datetime(2026, 3, 2, 8, tzinfo=UTC))
    pay(moscow, account, date(2026, 2, 1), 90000, created_at=datetime(2026, 3, 3, tzinfo=UTC))
    for earlier in ("700,00", "900.00"):
        assert REFUSAL in text(add_account(client, "7000000303", earlier))
    assert add_account(client, "7000000303", "500").status_code == 302


@pytest.mark.parametrize(
    "number, amount",
    [
        ("7000000202", "1234,55"),  # a kopeck short
        ("7000000202", "1234,57"),  # a kopeck over
        ("7000000202", "1500,00"),  # an earlier payment, not the last one
        ("7000009999", "1234,56"),  # no such account
        ("7000000404", "0,00"),  # an account without payments: nothing to prove with
        ("7000000505", "1234,56"),  # Angarsk's account: invisible on Moscow's host
    ],
)
def test_every_failed_proof_gets_the_same_refusal(
    client, tenants, moscow, resident, second, number, amount
):
    make_account(moscow, number="7000000404")
    # A number shaped like Moscow's, so only tenant isolation can refuse it.
    angarsk = make_account(tenants["angarsk"], number="7000000505")
    pay(tenants["angarsk"], angarsk, date(2026, 2, 10), 123456)

    response = add_account(client, number, amount)
    assert response.status_code == 200
    page = text(response)
    assert f'<div class="alert" role="alert">\n  <p>{REFUSAL}.</p>\n</div>' in page
    assert linked_numbers(moscow, resident) == ["7000000101"]


def test_an_angarsk_number_is_not_even_a_moscow_number(client, tenants, moscow, resident):
    make_account(tenants["angarsk"], number="204817")
    page = text(add_account(client, "204817", "1234,56"))
    assert "Неверный номер лицевого счёта: номер лицевого счёта состоит из 10 цифр." in page
    assert linked_numbers(moscow, resident) == ["7000000101"]


@pytest.mark.parametrize(
    "typed, kopecks",
    [
        ("1 234,50", 123450),
        ("1234,5", 123450),
        ("1234.56", 123456),
        ("1\u00a0234,56", 123456),
        (" 1234 ", 123400),
        ("0,07", 7),
        ("12 345 678,90", 1234567890),
    ],
)
def test_amounts_are_parsed_to_exact_kopecks(typed, kopecks):
    assert parse_amount(typed) == kopecks


@pytest.mark.parametrize("typed", ["", "abc", "-5", "12,345", "1,2,3", "1e3", "١٢٣", "1234,5р"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


def test_amount_typed_with_spaces_and_one_kopeck_digit_links_the_account(client, moscow, resident):
    account = make_account(moscow, number="7000000606")
    pay(moscow, account, date(2026, 2, 1), 123450)
    assert add_account(client, "7000000606", "1 234,5").status_code == 302
    assert "7000000606" in linked_numbers(moscow, resident)


def test_a_malformed_amount_is_explained_at_the_field(client, moscow, resident, second):
    page = text(add_account(client, "7000000202", "тысяча"))
    assert "Введите сумму в рублях с копейками, например 1234,56." in page
    assert 'value="тысяча"' in page
    assert linked_numbers(moscow, resident) == ["7000000101"]


def test_an_account_already_linked_is_said_to_be(client, moscow, resident, second):
    assert add_account(client, "7000000202", "1234,56").status_code == 302
    page = text(add_account(client, "7000000202", "1234,56"))
    assert "Этот лицевой счёт уже привязан к вашему входу." in page
    assert "Этот лицевой счёт уже привязан" in text(add_account(client, "7000000101", "1,00"))


def test_unlinking_keeps_the_account_its_meters_and_payments(client, moscow, resident, second):
    assert add_account(client, "7000000202", "1234,56").status_code == 302
    response = unlink(client, second.id)
    assert response.status_code == 302
    assert linked_numbers(moscow, resident) == ["7000000101"]
    with tenant_scope(moscow):
        db.session.expire_all()
        assert db.session.get(Account, (moscow.id, second.id)) is not None
        assert (
            db.session.scalar(
                select(func.count()).select_from(Payment).where(Payment.account_id == second.id)
            )
            == 2
        )
        assert (
            db.session.scalar(
                select(func.count()).select_from(Meter).where(Meter.account_id == second.id)
            )
            == 1
        )
    page = text(client.get("/settings", base_url=base("moscow")))
    assert "Лицевой счёт 7000000202 отвязан от вашего входа." in page
    assert 'id="account-switcher"' not in page  # one account left: nothing to switch
    cabinet = text(client.get("/cabinet", base_url=base("moscow")))
    assert 'data-testid="current-account">7000000101' in cabinet


def test_the_last_link_cannot_be_removed(client, moscow, resident):
    assert "/unlink" not in text(client.get("/settings", base_url=base("moscow")))
    response = unlink(client, resident.home.id)
    assert response.status_code == 302
    assert linked_numbers(moscow, resident) == ["7000000101"]
    page = text(client.get("/settings", base_url=base("moscow")))
    assert "Единственный лицевой счёт отвязать нельзя." in page


def test_unlinking_an_account_that_is_not_yours_is_not_found(
    client, tenants, moscow, resident, second
):
    assert add_account(client, "7000000202", "1234,56").status_code == 302
    neighbour = make_account(moscow, number="7000000707")
    make_resident(moscow, neighbour, login="petrov.demo")
    angarsk = make_account(tenants["angarsk"], number="204818")
    make_resident(tenants["angarsk"], angarsk, password=None)
    for account_id in (neighbour.id, angarsk.id, uuid.uuid4()):
        assert unlink(client, account_id).status_code == 404
    assert linked_numbers(moscow, resident) == ["7000000101", "7000000202"]
    with tenant_scope(moscow):
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(ResidentAccount)
                .where(ResidentAccount.account_id == neighbour.id)
            )
            == 1
        )


def test_guessing_is_rate_limited_per_resident(client, moscow, resident, second):
    for _ in range(10):
        assert add_account(client, "7000000202", "1,00").status_code == 200
    assert add_account(client, "7000000202", "1234,56").status_code == 429
    assert linked_numbers(moscow, resident) == ["7000000101"]


def test_a_tenant_without_the_feature_has_no_add_form_and_no_routes(client, app_context, tenants):
    cheboksary = tenants["cheboksary"]
    first = make_account(cheboksary, number="104512367")
    other = make_account(cheboksary, number="104512368")
    make_resident(cheboksary, first, other)
    assert (
        submit(
            client,
            "cheboksary",
            "/login",
            {"settlement": "cheboksary", "identifier": "104512367", "secret": DEMO_PASSWORD},
        ).status_code
        == 302
    )
    page = text(client.get("/settings", base_url=base("cheboksary")))
    assert "Лицевые счета" in page and "104512368" in page
    assert "Добавить лицевой счёт" not in page and "/unlink" not in page
    added = submit(
        client,
        "cheboksary",
        "/settings/accounts",
        {"settlement": "cheboksary", "number": "104512369", "proof": "Иванов"},
        form_page="/settings",
    )
    assert added.status_code == 404
    assert unlink(client, other.id, slug="cheboksary").status_code == 404


def test_surname_proof_and_settlements_when_a_tenant_chooses_them(app, app_context, tenants):
    # No launch tenant combines several settlements with linked accounts; the rules still hold.
    cheboksary = tenants["cheboksary"]
    home = make_account(cheboksary, settlement_code="cheboksary", number="104512367")
    there = make_account(
        cheboksary, settlement_code="kugesi", number="104512370", owner_surname="Алёшина"
    )
    person = make_resident(cheboksary, home)
    with app.test_request_context(base_url=base("cheboksary")), tenant_scope(cheboksary):
        form = link_form_for(cheboksary, "owner_surname", meta={"csrf": False})
        assert "settlement" in form and form.proof.label.text == "Фамилия владельца лицевого счёта"
        for settlement, surname in (
            ("cheboksary", "Алёшина"),
            ("kugesi", "Петрова"),
            ("kugesi", ""),
        ):
            with pytest.raises(LinkRefused):
                link_account(
                    person,
                    proof="owner_surname",
                    number="104512370",
                    proof_value=surname,
                    settlement_code=settlement,
                )
        linked = link_account(
            person,
            proof="owner_surname",
            number="104512370",
            proof_value=" алешина ",
            settlement_code="kugesi",
        )
    assert linked.id == there.id
    assert linked_numbers(cheboksary, person) == ["104512367", "104512370"]


def test_the_switcher_lists_the_oldest_link_first_loaded_with_the_resident(
    client, moscow, resident, second
):
    with tenant_scope(moscow):
        db.session.add(
            ResidentAccount(
                resident_id=resident.id,
                account_id=second.id,
                linked_at=datetime(2020, 1, 1, tzinfo=UTC),
            )
        )
        db.session.flush()
    with count_queries() as seen:
        page = text(client.get("/cabinet", base_url=base("moscow")))
    assert page.index(">7000000202 —") < page.index(">7000000101 —")
    # The accounts came in the user loader's statement (auth.identity), not a query of their own.
    assert [s for s in seen if s.lstrip().startswith("SELECT accounts.")] == []
