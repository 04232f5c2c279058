"""One tenant seen from `/platform`: health, suspend/resume, another admin, its console."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.audit import record_audit
from app.auth.access import operator_required
from app.extensions import db
from app.platform.forms import InviteAdminForm
from app.platform.services import tenant_entry
from app.platform.visits import issue_entry
from app.staff.forms import ActionForm
from app.staff.invitations import StaffProblem, invite_staff, inviter_label, send_invitation
from app.staff.roster import active_admin_count, open_invitations
from app.tenancy.context import tenant_scope
from app.tenancy.onboarding import set_tenant_status
from app.tenancy.urls import tenant_url


def _tenant_or_404(slug: str):
    tenant = current_app.extensions["tenant_cache"].directory().by_slug.get(slug)
    if tenant is None:
        abort(404)
    return tenant


def _page(tenant, invite_form=None, status=200):
    with tenant_scope(tenant):
        admins, invitations = active_admin_count(), open_invitations()
    return (
        render_template(
            "platform/tenant.html",
            entry=tenant_entry(tenant, clock.now()),
            admins=admins,
            invitations=invitations,
            invite_form=invite_form or InviteAdminForm(),
            action_form=ActionForm(),
        ),
        status,
    )


@operator_required
def tenant(slug: str):
    """The tenant's hosts, health, admins and the operator's actions on it."""
    return _page(_tenant_or_404(slug))


def _set_status(slug: str, status: str, message: str):
    _tenant_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    set_tenant_status(slug, status)
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("platform.tenant", slug=slug))


@operator_required
def suspend(slug: str):
    return _set_status(
        slug,
        "suspended",
        _("Водоканал приостановлен: абоненты видят страницу 503 с телефоном водоканала."),
    )


@operator_required
def resume(slug: str):
    return _set_status(slug, "active", _("Работа водоканала возобновлена."))


@operator_required
def invite_admin(slug: str):
    """Invite an admin to the tenant (its first, or a new one when the last has left)."""
    tenant = _tenant_or_404(slug)
    form = InviteAdminForm()
    if not form.validate_on_submit():
        return _page(tenant, form, 422)
    with tenant_scope(tenant):
        try:
            invitation, raw = invite_staff(
                form.admin_email.data,
                form.admin_name.data,
                "admin",
                invited_by=inviter_label(current_user),
            )
        except StaffProblem as problem:
            form.admin_email.errors.append(problem.message)
            return _page(tenant, form, 422)
        record_audit("staff.invite", target=invitation.email, details={"role": "admin"})
        send_invitation(tenant, invitation, raw)
        email = invitation.email
        db.session.commit()
    flash(_("Приглашение отправлено на %(email)s.", email=email), "info")
    return redirect(url_for("platform.tenant", slug=slug))


@operator_required
def open_console(slug: str):
    """A one-minute pass to the tenant's console on its own host (read-only, audited there)."""
    tenant = _tenant_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    if tenant.is_suspended:
        abort(409)
    raw = issue_entry(current_user._get_current_object(), tenant)
    db.session.commit()
    return redirect(tenant_url(tenant, url_for("admin.operator_entry", token=raw)))
