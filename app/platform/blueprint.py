"""The platform operators' console at `<platform host>/platform`."""

from flask import Blueprint

bp = Blueprint("platform", __name__, url_prefix="/platform")
bp.realm = "platform"
