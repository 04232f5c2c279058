"""The platform operators' console at `<platform host>/platform`."""

from flask import Blueprint

from app.admin.console import login_attempt_key
from app.auth.throttling import address_key
from app.extensions import limiter
from app.platform import jobs_views, onboarding_views, tenant_views, views

bp = Blueprint("platform", __name__, url_prefix="/platform")
bp.realm = "platform"

# SPEC §7: limited per login (failed attempts only) and per client address (every attempt). No
# tenant here, so the limits are the platform's: those a tenant gets by default.
FAILURE_LIMIT_PER_LOGIN = "5 per 15 minutes"
LIMIT_PER_ADDRESS = "30 per 15 minutes"

per_login = limiter.limit(
    FAILURE_LIMIT_PER_LOGIN,
    key_func=lambda: login_attempt_key("operator"),
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
per_address = limiter.limit(LIMIT_PER_ADDRESS, key_func=address_key, methods=["POST"])

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/login", view_func=per_address(per_login(views.login)), methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])
bp.add_url_rule("/password", view_func=per_address(views.change_password), methods=["GET", "POST"])

# Onboarding and each tenant's page; the console hand-off lands on <tenant host>/admin.
bp.add_url_rule(
    "/tenants/new", "new_tenant", onboarding_views.new_from_template, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/tenants/upload", "upload_tenant", onboarding_views.new_from_yaml, methods=["GET", "POST"]
)
bp.add_url_rule("/tenants/<slug>", "tenant", tenant_views.tenant)
bp.add_url_rule("/tenants/<slug>/suspend", "suspend", tenant_views.suspend, methods=["POST"])
bp.add_url_rule("/tenants/<slug>/resume", "resume", tenant_views.resume, methods=["POST"])
bp.add_url_rule(
    "/tenants/<slug>/admins", "invite_admin", tenant_views.invite_admin, methods=["POST"]
)
bp.add_url_rule(
    "/tenants/<slug>/console", "open_console", tenant_views.open_console, methods=["POST"]
)

# Background jobs of every tenant and of the platform: list, one job, «Повторить».
bp.add_url_rule("/jobs", view_func=jobs_views.jobs)
bp.add_url_rule("/jobs/<uuid:job_id>", view_func=jobs_views.job_detail)
bp.add_url_rule("/jobs/<uuid:job_id>/retry", view_func=jobs_views.retry_job, methods=["POST"])
