"""Error pages: unknown host, suspended utility, not found, bad request, server error."""

from __future__ import annotations

import math

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from app.tenancy.resolver import TenantSuspended, UnknownHost


def _unknown_host(_error: UnknownHost):
    return render_template("errors/unknown_host.html", host=request.host), 404


def _suspended(error: TenantSuspended):
    return render_template("errors/suspended.html", suspended=error.tenant), 503


def _not_found(_error):
    return render_template("errors/404.html"), 404


def _bad_request(error):
    return render_template("errors/400.html", error=error), 400


def _too_many_requests(error):
    # Flask-Limiter's breach: say how long to wait at most, without naming which limit tripped.
    limit = getattr(error, "limit", None)
    seconds = limit.limit.get_expiry() if limit is not None else 60
    return render_template("errors/429.html", minutes=max(1, math.ceil(seconds / 60))), 429


def _server_error(_error):
    return render_template("errors/500.html"), 500


def register(app: Flask) -> None:
    app.register_error_handler(UnknownHost, _unknown_host)
    app.register_error_handler(TenantSuspended, _suspended)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(400, _bad_request)
    app.register_error_handler(CSRFError, _bad_request)
    app.register_error_handler(429, _too_many_requests)
    app.register_error_handler(500, _server_error)
