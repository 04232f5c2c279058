"""Every model module, imported once so SQLAlchemy's metadata and Alembic see all tables."""

from app.accounts.models import Account, Meter
from app.auth.models import Operator, Resident, ResidentAccount, StaffUser
from app.tenancy.models import Settlement, Tenant, TenantDomain

__all__ = [
    "Account",
    "Meter",
    "Operator",
    "Resident",
    "ResidentAccount",
    "Settlement",
    "StaffUser",
    "Tenant",
    "TenantDomain",
]
