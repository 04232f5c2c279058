"""Who the utility is: branding, contacts, support hours and settlements (SPEC §2, identity rows)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from app.tenancy.config.base import (
    HEX_COLOUR_RE,
    ClockTime,
    PhoneNumber,
    StrictSchema,
    described,
    nested,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Where a seed is silent on support hours: an ordinary Russian office week.
DEFAULT_HOURS = {
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "opens": "08:00",
    "closes": "17:00",
    "breaks": [],
}


class BrandingSchema(StrictSchema):
    primary_colour = described(
        fields.String(load_default="#0b5fa5", validate=validate.Regexp(HEX_COLOUR_RE)),
        "main colour of the header and buttons, `#rrggbb`",
    )
    accent_colour = described(
        fields.String(load_default="#00a3e0", validate=validate.Regexp(HEX_COLOUR_RE)),
        "colour of highlights and links, `#rrggbb`",
    )
    logo_url = described(
        fields.Url(load_default=None, allow_none=True, relative=True),
        "logo image (URL or path under /static); unset: a drop monogram in the brand colours",
    )


class PhoneSchema(StrictSchema):
    number = described(PhoneNumber(required=True), "phone number; stored in E.164")
    label = described(
        fields.String(load_default=None, allow_none=True),
        "who answers it, e.g. «по частному сектору»",
    )


class BreakSchema(StrictSchema):
    starts = described(ClockTime(required=True), "start of the break, HH:MM")
    ends = described(ClockTime(required=True), "end of the break, HH:MM")


class OpeningHoursSchema(StrictSchema):
    days = described(
        fields.List(
            fields.String(validate=validate.OneOf(WEEKDAYS)),
            required=True,
            validate=validate.Length(min=1),
        ),
        "weekdays these hours apply to: mon … sun",
    )
    opens = described(ClockTime(required=True), "opening time, HH:MM")
    closes = described(ClockTime(required=True), "closing time, HH:MM (`24:00` for midnight)")
    breaks = nested(BreakSchema, "breaks inside these hours", many=True)

    @validates_schema
    def _opens_before_closes(self, data, **_kwargs):
        if data["opens"] >= data["closes"]:
            raise ValidationError("must be later than `opens`", "closes")


class ContactsSchema(StrictSchema):
    phones = nested(
        PhoneSchema, "phone lines shown in the footer, first one on error pages", many=True
    )
    email = described(fields.Email(load_default=None, allow_none=True), "public e-mail address")
    address = described(
        fields.String(load_default=None, allow_none=True), "office address for residents"
    )
    website = described(fields.Url(load_default=None, allow_none=True), "the utility's own site")
    support_hours = nested(
        OpeningHoursSchema,
        "when the support line answers; default Mon–Fri 08:00–17:00",
        many=True,
        load_default=lambda: [DEFAULT_HOURS],
    )
    support_hours_note = described(
        fields.String(load_default=None, allow_none=True), "free text shown after the hours"
    )


class OfficeSchema(StrictSchema):
    address = described(fields.String(required=True), "where residents go in person")
    phones = nested(PhoneSchema, "phones of this office", many=True)


class SettlementSchema(StrictSchema):
    code = described(
        fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{1,40}$")),
        "stable code of the settlement (latin, digits, dashes); imports refer to it",
    )
    name = described(fields.String(required=True), "name shown to residents")
    office = nested(
        OfficeSchema,
        "the settlement's office (registration without a meter, questions)",
        load_default=None,
        allow_none=True,
    )
