"""The tenant configuration: every rule of SPEC §2 as validated data (one YAML file per utility).

`load_tenant_config(data, source)` validates a mapping and returns a read-only `Section` tree, or
raises `TenantConfigError` naming the source, the key and what is expected.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from app.tenancy.config.accounts import AccountNumberSchema
from app.tenancy.config.auth import (
    AccountLookupSchema,
    LoginSchema,
    RecoverySchema,
    RegistrationSchema,
)
from app.tenancy.config.base import HOST_RE, SLUG_RE, StrictSchema, described, nested
from app.tenancy.config.billing import PaymentsSchema, RequisitesSchema
from app.tenancy.config.errors import TenantConfigError, flatten_errors
from app.tenancy.config.features import FeaturesSchema
from app.tenancy.config.identity import BrandingSchema, ContactsSchema, SettlementSchema
from app.tenancy.config.prune import prune_unknown
from app.tenancy.config.readings import ReadingsSchema, ServiceSchema
from app.tenancy.config.section import Section

__all__ = [
    "Section",
    "TenantConfigError",
    "TenantConfigSchema",
    "dump_tenant_config",
    "load_tenant_config",
]


def normalise_host(host: str) -> str:
    """Lower-case, no port, no trailing dot, IDNA (punycode) for Cyrillic domains."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") or host.count(":") > 1:  # IPv6 literal
        return host
    host = host.split(":", 1)[0]
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


class TenantConfigSchema(StrictSchema):
    slug = described(
        fields.String(required=True, validate=validate.Regexp(SLUG_RE)),
        "subdomain and id of the utility: latin letters, digits, dashes",
    )
    name = described(
        fields.String(required=True, validate=validate.Length(min=2, max=200)),
        "full name, e.g. АО «Мосводоканал»",
    )
    short_name = described(
        fields.String(required=True, validate=validate.Length(min=2, max=60)),
        "name in the header and mail subjects",
    )
    city = described(fields.String(required=True), "city the utility serves")
    time_zone = described(
        fields.String(required=True), "IANA time zone; windows, reminders and dates use it"
    )
    locale = described(
        fields.String(load_default="ru", validate=validate.OneOf(["ru", "en"])),
        "default UI language",
    )
    domains = described(
        fields.List(fields.String(), load_default=list),
        "custom domains besides `<slug>.<PLATFORM_DOMAIN>`",
    )
    branding = nested(BrandingSchema, "colours and logo")
    contacts = nested(ContactsSchema, "phones, e-mail, address, support hours")
    settlements = nested(
        SettlementSchema,
        "населённые пункты; several: residents pick one at "
        "login and numbers are unique per settlement",
        many=True,
        required=True,
        validate=validate.Length(min=1),
    )
    account_number = nested(AccountNumberSchema, "shape of account numbers", required=True)
    login = nested(LoginSchema, "resident login modes", required=True)
    registration = nested(RegistrationSchema, "online and office registration")
    account_lookup = nested(
        AccountLookupSchema,
        "«узнать номер лицевого счёта» form; unset: off",
        load_default=None,
        allow_none=True,
    )
    recovery = nested(RecoverySchema, "password recovery")
    services = nested(
        ServiceSchema,
        "services the utility bills or collects readings for",
        many=True,
        required=True,
        validate=validate.Length(min=1),
    )
    readings = nested(ReadingsSchema, "reading window and submission rules", required=True)
    payments = nested(PaymentsSchema, "how residents pay and by when")
    requisites = nested(
        RequisitesSchema, "payee requisites for receipts and the payment QR code", required=True
    )
    features = nested(FeaturesSchema, "optional features")

    @validates("time_zone")
    def _known_time_zone(self, value, **_kwargs):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(f"unknown IANA time zone {value!r}") from exc

    @validates("domains")
    def _valid_domains(self, value, **_kwargs):
        for host in value:
            if not HOST_RE.match(normalise_host(host)):
                raise ValidationError(f"not a host name: {host!r}")

    @validates_schema
    def _sections_agree(self, data, **_kwargs):
        codes = [s["code"] for s in data.get("settlements", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("settlement codes must be unique", "settlements")
        if len(codes) > 1:
            for mode in data.get("login", {}).get("modes", []):
                if mode["identifier"] == "account_number" and not mode["settlement"]:
                    raise ValidationError(
                        f"mode {mode['key']!r}: with several settlements, account numbers repeat; "
                        "set settlement: true",
                        "login",
                    )
        service_codes = {s["code"] for s in data.get("services", [])}
        missing = set(data.get("readings", {}).get("services", [])) - service_codes
        if missing:
            raise ValidationError(f"not in `services`: {', '.join(sorted(missing))}", "readings")


def load_tenant_config(data: Any, source: str = "<config>", *, strict: bool = True) -> Section:
    """Validate one utility's configuration; raise TenantConfigError naming every bad key.

    `strict=False` is for configurations stored by an earlier release: keys the schema no longer
    has are dropped (and logged) instead of failing every request of the utility.
    """
    schema = TenantConfigSchema()
    if not isinstance(data, dict):
        raise TenantConfigError(source, [("", "expected a mapping of keys to values")])
    if not strict:
        data = prune_unknown(schema, data, source)
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        raise TenantConfigError(source, flatten_errors(schema, exc.messages)) from None
    loaded["domains"] = [normalise_host(host) for host in loaded["domains"]]
    return Section(loaded)


def dump_tenant_config(config: Section) -> dict[str, Any]:
    """The JSON-ready form of a loaded configuration; loading it again gives the same config."""
    return TenantConfigSchema().dump(config.to_dict())
