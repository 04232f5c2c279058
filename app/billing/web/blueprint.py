"""Charges, payments and receipts of the resident's current account on tenant hosts."""

from flask import Blueprint

from app.billing.web import labels, overview, views

bp = Blueprint("billing", __name__)
bp.realm = "tenant"
bp.add_url_rule("/billing", view_func=views.statement_page)
bp.add_url_rule("/billing.csv", view_func=views.statement_csv)
bp.add_url_rule("/receipts/<period>.pdf", endpoint="receipt", view_func=views.receipt)

# The cabinet shows the balance, this period's charges and how to pay.
bp.app_context_processor(overview.template_helpers)
for name, function in labels.template_filters().items():
    bp.add_app_template_filter(function, name)
