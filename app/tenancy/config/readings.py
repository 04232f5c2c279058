"""Services, the reading window and who may submit readings (SPEC §2 and §3)."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import ValidationError, fields, validate, validates_schema

from app.tenancy.config.base import StrictSchema, choice, described, nested

METER_SERVICES = ("cold_water", "hot_water")
CHANNELS = ("web", "api", "office", "email", "import")


class ServiceSchema(StrictSchema):
    code = described(
        fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$")),
        "service code used in imports: cold_water, hot_water, sewerage, …",
    )
    name = described(fields.String(required=True), "name shown on pages and receipts")
    unit = described(fields.String(load_default="м³"), "unit of volume")
    billed = described(
        fields.Boolean(load_default=True),
        "false: readings are collected but another company bills it",
    )
    note = described(fields.String(load_default=None, allow_none=True), "explanation for residents")


class WindowSchema(StrictSchema):
    kind = described(
        choice(("days_of_month", "working_days"), required=True),
        "`days_of_month`: fixed days; `working_days`: counted on the production calendar",
    )
    first_day = described(
        fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 31)),
        "days_of_month: first day of the window",
    )
    last_day = described(
        fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 31)),
        "days_of_month: last day, inclusive; smaller than first_day means the next month",
    )
    last_working_days = described(
        fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 10)),
        "working_days: last working days of the month",
    )
    first_working_days = described(
        fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 10)),
        "working_days: first working days of the next month (the "
        "weekends and holidays between are included)",
    )
    calendar = described(
        fields.String(load_default="RU"),
        "country of the production calendar (the `holidays` package)",
    )

    @validates_schema
    def _kind_has_its_keys(self, data, **_kwargs):
        needed = {
            "days_of_month": ("first_day", "last_day"),
            "working_days": ("last_working_days", "first_working_days"),
        }[data["kind"]]
        for key in needed:
            if data.get(key) is None:
                raise ValidationError(f"required when kind is {data['kind']}", key)
        if data["kind"] == "working_days" and not (
            data["last_working_days"] + data["first_working_days"]
        ):
            raise ValidationError("the window needs at least one working day", "last_working_days")
        if data["kind"] == "days_of_month" and data["first_day"] > 28:
            raise ValidationError("must be 28 or less, so every month has the day", "first_day")


class DictionaryEntrySchema(StrictSchema):
    code = described(fields.String(required=True), "code the billing system knows")
    label = described(fields.String(required=True), "text shown in the drop-down")


class EligibilitySchema(StrictSchema):
    requires_meter = described(
        fields.Boolean(load_default=True), "accounts without meters cannot submit"
    )
    private_house = described(
        fields.Boolean(load_default=True), "private houses may submit through the portal"
    )
    common_house_meter = described(
        fields.Boolean(load_default=True),
        "accounts in buildings with a common-house meter may submit",
    )
    common_house_meter_message = described(
        fields.String(load_default=None, allow_none=True),
        "what they are told instead (e.g. submit through the management company)",
    )
    private_house_message = described(
        fields.String(load_default=None, allow_none=True), "what private houses are told instead"
    )


class ReadingsSchema(StrictSchema):
    window = nested(
        WindowSchema, "when readings are accepted, in the tenant's time zone", required=True
    )
    services = described(
        fields.List(
            fields.String(validate=validate.OneOf(METER_SERVICES)),
            load_default=lambda: list(METER_SERVICES),
        ),
        "meter services that take readings",
    )
    eligibility = nested(EligibilitySchema, "which accounts may submit")
    decimals = described(
        fields.Integer(load_default=0, validate=validate.Range(0, 3)),
        "decimal places a reading may have",
    )
    jump_factor = described(
        fields.Decimal(
            load_default=Decimal("3"),
            as_string=True,
            validate=validate.Range(min=1, min_inclusive=False),
        ),
        "a reading above this × the usual monthly use needs confirming",
    )
    per_contract = described(
        fields.Boolean(load_default=False), "readings are submitted per contract (number + date)"
    )
    hide_menu_outside_window = described(
        fields.Boolean(load_default=False), "hide «Передать показания» while the window is closed"
    )
    calculation_types = nested(
        DictionaryEntrySchema, "«вид расчёта» choices on each row", many=True
    )
    notes = nested(DictionaryEntrySchema, "«примечание» choices on each row", many=True)
    email_address = described(
        fields.Email(load_default=None, allow_none=True),
        "readings are also accepted by e-mail at this address",
    )
    channels = described(
        fields.List(
            fields.String(validate=validate.OneOf(CHANNELS)),
            load_default=lambda: ["web", "api", "office", "import"],
        ),
        "channels readings arrive through",
    )
