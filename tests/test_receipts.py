"""The monthly receipt (issue 5, SPEC §3a): a PDF for any period the account has charges for, laid
out like a Russian utility receipt, with the ГОСТ Р 56042-2014 payment QR code — decoded here from
the PDF's image and checked field by field; organisations get an invoice."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import zxingcpp
from pypdf import PdfReader

from app.billing.receipts.qr import gost_payload
from tests.support.factories import add_charge, add_payment, make_account
from tests.support.readings import freeze, sign_in
from tests.support.web import base

TODAY = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
REQUIRED = ("Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc")


def receipt(client, period: str, slug: str = "moscow"):
    return client.get(f"/receipts/{period}.pdf", base_url=base(slug))


def pdf_text(response) -> str:
    """The PDF's text, every kind of space made one space."""
    reader = PdfReader(io.BytesIO(response.get_data()))
    extracted = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(extracted.replace("\u00a0", " ").split())


def qr_fields(response) -> tuple[str, list[tuple[str, str]]]:
    """The header and the (key, value) pairs of the one QR code in the PDF."""
    reader = PdfReader(io.BytesIO(response.get_data()))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    codes = zxingcpp.read_barcodes(images[0].image)
    assert len(codes) == 1 and codes[0].format == zxingcpp.BarcodeFormat.QRCode
    assert codes[0].ec_level == "M"
    header, *pairs = codes[0].bytes.decode("utf-8").split("|")
    return header, [tuple(pair.split("=", 1)) for pair in pairs]


@pytest.fixture
def moscow(tenants):
    return tenants["moscow"]


@pytest.fixture
def account(app, app_context, client, moscow, monkeypatch):
    """A Moscow flat with October and November charges (November's cold water recalculated),
    a payment in each month; its resident signed in on `client`."""
    freeze(monkeypatch, TODAY)
    account = make_account(
        moscow,
        number="7012345678",
        owner_surname="Смирнова",
        owner_full_name="Смирнова Анна Петровна",
        address="г. Москва, ул. Тверская, д. 7, кв. 12",
    )
    add_charge(moscow, account, "2026-10", "cold_water", 20_000, volume=4_000, tariff=5_000)
    add_charge(moscow, account, "2026-11", "cold_water", 24_550, volume=5_000, tariff=5_181)
    add_charge(moscow, account, "2026-11", "hot_water", 73_002, volume=2_500, tariff=29_201)
    add_charge(moscow, account, "2026-11", "sewerage", 30_000, volume=7_500, tariff=4_000)
    add_payment(moscow, account, date(2026, 10, 25), 15_000)
    add_payment(moscow, account, date(2026, 11, 20), 5_000)
    sign_in(app, client, moscow, account)
    return account


def test_the_receipt_is_a_private_pdf_named_after_account_and_period(client, account):
    response = receipt(client, "2026-11")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == (
        'inline; filename="receipt-7012345678-2026-11.pdf"'
    )


def test_the_receipt_has_requisites_payer_services_settlement_and_due_date(client, account):
    words = pdf_text(receipt(client, "2026-11"))
    assert "ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ" in words and "Квитанция за ноябрь 2026" in words
    for fact in (
        "Получатель платежа АО «Мосводоканал»",
        "ИНН / КПП 7701004013 / 770101001",
        "Банк получателя ПАО Сбербанк",
        "БИК 044525225",
        "Расчётный счёт 40702810233800000045",
        "Корр. счёт 30101810400000000225",
        "Лицевой счёт 7012345678",
        "Плательщик Смирнова Анна Петровна",
        "Адрес г. Москва, ул. Тверская, д. 7, кв. 12",
        "Расчётный период ноябрь 2026",
    ):
        assert fact in words, fact
    # volume × tariff = by tariff, recalculation, charged
    assert "Холодное водоснабжение 5 м³ 51,81 259,05 −13,55 245,50" in words
    assert "Горячее водоснабжение 2,5 м³ 292,01 730,03 −0,01 730,02" in words
    assert "Водоотведение 7,5 м³ 40,00 300,00 — 300,00" in words
    # October: 200,00 charged, 150,00 paid before November → 50,00 debt
    assert "Задолженность на 1 ноября 2026 50,00 ₽" in words
    assert "Начислено за ноябрь 2026 1 275,52 ₽" in words
    assert "в том числе перерасчёт −13,56 ₽" in words
    assert "Оплачено с 1 ноября 2026 50,00 ₽ 20.11.2026 50,00 ₽" in words
    assert "Итого к оплате 1 275,52 ₽" in words
    assert "Оплатить до 15 декабря 2026" in words


