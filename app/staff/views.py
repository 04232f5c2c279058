"""`/admin/staff` (admins only) and the invitation link every invitee opens."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.credentials import CONSOLE_PASSWORD_MIN_LENGTH
from app.audit import record_audit
from app.auth.access import staff_required
from app.auth.sessions import sign_in
from app.extensions import db
from app.staff import roster
from app.staff.forms import AcceptInvitationForm, ActionForm, InviteForm, RoleForm
from app.staff.invitations import (
    InvalidInvitation,
    StaffProblem,
    accept_invitation,
    invite_staff,
    inviter_label,
    open_invitation,
    send_invitation,
    suggested_login,
)
from app.tenancy.context import current_tenant

admin_only = staff_required("admin")


def _list_page(problems: dict | None = None, status: int = 200):
    users = roster.staff_users()
    return (
        render_template(
            "admin/staff.html",
            users=users,
            invitations=roster.open_invitations(),
            role_forms={user.id: RoleForm(prefix=str(user.id), role=user.role) for user in users},
            action_form=ActionForm(),
            problems=problems or {},
        ),
        status,
    )


@admin_only
def staff_list():
    """The tenant's staff, their roles and state, and the invitations still open."""
    return _list_page()


@admin_only
def invite():
    """Invite someone by e-mail; the mail carries a single-use link that expires."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, raw = invite_staff(
                form.email.data,
                form.full_name.data,
                form.role.data,
                invited_by=inviter_label(current_user),
            )
        except StaffProblem as problem:
            getattr(form, problem.field).errors.append(problem.message)
        else:
            record_audit("staff.invite", target=invitation.email, details={"role": invitation.role})
            send_invitation(current_tenant, invitation, raw)
            db.session.commit()
            flash(_("Приглашение отправлено на %(email)s.", email=invitation.email), "info")
            return redirect(url_for("admin.staff"))
    return render_template("admin/staff_invite.html", form=form)


def _staff_or_404(staff_id: uuid.UUID):
    user = roster.get_staff_user(staff_id)
    if user is None:
        abort(404)
    return user


def _apply(change, user, *args):
    try:
        change(user, *args)
    except StaffProblem as problem:
        db.session.rollback()
        return _list_page({user.id: problem.message}, 409)
    db.session.commit()
    return redirect(url_for("admin.staff"))


@admin_only
def change_role(staff_id: uuid.UUID):
    user = _staff_or_404(staff_id)
    form = RoleForm(prefix=str(user.id))
    if not form.validate_on_submit():
        return _list_page({user.id: _("Выберите роль из списка.")}, 422)
    return _apply(roster.change_role, user, form.role.data)


@admin_only
def deactivate(staff_id: uuid.UUID):
    user = _staff_or_404(staff_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _apply(roster.deactivate, user)


@admin_only
def reactivate(staff_id: uuid.UUID):
    user = _staff_or_404(staff_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _apply(roster.reactivate, user)


@admin_only
def revoke_invitation(invitation_id: uuid.UUID):
    invitation = roster.get_invitation(invitation_id)
    if invitation is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    roster.revoke_invitation(invitation)
    db.session.commit()
    return redirect(url_for("admin.staff"))


def accept(token: str):
    """The invitation link: choose a login and a password, and the console opens."""
    try:
        invitation = open_invitation(token)
    except InvalidInvitation:
        return render_template("admin/staff_invitation_invalid.html"), 404
    form = AcceptInvitationForm(
        data=None if request.method == "POST" else {"login": suggested_login(invitation)}
    )
    if form.validate_on_submit():
        try:
            staff = accept_invitation(token, form.login.data, form.password.data)
        except InvalidInvitation:
            db.session.rollback()
            return render_template("admin/staff_invitation_invalid.html"), 404
        except StaffProblem as problem:
            getattr(form, problem.field).errors.append(problem.message)
        else:
            record_audit("staff.invitation_accept", target=staff.login, actor=staff)
            sign_in(staff)
            db.session.commit()
            flash(_("Добро пожаловать! Вход в кабинет сотрудника настроен."), "info")
            return redirect(url_for("admin.index"))
    return render_template(
        "admin/staff_accept.html",
        form=form,
        invitation=invitation,
        min_length=CONSOLE_PASSWORD_MIN_LENGTH,
    )
