"""Start pages and the language switch."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request

from app.auth.access import safe_next
from app.home.overview import describe_payment, describe_window, enabled_features
from app.i18n import LOCALE_COOKIE, LOCALES
from app.tenancy.context import get_current_tenant


def index():
    """Tenant host: who the utility is and how to reach it. Platform host: the list of utilities."""
    tenant = get_current_tenant()
    if tenant is None:
        directory = current_app.extensions["tenant_cache"].directory()
        return render_template("home/directory.html", tenants=directory.ordered())
    overview = {
        "window": describe_window(tenant.config.readings.window),
        "payments": [describe_payment(option) for option in tenant.config.payments.options],
        "features": enabled_features(tenant),
    }
    return render_template("home/tenant.html", overview=overview)


def set_language():
    """Remember the resident's language for a year and go back to where they were."""
    locale = request.form.get("locale")
    if locale not in LOCALES:
        abort(400)
    response = redirect(safe_next(request.form.get("next"), "/"))
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
