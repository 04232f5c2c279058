"""The image of a pending captcha challenge."""

from __future__ import annotations

from flask import Response, abort

from app.captcha.challenges import image_png


def image(challenge_id: str):
    """The PNG of a challenge pending in this session; 404 for an unknown or expired one."""
    png = image_png(challenge_id)
    if png is None:
        abort(404)
    response = Response(png, mimetype="image/png")
    # Each fetch draws the code anew and the challenge is single-use: nothing worth caching.
    response.headers["Cache-Control"] = "no-store"
    return response
