"""`/platform/tenants/new` and `/platform/tenants/upload`: onboarding a utility."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.rules.messages import russian
from app.auth.access import operator_required
from app.extensions import db
from app.platform.forms import TemplateTenantForm, YamlTenantForm
from app.staff.invitations import inviter_label
from app.tenancy.onboarding import (
    OnboardingError,
    TenantIdentity,
    create_tenant,
    document_from_template,
    parse_yaml_document,
)

REQUISITES = (
    "recipient",
    "inn",
    "kpp",
    "bank_name",
    "bic",
    "settlement_account",
    "correspondent_account",
)
# Top-level config keys the template form edits, and the field that edits each.
_FIELD_OF_KEY = {
    "slug": "slug",
    "name": "name",
    "short_name": "short_name",
    "city": "city",
    "time_zone": "time_zone",
    "domains": "domains",
    "contacts": "phone",
    "settlements": "settlements",
    "login": "settlements",  # «several settlements need settlement: true» concerns the list
    "admin_email": "admin_email",
}


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _settlements(form) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(_lines(form.settlements.data), start=1):
        code, _sep, name = line.partition(" ")
        if not name.strip():
            raise OnboardingError(
                [("settlements", _("строка %(n)d: нужны код и название через пробел", n=number))]
            )
        pairs.append((code, name.strip()))
    return pairs


def _form_field(form, path: str):
    head, _dot, rest = path.partition(".")
    head = head.split("[", 1)[0]
    if head in ("requisites", "branding") and rest:
        return getattr(form, rest.split(".", 1)[0].split("[", 1)[0], None)
    name = _FIELD_OF_KEY.get(head)
    return getattr(form, name) if name else None


def _show_problems(form, problems, *, file_field=None) -> None:
    """Each problem next to its field; with a file, next to the file, naming the key. Schema
    messages are the rules editor's Russian ones: the operator's console speaks Russian too."""
    for path, english in problems:
        message = russian(english)
        if path == "admin_email":
            form.admin_email.errors.append(message)
        elif file_field is not None:
            key = path or _("весь файл")
            file_field.errors.append(_("%(key)s: %(message)s", key=key, message=message))
        elif (field := _form_field(form, path)) is not None:
            field.errors.append(message)
        else:
            form.form_errors.append(f"{path}: {message}" if path else message)


def _created(created):
    db.session.commit()
    flash(
        _(
            "Водоканал «%(name)s» подключён. Приглашение администратору отправлено на %(email)s.",
            name=created.tenant.name,
            email=created.admin_email,
        ),
        "info",
    )
    return redirect(url_for("platform.tenant", slug=created.tenant.slug))


@operator_required
def new_from_template():
    """A new utility with the rules of an existing one, under its own name, hosts and branding."""
    directory = current_app.extensions["tenant_cache"].directory()
    form = TemplateTenantForm()
    form.template.choices = [
        (t.slug, f"{t.config.short_name} ({t.config.city})") for t in directory.ordered()
    ]
    if form.validate_on_submit():
        try:
            identity = TenantIdentity(
                slug=form.slug.data,
                name=form.name.data.strip(),
                short_name=(form.short_name.data or "").strip() or None,
                city=form.city.data.strip(),
                time_zone=(form.time_zone.data or "").strip() or None,
                domains=_lines(form.domains.data),
                branding={
                    "primary_colour": form.primary_colour.data,
                    "accent_colour": form.accent_colour.data,
                    "logo_url": (form.logo_url.data or "").strip() or None,
                },
                phones=[form.phone.data],
                settlements=_settlements(form),
                requisites={key: getattr(form, key).data.strip() for key in REQUISITES},
            )
            document = document_from_template(directory.by_slug[form.template.data], identity)
            created = create_tenant(
                document,
                admin_email=form.admin_email.data,
                admin_name=form.admin_name.data,
                invited_by=inviter_label(current_user),
                origin=f"template:{form.template.data}",
            )
        except OnboardingError as exc:
            db.session.rollback()
            _show_problems(form, exc.problems)
        else:
            return _created(created)
    return render_template("platform/new_tenant.html", form=form)


@operator_required
def new_from_yaml():
    """A new utility from a complete tenant file, validated as `tenants load` validates."""
    form = YamlTenantForm()
    if form.validate_on_submit():
        try:
            raw = form.document.data.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise OnboardingError([("", _("файл должен быть в кодировке UTF-8"))]) from None
            created = create_tenant(
                parse_yaml_document(text),
                admin_email=form.admin_email.data,
                admin_name=form.admin_name.data,
                invited_by=inviter_label(current_user),
                origin="yaml",
            )
        except OnboardingError as exc:
            db.session.rollback()
            _show_problems(form, exc.problems, file_field=form.document)
        else:
            return _created(created)
    return render_template("platform/upload_tenant.html", form=form)
