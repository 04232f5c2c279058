"""The resident cabinet on tenant hosts."""

from flask import Blueprint

from app.cabinet import views

bp = Blueprint("cabinet", __name__)
bp.realm = "tenant"
bp.add_url_rule("/cabinet", view_func=views.index)
bp.add_url_rule("/cabinet/account", view_func=views.switch_account, methods=["POST"])
