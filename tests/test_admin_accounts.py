"""The accounts desk of the staff console: search by number, surname, address and meter serial,
a page at a time; the folded columns the search relies on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy import text as sql

from app.accounts.models import Account, Meter, fill_folded_columns
from app.audit import AuditEntry
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import make_account
from tests.support.web import base, text
from tests.test_office_readings import staff_client


def search(client, slug, query, by="any", page=None):
    params = {"q": query, "by": by}
    if page:
        params["page"] = page
    response = client.get("/admin/accounts", base_url=base(slug), query_string=params)
    assert response.status_code == 200
    return text(response)


def test_a_number_is_found_in_every_format_the_tenant_accepts(app, tenants):
    novosibirsk, cheboksary = tenants["novosibirsk"], tenants["cheboksary"]
    make_account(novosibirsk, number="11-0007785", private_house=True)
    make_account(novosibirsk, number="01-0004321")
    make_account(cheboksary, number="104512367")
    client, _ = staff_client(app, novosibirsk, "viewer")
    for query in ("7785", "11-7785", "11 0007785", "11-0007785"):
        for by in ("any", "number"):
            page = search(client, "novosibirsk", query, by)
            assert "11-0007785" in page and "01-0004321" not in page, (query, by)
    other, _ = staff_client(app, cheboksary)
    for query in ("104512367", "104 512 367", " 104-512-367 "):
        assert "104512367" in search(other, "cheboksary", query, "number"), query


def test_a_malformed_number_is_explained_next_to_the_field(app, tenants):
    client, _ = staff_client(app, tenants["moscow"])
    page = search(client, "moscow", "12-34", "number")
    assert 'id="q-error"' in page and "Неверный номер лицевого счёта" in page
    assert "7012345678" in page  # the tenant's example


def test_a_surname_is_found_whatever_the_case_and_yo(app, tenants):
    angarsk = tenants["angarsk"]
    make_account(angarsk, number="204817", owner_surname="Алёшина")
    make_account(angarsk, number="204818", owner_surname="АЛЕШИНА")
    make_account(angarsk, number="204819", owner_surname="Алешин")
    client, _ = staff_client(app, angarsk)
    for query in ("алешина", " АЛЁШИНА ", "Алёшина"):
        for by in ("any", "surname"):
            page = search(client, "angarsk", query, by)
            assert "204817" in page and "204818" in page and "204819" not in page, (query, by)
            assert "Найдено: 2" in page


def test_an_address_is_found_by_its_words_in_any_case(app, tenants):
    moscow = tenants["moscow"]
    make_account(moscow, number="7000000101", address="ул. Ленина, д. 12, кв. 5")
    make_account(moscow, number="7000000102", address="ул. Лёвина, д. 12, кв. 5")
    make_account(moscow, number="7000000103", address="пр. Мира, д. 3")
    client, _ = staff_client(app, moscow)
    page = search(client, "moscow", "ленина 12", "address")
    assert "7000000101" in page and "7000000102" not in page and "7000000103" not in page
    assert "7000000102" in search(client, "moscow", "ЛЕВИНА", "address")
    assert "Найдено: 0" in search(client, "moscow", "ленина 3", "address")
    refused = search(client, "moscow", "«»", "address")
    assert 'id="q-error"' in refused


def test_a_meter_serial_finds_its_account(app, tenants):
    moscow = tenants["moscow"]
    account = make_account(moscow, number="7000000201", meters=0)
    make_account(moscow, number="7000000202")
    with tenant_scope(moscow):
        account.meters.append(Meter(serial="ВСКМ-90-123", service="cold_water", digits=5))
        db.session.flush()
    client, _ = staff_client(app, moscow)
    for query in ("ВСКМ-90-123", "вскм-90-123"):
        page = search(client, "moscow", query, "serial")
        assert "7000000201" in page and "7000000202" not in page, query
    assert "Найдено: 0" in search(client, "moscow", "ВСКМ-90", "serial")


def test_results_come_a_page_at_a_time(app, tenants):
    sevastopol = tenants["sevastopol"]
    for _index in range(27):
        make_account(sevastopol, owner_surname="Петренко", owner_full_name="Петренко П. П.")
    client, _ = staff_client(app, sevastopol)
    first = search(client, "sevastopol", "петренко")
    assert "Найдено: 27" in first and first.count('data-testid="account-row"') == 25
    assert "Страница 1 из 2" in first and "page=2" in first
    second = search(client, "sevastopol", "петренко", page=2)
    assert second.count('data-testid="account-row"') == 2


def test_results_link_to_the_account_page(app, tenants):
    moscow = tenants["moscow"]
    account = make_account(moscow, number="7000000301")
    client, _ = staff_client(app, moscow, "viewer")
    assert f'href="/admin/accounts/{account.id}"' in search(client, "moscow", "7000000301")


def test_a_search_is_written_to_the_audit_log(app, tenants):
    moscow = tenants["moscow"]
    make_account(moscow, number="7000000401")
    client, staff = staff_client(app, moscow, "viewer")
    search(client, "moscow", "7000000401")
    with tenant_scope(moscow):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.search"))
        assert entry.actor_id == staff.id and entry.target == "7000000401"
        assert entry.details["found"] == 1 and entry.details["by"] == "any"


def test_orm_writes_keep_the_folded_columns(app_context, tenants):
    moscow = tenants["moscow"]
    account = make_account(moscow, owner_surname="  Алёшин ", address="Ул. ЛЁВИНА, д. 1")
    assert account.owner_surname_folded == "алешин"
    assert account.address_folded == "ул. левина, д. 1"
    with tenant_scope(moscow):
        account.owner_surname = "Щёкин"
        db.session.flush()
        db.session.expire_all()
        stored = db.session.get(Account, (moscow.id, account.id))
        assert stored.owner_surname_folded == "щекин"


def test_rows_written_by_raw_sql_are_found_and_filled_later(app, tenants):
    moscow = tenants["moscow"]
    account = make_account(
        moscow, number="7000000501", owner_surname="Ёлкина", address="ул. Садовая, д. 7"
    )
    with tenant_scope(moscow):
        # What the billing import's INSERT leaves: the folded columns empty.
        db.session.execute(
            sql(
                "UPDATE accounts SET owner_surname_folded = NULL, address_folded = NULL "
                "WHERE tenant_id = :tenant AND number = '7000000501'"
            ),
            {"tenant": moscow.id},
        )
    client, _ = staff_client(app, moscow)
    assert "7000000501" in search(client, "moscow", "ёлкина", "surname")
    assert "7000000501" in search(client, "moscow", "ЁЛКИНА", "surname")
    assert "7000000501" in search(client, "moscow", "садовая", "address")
    with tenant_scope(moscow):
        assert fill_folded_columns(db.session) == 1
        db.session.expire_all()
        stored = db.session.get(Account, (moscow.id, account.id))
        assert (stored.owner_surname_folded, stored.address_folded) == (
            "елкина",
            "ул. садовая, д. 7",
        )
        assert fill_folded_columns(db.session) == 0
    assert "7000000501" in search(client, "moscow", "елкина", "surname")
