"""Password recovery and setting a password from an e-mail link, on tenant hosts."""

from flask import Blueprint

bp = Blueprint("recovery", __name__)
bp.realm = "tenant"
