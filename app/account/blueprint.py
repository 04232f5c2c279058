"""The resident's settings: linked accounts, password, contacts (`/settings`)."""

from flask import Blueprint

from app.account import preferences, views
from app.extensions import csrf, limiter

bp = Blueprint("account", __name__)
bp.realm = "tenant"


def _per_resident(scope: str, limit: str):
    """Limit failed POSTs per signed-in resident: a success redirects and is not counted."""
    return limiter.limit(
        limit,
        key_func=lambda: views.resident_attempt_key(scope),
        methods=["POST"],
        deduct_when=lambda response: response.status_code != 302,
    )


# Account number + last payment amount is a guessing surface; so is the current password.
link_limit = _per_resident("link-account", "10 per hour")
password_limit = _per_resident("settings-password", "10 per hour")

bp.add_url_rule("/settings", view_func=views.settings)
bp.add_url_rule("/settings/accounts", view_func=link_limit(views.link_account), methods=["POST"])
bp.add_url_rule(
    "/settings/accounts/<uuid:account_id>/unlink",
    view_func=views.unlink_account,
    methods=["POST"],
)
bp.add_url_rule(
    "/settings/password",
    view_func=password_limit(views.change_password),
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/settings/credentials", view_func=views.create_credentials, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/settings/contacts", view_func=password_limit(views.update_contacts), methods=["POST"]
)
bp.add_url_rule("/settings/my-data.json", view_func=views.my_data)
bp.add_url_rule(
    "/settings/notifications", view_func=preferences.update_preferences, methods=["POST"]
)
# Mail programs POST here without a session or a CSRF token (RFC 8058); the signed token is the key.
bp.add_url_rule(
    "/unsubscribe/<token>", view_func=csrf.exempt(preferences.unsubscribe), methods=["GET", "POST"]
)
