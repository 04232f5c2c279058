"""The resident's reading form on tenant hosts (`/readings`)."""

from flask import Blueprint

from app.readings.web import rows, status, views

bp = Blueprint("readings", __name__)
bp.realm = "tenant"

bp.add_url_rule("/readings", view_func=views.form)
bp.add_url_rule("/readings", endpoint="post", view_func=views.post, methods=["POST"])
bp.add_url_rule("/readings/submissions/<uuid:submission_id>", view_func=views.submission)

# The cabinet's banner and the header's menu items ask about the window too.
bp.app_context_processor(status.template_helpers)
bp.add_app_template_filter(rows.reading_value, "reading")
