"""How residents get in: login modes, registration, confirmation, recovery (SPEC §2 and §7)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from app.tenancy.config.base import StrictSchema, choice, described, nested

AUDIENCES = ("individual", "legal", "management_company")
IDENTIFIERS = ("account_number", "login", "access_code")
SECRETS = ("password", "surname")
CAPTCHA_POLICIES = ("never", "always", "after_failures")
REGISTRATION_FIELDS = (
    "settlement",
    "account_number",
    "surname",
    "full_name",
    "address",
    "meter_serial",
    "phone",
    "email",
    "login",
    "password",
    "password_confirmation",
    "organisation_name",
    "position",
    "inn",
    "consent",
    "captcha",
)
# Fields that prove the resident holds the account; each is checked against the account's data.
ACCOUNT_PROOF_FIELDS = ("surname", "full_name", "address", "meter_serial")
RECOVERY_FIELDS = ("account_number", "settlement", "surname", "login", "email")


class LoginModeSchema(StrictSchema):
    key = described(
        fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$")),
        "id of the mode (tab) in URLs and forms",
    )
    label = described(fields.String(required=True), "tab title shown to residents")
    identifier = described(
        choice(IDENTIFIERS, required=True), "what the resident types to say who they are"
    )
    settlement = described(
        fields.Boolean(load_default=False),
        "the resident also picks the settlement (numbers repeat across them)",
    )
    secret = described(
        choice(SECRETS, load_default="password"),
        "what proves it: a password, or the owner's surname (no password)",
    )
    captcha = described(
        choice(CAPTCHA_POLICIES, load_default="never"),
        "control code: never, always, or after failures for that account",
    )
    captcha_after_failures = described(
        fields.Integer(load_default=3, validate=validate.Range(1, 10)),
        "failures before the captcha appears (`after_failures`)",
    )
    remember_me = described(fields.Boolean(load_default=False), "offer «запомнить меня»")
    audiences = described(
        fields.List(
            fields.String(validate=validate.OneOf(AUDIENCES)),
            load_default=lambda: ["individual"],
            validate=validate.Length(min=1),
        ),
        "who signs in with this mode",
    )

    @validates_schema
    def _surname_needs_account(self, data, **_kwargs):
        if data.get("secret") == "surname" and data.get("identifier") != "account_number":
            raise ValidationError("the surname mode identifies by account_number", "identifier")


class LoginSchema(StrictSchema):
    modes = nested(
        LoginModeSchema,
        "login forms, in the order shown",
        many=True,
        required=True,
        validate=validate.Length(min=1),
    )
    failure_limit_per_account = described(
        fields.String(load_default="5 per 15 minutes"),
        "rate limit of failed logins per account (Flask-Limiter notation)",
    )
    failure_limit_per_address = described(
        fields.String(load_default="30 per 15 minutes"),
        "rate limit of login attempts per client address",
    )

    @validates_schema
    def _keys_unique(self, data, **_kwargs):
        keys = [mode["key"] for mode in data.get("modes", [])]
        if len(keys) != len(set(keys)):
            raise ValidationError("mode keys must be unique", "modes")


class RegistrationFormSchema(StrictSchema):
    audience = described(choice(AUDIENCES, required=True), "who registers with this form")
    field_names = described(
        fields.List(
            fields.String(validate=validate.OneOf(REGISTRATION_FIELDS)),
            required=True,
            data_key="fields",
            validate=validate.Length(min=1),
        ),
        "fields in the order shown; account-proof fields are checked against the account",
    )
    requires_meter = described(
        fields.Boolean(load_default=False),
        "refuse accounts without a meter (billed by norm) and send them to the office",
    )
    access_delivery = described(
        choice(("password", "set_password_link"), load_default="password"),
        "`password`: the resident sets it in the form; `set_password_link`: "
        "a link to set one is e-mailed",
    )


class RegistrationSchema(StrictSchema):
    forms = nested(
        RegistrationFormSchema,
        "online registration forms; empty: no online registration",
        many=True,
    )
    confirmation_ttl_hours = described(
        fields.Integer(load_default=24, validate=validate.Range(1, 24 * 14)),
        "hours an e-mail confirmation (or set-password) link stays valid",
    )
    discard_unconfirmed = described(
        fields.Boolean(load_default=True), "purge registrations not confirmed within the TTL"
    )
    office_audiences = described(
        fields.List(fields.String(validate=validate.OneOf(AUDIENCES)), load_default=list),
        "who gets credentials from staff in the office after an ID check",
    )
    office_note = described(
        fields.String(load_default=None, allow_none=True),
        "what to bring to the office, shown on the registration page",
    )
    password_min_length = described(
        fields.Integer(load_default=8, validate=validate.Range(6, 64)), "shortest password accepted"
    )

    @validates_schema
    def _forms_consistent(self, data, **_kwargs):
        audiences = [form["audience"] for form in data.get("forms", [])]
        if len(audiences) != len(set(audiences)):
            raise ValidationError("one form per audience", "forms")
        for form in data.get("forms", []):
            chosen = form["field_names"]
            if "email" not in chosen:
                # Confirmation and set-password links go by e-mail: a form without it can never finish.
                raise ValidationError("every registration form needs `email`", "forms")
            if "password_confirmation" in chosen and "password" not in chosen:
                raise ValidationError("password_confirmation needs password", "forms")
            if form["access_delivery"] == "password" and "password" not in chosen:
                raise ValidationError(
                    "a form without `password` must use set_password_link", "forms"
                )
            if form["requires_meter"] and "account_number" not in chosen:
                raise ValidationError("requires_meter needs account_number", "forms")


class AccountLookupSchema(StrictSchema):
    field_names = described(
        fields.List(
            fields.String(
                validate=validate.OneOf(
                    ("full_name", "surname", "address", "private_house", "email", "phone")
                )
            ),
            data_key="fields",
            load_default=lambda: ["full_name", "private_house", "email", "phone"],
        ),
        "fields of the «узнать номер лицевого счёта» form",
    )


class RecoverySchema(StrictSchema):
    online = described(
        fields.Boolean(load_default=True),
        "false: no online recovery, the page shows the contact-centre phone",
    )
    identify_by = described(
        fields.List(
            fields.List(
                fields.String(validate=validate.OneOf(RECOVERY_FIELDS)),
                validate=validate.Length(min=1),
            ),
            load_default=lambda: [["email"]],
        ),
        "alternative sets of fields that find the resident, e.g. [[account_number], [email]]",
    )
    link_ttl_hours = described(
        fields.Integer(load_default=1, validate=validate.Range(1, 72)),
        "hours a reset link stays valid",
    )
    one_mail_per_address = described(
        fields.Boolean(load_default=False),
        "when one e-mail holds several accounts, one message lists a reset link for each",
    )
    in_person_audiences = described(
        fields.List(fields.String(validate=validate.OneOf(AUDIENCES)), load_default=list),
        "who must restore access in person at the office",
    )
