"""Who works in the console: roles, switching users off and on again, and the one rule that
keeps a utility manageable — it always has an active admin."""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit import record_audit
from app.auth.models import STAFF_ROLES, StaffUser
from app.db import utcnow
from app.extensions import db
from app.staff.invitations import StaffProblem
from app.staff.models import StaffInvitation


def staff_users() -> list[StaffUser]:
    """Every staff user of the tenant in scope: active first, then by name."""
    return db.session.scalars(
        select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.full_name, StaffUser.login)
    ).all()


def open_invitations() -> list[StaffInvitation]:
    """Invitations nobody has accepted or revoked (expired ones included, marked by the page)."""
    return db.session.scalars(
        select(StaffInvitation)
        .where(StaffInvitation.accepted_at.is_(None), StaffInvitation.revoked_at.is_(None))
        .order_by(StaffInvitation.created_at.desc())
    ).all()


def staff_names(ids) -> dict[uuid.UUID, str]:
    """Names of the staff users with `ids` (None skipped), in one query: who handled or uploaded
    what, on the console's lists."""
    wanted = {staff_id for staff_id in ids if staff_id}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(wanted))
    )
    return {staff_id: name for staff_id, name in rows}


def get_staff_user(staff_id: uuid.UUID) -> StaffUser | None:
    """The tenant's staff user with this id (None for another tenant's: the caller answers 404)."""
    return db.session.scalar(select(StaffUser).where(StaffUser.id == staff_id))


def get_invitation(invitation_id: uuid.UUID) -> StaffInvitation | None:
    return db.session.scalar(select(StaffInvitation).where(StaffInvitation.id == invitation_id))


def _other_active_admins(user: StaffUser) -> int:
    # Locked on PostgreSQL, so two admins demoting each other at once cannot both succeed.
    rows = db.session.scalars(
        select(StaffUser.id)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user.id)
        .with_for_update()
    ).all()
    return len(rows)


def _keep_an_admin(user: StaffUser, field: str) -> None:
    if user.role == "admin" and user.active and _other_active_admins(user) == 0:
        raise StaffProblem(
            field,
            _(
                "%(name)s — последний действующий администратор: сначала назначьте "
                "администратором другого сотрудника.",
                name=user.full_name,
            ),
        )


def change_role(user: StaffUser, role: str) -> None:
    """Give `user` another role (audited); the last active admin keeps theirs."""
    if role not in STAFF_ROLES:
        raise StaffProblem("role", _("Выберите роль из списка."))
    if role == user.role:
        return
    if role != "admin":
        _keep_an_admin(user, "role")
    old, user.role = user.role, role
    # The new role applies from the next request; sessions carry no role, nothing to end.
    record_audit("staff.role", target=user.login, details={"old": old, "new": role})
    db.session.flush()


def deactivate(user: StaffUser) -> None:
    """Switch `user` off: sign-in refused and every session ended (audited)."""
    if not user.active:
        return
    _keep_an_admin(user, "active")
    user.active = False
    user.end_all_sessions()
    record_audit("staff.deactivate", target=user.login, details={"role": user.role})
    db.session.flush()


def reactivate(user: StaffUser) -> None:
    """Let `user` sign in again with their old password (audited)."""
    if user.active:
        return
    user.active = True
    record_audit("staff.reactivate", target=user.login, details={"role": user.role})
    db.session.flush()


def revoke_invitation(invitation: StaffInvitation) -> None:
    """The invitation link stops working (audited)."""
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return
    invitation.revoked_at = utcnow()
    record_audit("staff.invitation_revoke", target=invitation.email)
    db.session.flush()


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True))
    )
