"""Online registration, e-mail confirmation and «узнать номер лицевого счёта» on tenant hosts."""

from flask import Blueprint

from app.auth.throttling import address_key
from app.extensions import limiter
from app.registration import views

bp = Blueprint("registration", __name__)
bp.realm = "tenant"

# Each form answers whether typed data fits an account; the lookup even e-mails the number
# (seed 002). Limited per client address, submissions only.
per_address_registration = limiter.limit("20 per hour", key_func=address_key, methods=["POST"])
per_address_lookup = limiter.limit("10 per hour", key_func=address_key, methods=["POST"])

bp.add_url_rule(
    "/register", view_func=per_address_registration(views.register), methods=["GET", "POST"]
)
bp.add_url_rule("/register/sent", view_func=views.sent)
bp.add_url_rule("/register/confirm/<token>", view_func=views.confirm)
bp.add_url_rule(
    "/register/set-password/<token>", view_func=views.set_password, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/account-lookup", view_func=per_address_lookup(views.account_lookup), methods=["GET", "POST"]
)
