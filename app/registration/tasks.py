"""Background jobs of online registration."""

from __future__ import annotations

from app.jobs import job
from app.registration.confirmation import purge_unconfirmed
from app.tenancy.context import get_current_tenant


@job("registration.purge_unconfirmed")
def purge_unconfirmed_registrations() -> int:
    """Delete the job tenant's registrations whose e-mail link expired unconfirmed; how many.

    Seed 000: «если вы не подтвердите регистрацию, введенные данные аннулируются» — so nobody's
    unconfirmed personal data lingers past the link's TTL.
    """
    tenant = get_current_tenant()
    return purge_unconfirmed(tenant) if tenant is not None else 0
