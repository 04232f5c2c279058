"""Brute-force defences for sign-in (SPEC §7): limits per account and per client address, and a
failure count that switches the captcha on. Keys always carry the tenant."""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse
from limits.errors import StorageError
from limits.storage import Storage

from app.extensions import limiter
from app.tenancy.context import get_current_tenant

logger = logging.getLogger(__name__)


def _tenant_part() -> str:
    tenant = get_current_tenant()
    return tenant.slug if tenant is not None else "platform"


def address_key() -> str:
    """Rate-limit key of the client address, per tenant."""
    return f"addr:{_tenant_part()}:{get_remote_address()}"


def attempt_key(scope: str, identifier: str) -> str:
    """Key of the account (or login) a sign-in attempt names: `scope` is the form or mode."""
    return f"acct:{_tenant_part()}:{scope}:{identifier}"


def form_attempt_key(identify) -> str:
    """A limiter key function reading the identifier from the posted form through `identify`."""
    return attempt_key(*identify(request.form))


def _storage_key(key: str) -> str:
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:failures:{key}"


def counters() -> Storage:
    """Where the limiter counts now: its storage, or its in-memory fallback while that storage
    (Redis) is unreachable (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED, app.factory)."""
    return limiter.limiter.storage


def failures(key: str) -> int:
    """Failed attempts recorded for `key` in the current window (0 while Redis is down and the
    limiter has not noticed yet: a form shown then is not worth failing)."""
    try:
        return int(counters().get(_storage_key(key)) or 0)
    except StorageError:
        logger.warning("failure count of %s unavailable: rate-limit storage unreachable", key)
        return 0


def record_failure(key: str, window: str) -> int:
    """Count one more failure for `key`; the count expires with the limit's window."""
    try:
        return counters().incr(_storage_key(key), parse(window).get_expiry())
    except StorageError:
        logger.warning("failure of %s not counted: rate-limit storage unreachable", key)
        return 0


def clear_failures(key: str) -> None:
    """Forget the failures of `key` (after a successful sign-in)."""
    try:
        counters().clear(_storage_key(key))
    except StorageError:
        logger.warning("failures of %s not cleared: rate-limit storage unreachable", key)
