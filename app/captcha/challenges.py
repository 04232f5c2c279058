"""Captcha challenges ("контрольный код") kept in the session without revealing their answers.

The session is a signed, not encrypted, cookie, so each pending challenge holds only an HMAC of its
answer (the source of truth for `check_answer`) and, for image challenges, the code encrypted so that
the image view can draw it. `cryptography` is not installed, so the cipher is a one-time keystream:
BLAKE2b keyed with a key derived from SECRET_KEY, over the challenge id (a fresh random nonce), XORed
with the code. The session signature already guards its integrity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass
from io import BytesIO

from captcha.image import ImageCaptcha
from flask import current_app, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits.errors import StorageError

from app.auth.throttling import counters
from app.tenancy.context import get_current_tenant

logger = logging.getLogger(__name__)

KINDS = ("image", "text")
CODE_LENGTH = 5
LIFETIME_SECONDS = 10 * 60
MAX_PENDING = 5  # several tabs with a form open at once
IMAGE_SIZE = (200, 70)
SESSION_KEY = "captcha"

_NUMBER_WORDS = (  # the operands, one to ten
    _l("один"),
    _l("два"),
    _l("три"),
    _l("четыре"),
    _l("пять"),
    _l("шесть"),
    _l("семь"),
    _l("восемь"),
    _l("девять"),
    _l("десять"),
)
_image_captcha = ImageCaptcha(width=IMAGE_SIZE[0], height=IMAGE_SIZE[1])


@dataclass(frozen=True)
class Challenge:
    """A pending challenge as a form shows it: never its answer."""

    id: str
    kind: str
    question: str | None = None


def _now() -> float:
    return time.time()


def _secret() -> bytes:
    key = current_app.config["SECRET_KEY"]
    return key.encode() if isinstance(key, str) else key


def _answer_mac(challenge_id: str, answer: str) -> str:
    message = f"vodokabinet.captcha.answer\0{challenge_id}\0{answer}".encode()
    return hmac.new(_secret(), message, hashlib.sha256).hexdigest()


def _keystream(challenge_id: str, length: int) -> bytes:
    # A separate key from the answer MAC's, so the two uses of SECRET_KEY never mix.
    key = hmac.new(_secret(), b"vodokabinet.captcha.image-code", hashlib.sha256).digest()
    return hashlib.blake2b(challenge_id.encode(), key=key, digest_size=length).digest()


def _encrypt_code(challenge_id: str, code: str) -> str:
    stream = _keystream(challenge_id, len(code))
    sealed = bytes(a ^ b for a, b in zip(code.encode(), stream, strict=True))
    return base64.urlsafe_b64encode(sealed).decode()


def _decrypt_code(challenge_id: str, sealed: str) -> str:
    data = base64.urlsafe_b64decode(sealed)
    stream = _keystream(challenge_id, len(data))
    return bytes(a ^ b for a, b in zip(data, stream, strict=True)).decode()


def _random_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def _random_question() -> tuple[str, str]:
    left, right = secrets.randbelow(10) + 1, secrets.randbelow(10) + 1
    if secrets.randbelow(2) and left >= right:  # subtraction only when the result is not negative
        operation, result = _("минус"), left - right
    else:
        operation, result = _("плюс"), left + right
    question = _(
        "Сколько будет %(left)s %(operation)s %(right)s? Ответ введите цифрами.",
        left=_NUMBER_WORDS[left - 1],
        operation=operation,
        right=_NUMBER_WORDS[right - 1],
    )
    return question, str(result)


def _pending() -> list[dict]:
    now = _now()
    entries = session.get(SESSION_KEY)
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and now - e["at"] < LIFETIME_SECONDS]


def _find(challenge_id: str) -> dict | None:
    return next((e for e in _pending() if e["id"] == challenge_id), None)


def issue_challenge(kind: str = "image") -> Challenge:
    """Create a challenge of `kind` ("image" or "text") and remember it in the session."""
    if kind not in KINDS:
        raise ValueError(f"unknown captcha kind {kind!r}")
    challenge_id = secrets.token_urlsafe(16)
    entry: dict = {"id": challenge_id, "kind": kind, "at": int(_now())}
    if kind == "image":
        answer = _random_code()
        entry["code"] = _encrypt_code(challenge_id, answer)
        question = None
    else:
        question, answer = _random_question()
        entry["q"] = question
    entry["mac"] = _answer_mac(challenge_id, answer)
    session[SESSION_KEY] = [*_pending()[-(MAX_PENDING - 1) :], entry]
    return Challenge(id=challenge_id, kind=kind, question=question)


def _mark_used(challenge_id: str) -> bool:
    # The cookie is client-held: a bot could resend an old one with this challenge still pending.
    # Used ids are remembered server-side for the challenge lifetime; True on the first use only.
    tenant = get_current_tenant()
    key = ":".join(
        (
            current_app.config["REDIS_PREFIX"],
            "captcha-used",
            tenant.slug if tenant is not None else "-",
            challenge_id,
        )
    )
    try:
        return counters().incr(key, LIFETIME_SECONDS) == 1
    except StorageError:  # Redis down, unnoticed by the limiter yet: the answer alone decides
        logger.warning("captcha reuse not checked: rate-limit storage unreachable")
        return True


def check_answer(challenge_id: str | None, answer: str | None) -> bool:
    """True if `answer` solves the pending challenge; each challenge gets exactly one try."""
    if not challenge_id or not isinstance(challenge_id, str):
        return False
    entry = _find(challenge_id)
    if SESSION_KEY in session:  # consumed whatever the outcome
        session[SESSION_KEY] = [e for e in _pending() if e["id"] != challenge_id]
    if entry is None or not _mark_used(challenge_id):
        return False
    answer = (answer or "").strip()
    if not re.fullmatch(r"[0-9]+", answer):
        return False
    return hmac.compare_digest(entry["mac"], _answer_mac(challenge_id, answer))


def image_png(challenge_id: str) -> bytes | None:
    """The PNG of a pending image challenge, or None if there is none with this id."""
    entry = _find(challenge_id)
    if entry is None or entry["kind"] != "image":
        return None
    image = _image_captcha.generate_image(_decrypt_code(challenge_id, entry["code"]))
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def answer_for_tests(challenge_id: str) -> str:
    """The code of a pending image challenge, decrypted from the current session (tests only)."""
    entry = _find(challenge_id)
    if entry is None or entry["kind"] != "image":
        raise LookupError(challenge_id)
    return _decrypt_code(challenge_id, entry["code"])
