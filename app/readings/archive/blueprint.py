"""Reading history, the consumption chart and the PDF protocol and archive on tenant hosts."""

from flask import Blueprint

from app.readings.archive import views

bp = Blueprint("readings_archive", __name__)
bp.realm = "tenant"
bp.add_url_rule("/readings/history", view_func=views.history)
bp.add_url_rule("/readings/history.pdf", view_func=views.history_pdf)
bp.add_url_rule("/readings/meters/<uuid:meter_id>/chart.svg", view_func=views.chart)
bp.add_url_rule("/readings/submissions/<uuid:submission_id>/protocol.pdf", view_func=views.protocol)
