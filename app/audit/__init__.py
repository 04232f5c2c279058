"""The tenant's audit log: `record_audit(action, target=, details=, actor=)` in the caller's
transaction, and the console page `/admin/audit` that lists it."""

from app.audit.models import AuditEntry
from app.audit.record import NoTenantInScope, record_audit

__all__ = ["AuditEntry", "NoTenantInScope", "record_audit"]
