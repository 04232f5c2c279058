"""The utility staff console at `<tenant host>/admin`."""

from flask import Blueprint

from app.admin import jobs_views, lookup_views, notices_views, office_views, readings_views, views
from app.admin.accounts import views as account_views
from app.admin.console import login_attempt_key
from app.admin.exchange import views as exchange_views
from app.admin.rules import views as rules_views
from app.audit import views as audit_views
from app.auth.throttling import address_key
from app.extensions import limiter
from app.platform import visit_views
from app.staff import views as staff_views
from app.tenancy.context import current_tenant

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.realm = "tenant"
bp.context_processor(views.console_context)
bp.register_error_handler(403, views.forbidden)

# SPEC §7: limited per login (failed attempts only) and per client address (every attempt); the
# tenant's own limits, the same as its residents'.
per_login = limiter.limit(
    lambda: current_tenant.config.login.failure_limit_per_account,
    key_func=lambda: login_attempt_key("staff"),
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
per_address = limiter.limit(
    lambda: current_tenant.config.login.failure_limit_per_address,
    key_func=address_key,
    methods=["POST"],
)

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/login", view_func=per_address(per_login(views.login)), methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])
bp.add_url_rule("/password", view_func=per_address(views.change_password), methods=["GET", "POST"])
bp.add_url_rule("/accounts", view_func=account_views.accounts)
bp.add_url_rule("/accounts/<uuid:account_id>", view_func=account_views.account_page)
bp.add_url_rule(
    "/accounts/<uuid:account_id>/logins/<uuid:resident_id>/block",
    view_func=account_views.block_resident,
    methods=["POST"],
)
bp.add_url_rule(
    "/accounts/<uuid:account_id>/logins/<uuid:resident_id>/unblock",
    view_func=account_views.unblock_resident,
    methods=["POST"],
)
bp.add_url_rule("/readings", view_func=readings_views.readings_desk)
bp.add_url_rule(
    "/accounts/<uuid:account_id>/issue-login",
    view_func=office_views.issue_login,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/accounts/<uuid:account_id>/readings",
    view_func=readings_views.account_readings,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/accounts/<uuid:account_id>/readings/<uuid:submission_id>",
    view_func=readings_views.reading_submission,
)
bp.add_url_rule("/lookup-requests", view_func=lookup_views.lookup_requests)
bp.add_url_rule(
    "/lookup-requests/<uuid:request_id>",
    view_func=lookup_views.handle_lookup_request,
    methods=["POST"],
)
bp.add_url_rule("/audit", view_func=audit_views.audit_log)
bp.add_url_rule("/rules", view_func=rules_views.rules_index)
bp.add_url_rule("/rules/export", view_func=rules_views.rules_export)
bp.add_url_rule(
    "/rules/<section_key>", view_func=rules_views.rules_section, methods=["GET", "POST"]
)
bp.add_url_rule("/exchange", view_func=exchange_views.exchange)
bp.add_url_rule("/exchange/imports", "exchange_upload", exchange_views.upload, methods=["POST"])
bp.add_url_rule("/exchange/imports/<uuid:run_id>", view_func=exchange_views.import_run)
bp.add_url_rule(
    "/exchange/imports/<uuid:run_id>/errors.csv", view_func=exchange_views.import_errors
)
bp.add_url_rule("/exchange/readings.csv", view_func=exchange_views.readings_export)

# Staff management (admins) and the invitation link (anyone holding it).
bp.add_url_rule("/staff", "staff", staff_views.staff_list)
bp.add_url_rule("/staff/invite", "staff_invite", staff_views.invite, methods=["GET", "POST"])
bp.add_url_rule(
    "/staff/<uuid:staff_id>/role", "staff_role", staff_views.change_role, methods=["POST"]
)
bp.add_url_rule(
    "/staff/<uuid:staff_id>/deactivate",
    "staff_deactivate",
    staff_views.deactivate,
    methods=["POST"],
)
bp.add_url_rule(
    "/staff/<uuid:staff_id>/reactivate",
    "staff_reactivate",
    staff_views.reactivate,
    methods=["POST"],
)
bp.add_url_rule(
    "/staff/invitations/<uuid:invitation_id>/revoke",
    "staff_revoke_invitation",
    staff_views.revoke_invitation,
    methods=["POST"],
)
bp.add_url_rule(
    "/invitation/<token>",
    "staff_accept",
    per_address(staff_views.accept),
    methods=["GET", "POST"],
)
# An operator's one-time pass from /platform (see app.platform.visits).
bp.add_url_rule("/operator-entry", "operator_entry", visit_views.operator_entry)
bp.add_url_rule("/notices", view_func=notices_views.notices)
bp.add_url_rule("/notices", "create_notice", notices_views.create_notice, methods=["POST"])
bp.add_url_rule("/notices/<uuid:notice_id>", view_func=notices_views.notice)

# Background jobs of this tenant: list, one job, «Повторить» (admins).
bp.add_url_rule("/jobs", view_func=jobs_views.jobs)
bp.add_url_rule("/jobs/<uuid:job_id>", view_func=jobs_views.job_detail)
bp.add_url_rule("/jobs/<uuid:job_id>/retry", view_func=jobs_views.retry_job, methods=["POST"])
