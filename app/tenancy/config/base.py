"""Schema base classes and field helpers shared by the tenant configuration sections."""

from __future__ import annotations

import re
from datetime import time

import phonenumbers
from marshmallow import RAISE, Schema, ValidationError, fields, validate

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$")
HEX_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class StrictSchema(Schema):
    """Unknown keys are errors, so a typo in a tenant file never passes silently."""

    class Meta:
        unknown = RAISE


def described(field: fields.Field, description: str) -> fields.Field:
    """Attach the one-line description that the generated config reference shows."""
    field.metadata["description"] = description
    return field


def nested(
    schema: type[Schema], description: str, *, required: bool = False, many: bool = False, **kwargs
) -> fields.Field:
    """A nested section; optional sections default to the section's own defaults."""
    if not required and "load_default" not in kwargs:
        kwargs["load_default"] = (lambda: []) if many else (lambda: schema().load({}))
    field = fields.Nested(schema, required=required, many=many, **kwargs)
    return described(field, description)


class PhoneNumber(fields.String):
    """A Russian or international phone number, stored in E.164 (`+78352557080`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            parsed = phonenumbers.parse(raw, "RU")
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(f"not a phone number: {raw!r}") from exc
        if not phonenumbers.is_valid_number(parsed):
            raise ValidationError(f"not a valid phone number: {raw!r}")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class ClockTime(fields.String):
    """A wall-clock time `HH:MM`; `24:00` means the end of the day."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if raw == "24:00":
            return raw
        try:
            time.fromisoformat(raw)
        except ValueError as exc:
            raise ValidationError(f"expected a time as HH:MM, got {raw!r}") from exc
        if not re.fullmatch(r"\d\d:\d\d", raw):
            raise ValidationError(f"expected a time as HH:MM, got {raw!r}")
        return raw


def choice(values, **kwargs) -> fields.String:
    """A string restricted to `values`, with the allowed values in the error message."""
    return fields.String(validate=validate.OneOf(list(values)), **kwargs)


def digits(length: int, what: str) -> fields.String:
    """A string of exactly `length` digits (requisites are strings: leading zeros matter)."""
    return fields.String(
        required=True,
        validate=validate.Regexp(rf"^\d{{{length}}}$", error=f"{what} must be {length} digits"),
    )
