"""The resident's reading form on tenant hosts (`/readings`)."""

from flask import Blueprint

bp = Blueprint("readings", __name__)
bp.realm = "tenant"
