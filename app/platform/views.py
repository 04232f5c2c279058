"""Operator sign-in, password and the tenant directory (`/platform` on the platform host)."""

from __future__ import annotations

from flask import render_template

from app.admin.console import login_page, logout_page, password_page
from app.auth.access import operator_required
from app.auth.models import Operator
from app.platform.services import tenant_directory


def login():
    """Login + password of a platform operator."""
    return login_page(Operator, template="platform/login.html", home="platform.index")


def logout():
    """End the operator session."""
    return logout_page("platform.login")


@operator_required
def change_password():
    """Change the operator's password (forced after a generated one)."""
    return password_page(template="platform/password.html", home="platform.index")


@operator_required
def index():
    """Every utility on the platform: status, hosts, accounts and residents with access."""
    return render_template("platform/index.html", entries=tenant_directory())
