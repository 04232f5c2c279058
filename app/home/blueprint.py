"""`/` on every host: the utility's start page on a tenant host, the directory on the platform."""

from flask import Blueprint

from app.home import views

bp = Blueprint("home", __name__)
bp.realm = "any"
bp.add_url_rule("/", view_func=views.index)
bp.add_url_rule("/language", view_func=views.set_language, methods=["POST"])
