"""Online registration, e-mail confirmation and «узнать номер лицевого счёта» on tenant hosts."""

from flask import Blueprint

bp = Blueprint("registration", __name__)
bp.realm = "tenant"
