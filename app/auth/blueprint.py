"""Resident sign-in URLs on tenant hosts."""

from flask import Blueprint

from app.auth import views
from app.auth.throttling import address_key
from app.extensions import limiter
from app.tenancy.context import current_tenant

bp = Blueprint("auth", __name__)
bp.realm = "tenant"

# SPEC §7: limited per account (failed attempts only) and per client address (every attempt).
per_account = limiter.limit(
    lambda: current_tenant.config.login.failure_limit_per_account,
    key_func=views.login_attempt_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
per_address = limiter.limit(
    lambda: current_tenant.config.login.failure_limit_per_address,
    key_func=address_key,
    methods=["POST"],
)
bp.add_url_rule("/login", view_func=per_address(per_account(views.login)), methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["GET", "POST"])
