"""Every model module, imported once so SQLAlchemy's metadata and Alembic see all tables."""

from app.accounts.models import Account, Contract, Meter
from app.audit.models import AuditEntry
from app.auth.models import AuthToken, Operator, Resident, ResidentAccount, StaffUser
from app.billing.models import Charge, ImportRun, Payment
from app.jobs.models import PlatformJob, TenantJob
from app.notifications.models import Mailing, MailingBatch, NotificationPreference
from app.platform.models import OperatorEntry
from app.readings.models import Reading, ReadingVersion, Submission
from app.registration.models import AccountLookupRequest
from app.staff.models import StaffInvitation
from app.tenancy.models import Settlement, Tenant, TenantDomain

__all__ = [
    "Account",
    "AccountLookupRequest",
    "AuditEntry",
    "AuthToken",
    "Charge",
    "Contract",
    "ImportRun",
    "Mailing",
    "MailingBatch",
    "Meter",
    "NotificationPreference",
    "Operator",
    "OperatorEntry",
    "Payment",
    "PlatformJob",
    "Reading",
    "ReadingVersion",
    "Resident",
    "ResidentAccount",
    "Settlement",
    "StaffInvitation",
    "StaffUser",
    "Submission",
    "Tenant",
    "TenantDomain",
    "TenantJob",
]