def test_the_qr_code_carries_every_field_of_the_standard(client, account, moscow):
    header, fields = qr_fields(receipt(client, "2026-11"))
    assert header == "ST00012"
    assert [key for key, _ in fields][:5] == list(REQUIRED)
    requisites = moscow.config.requisites
    assert dict(fields) == {
        "Name": requisites.recipient,
        "PersonalAcc": requisites.settlement_account,
        "BankName": requisites.bank_name,
        "BIC": requisites.bic,
        "CorrespAcc": requisites.correspondent_account,
        "KPP": requisites.kpp,
        "PayeeINN": requisites.inn,
        "Purpose": "Оплата по лицевому счёту 7012345678 за ноябрь 2026",
        "Sum": "127552",
        "PersAcc": "7012345678",
        "PaymPeriod": "112026",
        "LastName": "Смирнова",
        "PayerAddress": "г. Москва, ул. Тверская, д. 7, кв. 12",
    }
    assert len(dict(fields)["PersonalAcc"]) == 20 and len(dict(fields)["BIC"]) == 9


def test_an_earlier_receipt_asks_only_for_what_is_still_unpaid_of_it(client, account):
    words = pdf_text(receipt(client, "2026-10"))
    # 200,00 in October; 150,00 + 50,00 paid since 1 October settle it.
    assert "Оплачено с 1 октября 2026 200,00 ₽" in words
    assert "Итого к оплате 0,00 ₽" in words and "Оплатить до 15 ноября 2026" in words
    _, fields = qr_fields(receipt(client, "2026-10"))
    assert "Sum" not in dict(fields)  # nothing due: the banking app asks for the amount
    assert dict(fields)["PaymPeriod"] == "102026"


def test_a_credit_before_the_period_is_shown_as_overpayment(client, account, moscow):
    add_payment(moscow, account, date(2026, 10, 31), 10_000)
    words = pdf_text(receipt(client, "2026-11"))
    assert "Переплата на 1 ноября 2026 50,00 ₽" in words
    assert "Итого к оплате 1 175,52 ₽" in words


def test_a_period_without_charges_is_not_found(client, account):
    assert receipt(client, "2026-09").status_code == 404
    for malformed in ("2026-13", "2026-1", "november", "2026-11-01"):
        assert receipt(client, malformed).status_code == 404


def test_another_accounts_or_utilitys_period_is_not_found(client, account, moscow, tenants):
    neighbour = make_account(moscow)
    add_charge(moscow, neighbour, "2026-08", "cold_water", 1_000)
    foreign_tenant = tenants["cheboksary"]
    add_charge(foreign_tenant, make_account(foreign_tenant), "2026-07", "cold_water", 1_000)
    assert receipt(client, "2026-08").status_code == 404
    assert receipt(client, "2026-07").status_code == 404
    elsewhere = receipt(client, "2026-07", slug="cheboksary")  # the session stays on its host
    assert elsewhere.status_code == 302 and "/login" in elsewhere.headers["Location"]


def test_an_organisation_gets_an_invoice_with_the_same_figures_and_qr(
    app, app_context, client, moscow, monkeypatch
):
    freeze(monkeypatch, TODAY)
    account = make_account(
        moscow,
        number="7098765432",
        kind="legal",
        organisation_name="ООО «Ромашка»",
        owner_surname="Петров",
        address="г. Москва, ул. Арбат, д. 10, пом. 2",
    )
    add_charge(moscow, account, "2026-11", "cold_water", 50_000, volume=10_000, tariff=5_181)
    sign_in(app, client, moscow, account, kind="legal")
    response = receipt(client, "2026-11")
    assert response.headers["Content-Disposition"] == (
        'inline; filename="receipt-7098765432-2026-11.pdf"'
    )
    words = pdf_text(response)
    assert "Счёт на оплату № 7098765432-2026-11 от 30.11.2026" in words
    assert "Поставщик АО «Мосводоканал», ИНН 7701004013, КПП 770101001" in words
    assert "Абонент ООО «Ромашка»" in words
    assert "1 Холодное водоснабжение 10 м³ 51,81 518,10" in words
    assert "2 Перерасчёт: Холодное водоснабжение −18,10" in words
    assert "Итого к оплате 500,00 ₽" in words and "Оплатить до 15 декабря 2026" in words
    assert "ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ" not in words
    _, fields = qr_fields(response)
    assert dict(fields)["Sum"] == "50000" and dict(fields)["PersAcc"] == "7098765432"


def test_a_pipe_inside_a_value_never_starts_a_new_field():
    payload = gost_payload(
        [
            ("Name", "ООО «Вода|Сток»"),
            ("PersonalAcc", "40702810233800000045"),
            ("Purpose", "строка 1\r\nстрока 2 | и ещё"),
            ("Sum", None),
            ("LastName", ""),
        ]
    )
    assert payload == (
        "ST00012|Name=ООО «Вода/Сток»|PersonalAcc=40702810233800000045"
        "|Purpose=строка 1 строка 2 / и ещё"
    )
    assert payload.count("|") == 3
