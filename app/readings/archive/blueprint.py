"""Reading history, the consumption chart and the PDF protocol and archive on tenant hosts."""

from flask import Blueprint

bp = Blueprint("readings_archive", __name__)
bp.realm = "tenant"
