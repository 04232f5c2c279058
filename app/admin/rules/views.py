"""The rules editor (`/admin/rules`): every key of the tenant's configuration, one page per
section. Admins edit; clerks and viewers look. Previews are server-rendered on a submit."""

from __future__ import annotations

import yaml
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import clock
from app.admin.rules.editing import check_section, document_of, save_section, section_digest
from app.admin.rules.previews import try_number, window_preview
from app.admin.rules.sections import SECTIONS, get_section
from app.admin.rules.widgets import form_values, posted_values
from app.auth.access import staff_required
from app.extensions import db
from app.tenancy.context import current_tenant

EDITOR_ROLE = "admin"


@staff_required()
def rules_index():
    """The sections of the rules, with the export."""
    return render_template("admin/rules/index.html", sections=SECTIONS.values())


@staff_required()
def rules_section(section_key: str):
    """GET: the section's keys as stored. POST (admins): save, preview or check the values."""
    section = get_section(section_key)
    if section is None:
        abort(404)
    if request.method == "POST" and current_user.role != EDITOR_ROLE:
        abort(403)
    live = document_of(current_tenant.config)
    values: dict = {}
    if request.method == "GET":
        for root in section.roots:
            form_values(root, live.get(root.path), values)
        return _page(section, values, current_tenant.config, base=section_digest(live, section))
    for root in section.roots:
        posted_values(root, request.form, values)
    if request.form.get("action", "save") != "save":
        check = check_section(live, section, request.form)
        status = 200 if check.ok else 422
        base = request.form.get("base", "")
        return _page(section, values, check.config, check=check, base=base, previewed=True), status
    saved = save_section(current_tenant.id, section, request.form, request.form.get("base", ""))
    if not saved.check.ok:
        db.session.rollback()
        status = 409 if saved.conflict else 422
        return _page(section, values, None, check=saved.check, base=saved.base), status
    if saved.changes:
        db.session.commit()
        message = ngettext(
            "Сохранено: изменён %(num)d ключ.",
            "Сохранено: изменено %(num)d ключей.",
            len(saved.changes),
        )
        flash(message, "info")
    else:
        db.session.rollback()
        flash(_("Изменений нет: правила остались прежними."), "info")
    return redirect(url_for("admin.rules_section", section_key=section.key), code=303)


def _page(section, values, config, *, base, check=None, previewed=False):
    """The section page; `config` (live or a valid candidate) feeds the previews."""
    number = None
    if section.key == "account_number" and config is not None:
        source = request.form if request.method == "POST" else request.args
        if source.get("try_number"):
            number = try_number(
                config.account_number,
                source.get("try_number", ""),
                private_house=bool(source.get("try_private_house")),
            )
    windows = None
    if section.key == "readings" and config is not None:
        windows = window_preview(config, clock.now())
    return render_template(
        "admin/rules/section.html",
        section=section,
        sections=SECTIONS.values(),
        values=values,
        errors=check.field_errors if check else {},
        form_errors=check.form_errors if check else [],
        base=base,
        can_edit=current_user.role == EDITOR_ROLE,
        config=config,
        previewed=previewed,
        number=number,
        windows=windows,
    )


@staff_required()
def rules_export():
    """The live rules as a tenants/<slug>.yaml file (`flask --app wsgi tenants load` reads it)."""
    document = document_of(current_tenant.config)
    header = (
        f"# {current_tenant.config.name}: rules exported from the staff console on "
        f"{clock.now().astimezone(current_tenant.time_zone):%Y-%m-%d %H:%M %Z}.\n"
    )
    body = header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    return Response(
        body,
        mimetype="application/x-yaml",
        headers={
            "Content-Disposition": f'attachment; filename="{current_tenant.slug}.yaml"',
            "Cache-Control": "no-store",
        },
    )
