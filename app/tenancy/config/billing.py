"""Payments, the due date and the requisites printed on receipts (SPEC §2 payments row, §3a)."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import ValidationError, fields, validate, validates_schema
from stdnum.ru import inn as ru_inn

from app.tenancy.config.base import StrictSchema, choice, described, digits, nested

PAYMENT_METHODS = ("receipt", "settlement_centre", "card", "e_money", "bank_page")
PAYERS = ("all", "apartment", "private_house", "individual", "legal")
# SPEC §2: since 1 March 2026 payment is due by the 15th of the following month, whatever the
# contract says; the key exists so the rule is visible in every tenant file.
FEDERAL_DUE_DAY = 15


class PaymentOptionSchema(StrictSchema):
    method = described(
        choice(PAYMENT_METHODS, required=True),
        "receipt (print and pay anywhere), settlement_centre (external payment "
        "agent), card, e_money, bank_page (a partner bank's payment page)",
    )
    payers = described(
        fields.List(
            fields.String(validate=validate.OneOf(PAYERS)),
            load_default=lambda: ["all"],
            validate=validate.Length(min=1),
        ),
        "who is offered this option",
    )
    title = described(fields.String(load_default=None, allow_none=True), "button or link text")
    url = described(
        fields.Url(load_default=None, allow_none=True), "external page (settlement centre, bank)"
    )
    provider = described(
        fields.String(load_default=None, allow_none=True), "who processes the payment"
    )
    commission_percent = described(
        fields.Decimal(
            load_default=Decimal("0"), as_string=True, validate=validate.Range(min=0, max=10)
        ),
        "payment system commission shown before paying",
    )
    one_time_code = described(
        fields.Boolean(load_default=False), "the payment is confirmed by a one-time code"
    )

    @validates_schema
    def _external_needs_url(self, data, **_kwargs):
        if data["method"] in {"settlement_centre", "bank_page"} and not data.get("url"):
            raise ValidationError(f"required for method {data['method']}", "url")


class PaymentsSchema(StrictSchema):
    options = nested(
        PaymentOptionSchema,
        "how residents pay, in the order shown",
        many=True,
        load_default=lambda: [
            {
                "method": "receipt",
                "payers": ["all"],
                "title": None,
                "url": None,
                "provider": None,
                "commission_percent": Decimal("0"),
                "one_time_code": False,
            }
        ],
    )
    statement_payers = described(
        fields.List(fields.String(validate=validate.OneOf(PAYERS)), load_default=lambda: ["all"]),
        "who sees charges, payments and debt in the cabinet",
    )
    due_day = described(
        fields.Integer(
            load_default=FEDERAL_DUE_DAY,
            validate=validate.Equal(
                FEDERAL_DUE_DAY, error="the federal rule (since 1 March 2026) fixes the 15th"
            ),
        ),
        "day of the month after the billing period by which payment is due",
    )


class RequisitesSchema(StrictSchema):
    recipient = described(fields.String(required=True), "payee name (QR `Name`)")
    inn = described(digits(10, "INN of a legal entity"), "payee INN (QR `PayeeINN`)")
    kpp = described(
        fields.String(
            required=True,
            validate=validate.Regexp(
                r"^\d{4}[\dA-Z]{2}\d{3}$",
                error="KPP is 9 characters: 4 digits, 2 digits or letters, 3 digits",
            ),
        ),
        "payee KPP (QR `KPP`)",
    )
    bank_name = described(fields.String(required=True), "bank name (QR `BankName`)")
    bic = described(digits(9, "BIC"), "bank BIC (QR `BIC`)")
    settlement_account = described(
        digits(20, "settlement account"), "расчётный счёт (QR `PersonalAcc`)"
    )
    correspondent_account = described(
        digits(20, "correspondent account"), "корреспондентский счёт (QR `CorrespAcc`)"
    )

    @validates_schema
    def _checksums(self, data, **_kwargs):
        if not ru_inn.is_valid(data["inn"]):
            raise ValidationError("INN checksum does not match", "inn")
        if not data["correspondent_account"].startswith("301") or (
            data["correspondent_account"][-3:] != data["bic"][-3:]
        ):
            raise ValidationError(
                "a correspondent account starts with 301 and ends with the BIC's last 3 digits",
                "correspondent_account",
            )
        if not bank_account_key_ok(data["bic"], data["settlement_account"]):
            raise ValidationError("control digit does not match the BIC", "settlement_account")
        for key in ("recipient", "bank_name"):
            if "|" in data[key]:
                raise ValidationError("`|` cannot appear in a payment QR field", key)


def bank_account_key_ok(bic: str, account: str) -> bool:
    """Bank of Russia control key of a 20-digit account held at a bank with this BIC."""
    # Положение ЦБ РФ № 579-П: weights 7,1,3 over the BIC's last 3 digits + the account.
    digits_ = bic[-3:] + account
    weights = ((7, 1, 3) * 8)[:23]
    return sum(int(d) * w for d, w in zip(digits_, weights, strict=True)) % 10 == 0
