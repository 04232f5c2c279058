"""Onboarding a utility (SPEC §1, §5): one service behind `/platform` and `tenants create`.

A new tenant comes from a template (an existing tenant's rules with the newcomer's own identity:
slug, names, city, time zone, domains, branding, contacts, settlements, requisites) or from a
complete YAML document validated exactly as `tenants/*.yaml`. It is written through the same path
as `tenants load` (row, domains, settlements), its first admin is invited by e-mail, and the
creation is written to its audit log. Nothing is written unless everything is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import record_audit
from app.extensions import db
from app.staff.invitations import StaffProblem, invite_staff, send_invitation
from app.tenancy.config import TenantConfigError, dump_tenant_config, load_tenant_config
from app.tenancy.context import tenant_scope
from app.tenancy.loader import TenantFile, upsert_tenants
from app.tenancy.models import Tenant, TenantDomain
from app.tenancy.snapshot import TenantSnapshot

# Subdomains the platform keeps for itself.
RESERVED_SLUGS = frozenset({"www", "api", "admin", "platform", "static", "mail", "status"})


class OnboardingError(ValueError):
    """The tenant cannot be created as given; `problems` are (key path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("\n".join(f"{path or '(top level)'}: {text}" for path, text in problems))
        self.problems = problems


@dataclass
class TenantIdentity:
    """What makes a tenant made from a template its own; None keeps the template's value."""

    slug: str
    name: str
    short_name: str | None = None
    city: str | None = None
    time_zone: str | None = None
    domains: list[str] = field(default_factory=list)
    branding: dict | None = None
    phones: list[str] = field(default_factory=list)
    settlements: list[tuple[str, str]] = field(default_factory=list)
    requisites: dict | None = None


@dataclass(frozen=True)
class CreatedTenant:
    tenant: TenantSnapshot
    admin_email: str  # where the invitation went (plain data: usable after the commit)


def document_from_template(template: TenantSnapshot, identity: TenantIdentity) -> dict:
    """The template's rules under the newcomer's identity. Contacts are never copied (another
    utility's phones on a 503 page would mislead its residents); settlements default to one,
    the city itself."""
    document = dump_tenant_config(template.config)
    city = identity.city or document["city"]
    document.update(
        slug=identity.slug,
        name=identity.name,
        short_name=identity.short_name or identity.name[:60],
        city=city,
        domains=list(identity.domains),
        contacts={"phones": [{"number": phone} for phone in identity.phones]},
        settlements=[
            {"code": code, "name": name} for code, name in identity.settlements or [("main", city)]
        ],
    )
    if identity.time_zone:
        document["time_zone"] = identity.time_zone
    if identity.branding:
        document["branding"] = {**document.get("branding", {}), **identity.branding}
    if identity.requisites:
        document["requisites"] = dict(identity.requisites)
    return document


def parse_yaml_document(text: str) -> dict:
    """A tenant document from YAML text; OnboardingError naming the line when it is not YAML."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("строка %(line)d", line=mark.line + 1) if mark else ""
        raise OnboardingError([(where, _("это не YAML: %(error)s", error=exc))]) from None
    if not isinstance(data, dict):
        raise OnboardingError([("", _("ожидается YAML-документ с ключами водоканала"))])
    return data


def _host_problems(config) -> list[tuple[str, str]]:
    problems = []
    platform = current_app.config["PLATFORM_DOMAIN"]
    for host in config.domains:
        if host == platform or host.endswith("." + platform):
            problems.append(
                (
                    "domains",
                    _(
                        "%(host)s входит в домен платформы %(platform)s: адрес "
                        "%(slug)s.%(platform)s водоканал получит и так.",
                        host=host,
                        platform=platform,
                        slug=config.slug,
                    ),
                )
            )
    taken = db.session.execute(
        select(TenantDomain.host, Tenant.slug)
        .join(Tenant)
        .where(TenantDomain.host.in_(config.domains))
    ).all()
    for host, owner in taken:
        problems.append(
            ("domains", _("адрес %(host)s уже занят водоканалом %(slug)s", host=host, slug=owner))
        )
    return problems


def validate_document(document: dict, source: str):
    """The loaded config, or OnboardingError listing every problem (schema and platform)."""
    try:
        config = load_tenant_config(document, source)
    except TenantConfigError as exc:
        raise OnboardingError(exc.problems) from None
    problems = []
    if config.slug in RESERVED_SLUGS:
        problems.append(("slug", _("адрес %(slug)s зарезервирован платформой", slug=config.slug)))
    if db.session.scalar(select(Tenant.id).where(Tenant.slug == config.slug)):
        problems.append(("slug", _("водоканал с адресом %(slug)s уже есть", slug=config.slug)))
    problems.extend(_host_problems(config))
    if problems:
        raise OnboardingError(problems)
    return config


def _checked_email(address: str) -> str:
    try:
        return validate_email(address or "", check_deliverability=False).normalized
    except EmailNotValidError:
        raise OnboardingError([("admin_email", _("Неверный адрес почты."))]) from None


def create_tenant(
    document: dict, *, admin_email: str, admin_name: str, invited_by: str, origin: str
) -> CreatedTenant:
    """Create the tenant of `document` and invite its first admin (flushed; the caller commits).

    `origin` says where the rules came from (`template:<slug>` or `yaml`), for the audit log.
    """
    problems, config = [], None
    try:
        admin_email = _checked_email(admin_email)
    except OnboardingError as exc:
        problems.extend(exc.problems)
    try:
        config = validate_document(document, f"{document.get('slug', 'tenant')}.yaml")
    except OnboardingError as exc:
        problems.extend(exc.problems)
    if problems:
        raise OnboardingError(problems)
    upsert_tenants([TenantFile(Path(f"{config.slug}.yaml"), config)])
    # Reloaded now, from this transaction, so that work queued for the tenant before the commit
    # (the invitation mail) finds it; a rollback reloads the directory again without it.
    cache = current_app.extensions["tenant_cache"]
    cache.invalidate()
    tenant = cache.directory().by_slug[config.slug]
    with tenant_scope(tenant):
        try:
            invitation, raw = invite_staff(
                admin_email, admin_name or admin_email, "admin", invited_by=invited_by
            )
        except StaffProblem as problem:  # a brand-new tenant has no staff: cannot happen
            raise OnboardingError([("admin_email", problem.message)]) from None
        record_audit(
            "tenant.create",
            target=tenant.slug,
            details={
                "name": tenant.name,
                "origin": origin,
                "domains": list(tenant.domains),
                "admin_email": admin_email,
            },
        )
        send_invitation(tenant, invitation, raw)
        db.session.flush()  # inside the scope: the entry and invitation belong to this tenant
    return CreatedTenant(tenant, invitation.email)


def set_tenant_status(slug: str, status: str) -> Tenant | None:
    """Suspend (`suspended`: residents get the 503 page with the utility's phone) or resume
    (`active`) a tenant, audited in its log; None when there is no such tenant."""
    row = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if row is None:
        return None
    if row.status != status:
        old, row.status = row.status, status
        db.session.flush()
        with tenant_scope(TenantSnapshot.from_row(row)):
            action = "tenant.suspend" if status == "suspended" else "tenant.resume"
            record_audit(action, target=slug, details={"old": old, "new": status})
            db.session.flush()  # inside the scope: the entry belongs to this tenant
    return row
