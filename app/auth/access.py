"""Access checks for views: who may see what, decided after the tenant is resolved."""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, session, url_for
from flask_login import current_user

from app.auth.models import Operator, Resident, StaffUser
from app.platform.visits import is_operator_visit
from app.tenancy.context import get_current_tenant


def _next_target() -> str:
    return request.full_path.rstrip("?") if request.method == "GET" else request.path


def resident_required(view):
    """Only a signed-in resident of this tenant; others go to the login page and come back."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not isinstance(current_user._get_current_object(), Resident):
            return redirect(url_for("auth.login", next=_next_target()))
        if current_user.must_change_password and request.endpoint != "account.change_password":
            return redirect(url_for("account.change_password", next=_next_target()))
        return view(*args, **kwargs)

    return wrapped


def _foreign_staff_session() -> bool:
    # The session names a staff user of another utility: its console does not exist here.
    kind, _, tenant_part = (session.get("_user_id") or "").partition(":")
    tenant = get_current_tenant()
    return kind == "staff" and tenant is not None and not tenant_part.startswith(f"{tenant.id}:")


def staff_required(*roles: str):
    """Only staff of this tenant (with one of `roles`, when given); others to the staff login.

    Staff of another tenant get 404, as for any object of another tenant (SPEC §7).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user._get_current_object()
            if not isinstance(user, StaffUser) and not is_operator_visit(user):
                if _foreign_staff_session():
                    abort(404)
                return redirect(url_for("admin.login", next=_next_target()))
            if user.must_change_password and request.endpoint != "admin.change_password":
                return redirect(url_for("admin.change_password", next=_next_target()))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def operator_required(view):
    """Only a signed-in platform operator (on the platform host)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user._get_current_object()
        if not isinstance(user, Operator):
            return redirect(url_for("platform.login", next=_next_target()))
        if user.must_change_password and request.endpoint != "platform.change_password":
            return redirect(url_for("platform.change_password", next=_next_target()))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this host, else `default` (no open redirects).

    An open redirect would let a phishing page borrow the utility's host.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
