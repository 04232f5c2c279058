"""How the tenant's account numbers look (SPEC §2, account number row)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from app.tenancy.account_numbers import AccountNumberFormat, InvalidAccountNumber
from app.tenancy.config.base import StrictSchema, described, nested


class PrefixSchema(StrictSchema):
    length = described(
        fields.Integer(required=True, validate=validate.Range(1, 6)),
        "digits before the separator, e.g. 2 for `01-1234567`",
    )
    separator = described(
        fields.String(load_default="-", validate=validate.Length(equal=1)),
        "character between prefix and number",
    )
    private_house = described(
        fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d+$")),
        "prefix implied when a private-sector resident types the number without one",
    )


class AccountNumberSchema(StrictSchema):
    length = described(
        fields.Integer(required=True, validate=validate.Range(3, 20)),
        "digits of the number (after the prefix, if any)",
    )
    pad = described(
        fields.Boolean(load_default=False),
        "accept shorter input and zero-pad it on the left to `length`",
    )
    prefix = nested(
        PrefixSchema,
        "a fixed-length prefix such as `01-`; unset: digits only",
        load_default=None,
        allow_none=True,
    )
    example = described(
        fields.String(required=True),
        "a valid number in canonical form, quoted in every error message",
    )
    private_house_example = described(
        fields.String(load_default=None, allow_none=True),
        "example shown to private-sector residents",
    )
    note = described(
        fields.String(load_default=None, allow_none=True),
        "help shown next to the field (where to find the number, what it is not)",
    )

    @validates_schema
    def _examples_are_valid(self, data, **_kwargs):
        fmt = AccountNumberFormat.from_config(data)
        if (
            fmt.prefix_length
            and fmt.private_house_prefix
            and (len(fmt.private_house_prefix) != fmt.prefix_length)
        ):
            raise ValidationError(f"must be {fmt.prefix_length} digits", "prefix")
        for key in ("example", "private_house_example"):
            value = data.get(key)
            if value is None:
                continue
            try:
                canonical = fmt.normalise(value)
            except InvalidAccountNumber as exc:
                raise ValidationError(f"not a number of this format: {exc}", key) from exc
            if canonical != value:
                raise ValidationError(f"write it in canonical form: {canonical}", key)
