"""Every model module, imported once so SQLAlchemy's metadata and Alembic see all tables."""

from app.accounts.models import Account, Meter
from app.auth.models import AuthToken, Operator, Resident, ResidentAccount, StaffUser
from app.billing.models import Payment
from app.registration.models import AccountLookupRequest
from app.tenancy.models import Settlement, Tenant, TenantDomain

__all__ = [
    "Account",
    "AccountLookupRequest",
    "AuthToken",
    "Meter",
    "Operator",
    "Payment",
    "Resident",
    "ResidentAccount",
    "Settlement",
    "StaffUser",
    "Tenant",
    "TenantDomain",
]
