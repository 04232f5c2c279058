"""Password recovery and setting a password from an e-mail link, on tenant hosts."""

from flask import Blueprint

from app.auth.throttling import address_key
from app.extensions import limiter
from app.recovery import views

bp = Blueprint("recovery", __name__)
bp.realm = "tenant"

# SPEC §7: every request may send mail, so it is limited per resident named and per address.
per_identifier = limiter.limit("5 per hour", key_func=views.recovery_attempt_key, methods=["POST"])
per_address = limiter.limit("20 per hour", key_func=address_key, methods=["POST"])
bp.add_url_rule(
    "/password/forgot",
    view_func=per_address(per_identifier(views.forgot)),
    methods=["GET", "POST"],
)
bp.add_url_rule("/password/forgot/sent", view_func=views.sent)
bp.add_url_rule("/password/reset/<token>", view_func=views.reset, methods=["GET", "POST"])
