"""Staff sign-in, password and the console's landing page (`/admin`)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app import clock
from app.admin import labels
from app.admin.console import login_page, logout_page, password_page
from app.admin.overview import console_home, tenant_counts
from app.admin.roles import can_act
from app.auth.access import staff_required
from app.auth.models import StaffUser
from app.platform.visits import is_operator_visit
from app.tenancy.context import current_tenant


def console_context() -> dict:
    """What every console template needs: whether the role may act, and the names of codes."""
    user = current_user._get_current_object()
    is_staff = isinstance(user, StaffUser) or is_operator_visit(user)
    return {
        "staff_can_act": is_staff and can_act(user),
        "staff_role_label": labels.ROLE_LABELS.get(user.role) if is_staff else None,
        "labels": labels,
    }


def forbidden(_error):
    """The role may not do this (a viewer posting, say): say so in the console's words."""
    return render_template("admin/forbidden.html"), 403


def login():
    """Login + password of a staff user of this tenant."""
    return login_page(StaffUser, template="admin/login.html", home="admin.index")


def logout():
    """End the staff session."""
    return logout_page("admin.login")


@staff_required()
def change_password():
    """Change the password; where a one-time password is replaced at first sign-in."""
    return password_page(template="admin/password.html", home="admin.index")


@staff_required()
def index():
    """Who is signed in, the tenant's figures and the pages the role may use."""
    return render_template(
        "admin/index.html",
        counts=tenant_counts(),
        **console_home(current_tenant, clock.now()),
    )
