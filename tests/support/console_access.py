"""Who may use each route of the two consoles: the access declarations of the staff console
(tenant hosts) and of `/platform`, one line per endpoint, as tests/test_console_role_matrix.py
checks them against the app's url_map and every kind of visitor."""

from __future__ import annotations

STAFF = ("admin", "clerk", "viewer")
ACTING = ("admin", "clerk")  # app.admin.roles.ACTING_ROLES
ADMIN = ("admin",)  # staff management, rules editing, imports, job retries
AUDIT_READERS = ("admin", "viewer")  # app.audit.views.AUDIT_READERS
OPERATOR = ("operator",)
OPEN = "open"  # no sign-in needed: the sign-in form and signing out
TOKEN = "token"  # whoever holds the link; an unknown token is 404 for everybody

# endpoint: (who may GET, who may POST); None: the route does not take the method.
# Requests go in this order (signing out last).
CONSOLE = {
    "admin.index": (STAFF, None),
    "admin.login": (OPEN, OPEN),
    "admin.change_password": (STAFF, STAFF),  # one's own password, viewers included
    "admin.accounts": (STAFF, None),
    "admin.account_page": (STAFF, None),
    "admin.issue_login": (ACTING, ACTING),
    "admin.block_resident": (None, ACTING),
    "admin.unblock_resident": (None, ACTING),
    "admin.readings_desk": (STAFF, None),
    "admin.account_readings": (STAFF, ACTING),
    "admin.reading_submission": (STAFF, None),
    "admin.lookup_requests": (STAFF, None),
    "admin.handle_lookup_request": (None, ACTING),
    "admin.audit_log": (AUDIT_READERS, None),
    "admin.rules_index": (STAFF, None),
    "admin.rules_export": (STAFF, None),
    "admin.rules_section": (STAFF, ADMIN),
    "admin.exchange": (STAFF, None),
    "admin.exchange_upload": (None, ADMIN),
    "admin.import_run": (STAFF, None),
    "admin.import_errors": (STAFF, None),
    "admin.readings_export": (STAFF, None),
    "admin.staff": (ADMIN, None),
    "admin.staff_invite": (ADMIN, ADMIN),
    "admin.staff_role": (None, ADMIN),
    "admin.staff_deactivate": (None, ADMIN),
    "admin.staff_reactivate": (None, ADMIN),
    "admin.staff_revoke_invitation": (None, ADMIN),
    "admin.staff_accept": (TOKEN, TOKEN),
    "admin.operator_entry": (TOKEN, None),
    "admin.notices": (STAFF, None),
    "admin.create_notice": (None, ACTING),
    "admin.notice": (STAFF, None),
    "admin.jobs": (STAFF, None),
    "admin.job_detail": (STAFF, None),
    "admin.retry_job": (None, ADMIN),
    "admin.logout": (None, OPEN),
}

PLATFORM = {
    "platform.index": (OPERATOR, None),
    "platform.login": (OPEN, OPEN),
    "platform.change_password": (OPERATOR, OPERATOR),
    "platform.new_tenant": (OPERATOR, OPERATOR),
    "platform.upload_tenant": (OPERATOR, OPERATOR),
    "platform.tenant": (OPERATOR, None),
    "platform.suspend": (None, OPERATOR),
    "platform.resume": (None, OPERATOR),
    "platform.invite_admin": (None, OPERATOR),
    "platform.open_console": (None, OPERATOR),
    "platform.jobs": (OPERATOR, None),
    "platform.job_detail": (OPERATOR, None),
    "platform.retry_job": (None, OPERATOR),
    "platform.logout": (None, OPEN),
}
