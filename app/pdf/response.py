"""Sending a generated PDF to the browser."""

from __future__ import annotations

from flask import Response


def pdf_response(data: bytes, filename: str) -> Response:
    """`data` shown in the browser's viewer as `filename`, never kept in a shared cache.

    The documents carry an account's address and readings: `private, no-store` keeps them out of
    proxies and off the disk of a shared computer.
    """
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
