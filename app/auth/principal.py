"""What every signed-in identity (resident, staff user, operator) offers Flask-Login."""

from __future__ import annotations

from flask_login import UserMixin


class Principal(UserMixin):
    """Mixin for the identity models. The session id names the kind, the tenant, the row and the
    session version, so a session never crosses tenants and bumping the version ends it."""

    principal_kind: str = ""

    def get_id(self) -> str:
        tenant = getattr(self, "tenant_id", None)
        return f"{self.principal_kind}:{tenant or '-'}:{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        # Staff users and operators have an `active` flag; residents override this with status.
        return bool(getattr(self, "active", True))

    def end_all_sessions(self) -> None:
        """Invalidate every session and remember-me cookie of this identity (e.g. new password)."""
        self.session_version += 1
