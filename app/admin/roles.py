"""Staff roles (SPEC §1): admins and clerks act on residents' behalf; viewers only look."""

from __future__ import annotations

ACTING_ROLES = ("admin", "clerk")


def can_act(user) -> bool:
    """True when the staff user may issue logins and handle requests."""
    return getattr(user, "role", None) in ACTING_ROLES
