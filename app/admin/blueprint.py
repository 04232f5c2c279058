"""The utility staff console at `<tenant host>/admin`."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.realm = "tenant"
