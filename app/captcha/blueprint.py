"""`/captcha/<id>.png` on tenant and platform hosts alike."""

from flask import Blueprint

from app.captcha import views

bp = Blueprint("captcha", __name__)
bp.realm = "any"
bp.add_url_rule("/captcha/<challenge_id>.png", view_func=views.image, endpoint="image")
