"""The resident's settings: linked accounts, password, contacts (`/settings`)."""

from flask import Blueprint

bp = Blueprint("account", __name__)
bp.realm = "tenant"
