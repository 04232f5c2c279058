"""`/healthz` on every host: 200 when the database answers, 503 when it does not."""

from flask import Blueprint

from app.health import views

bp = Blueprint("health", __name__)
bp.realm = "any"
bp.add_url_rule("/healthz", view_func=views.healthz)
