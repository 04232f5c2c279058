"""The tenant's tariffs per service, kept in `service_tariffs` from its imported charges.

The charges import refreshes the table in its own transaction (a file taken whole or not at all
takes its tariffs with it); `/billing` reads the few rows instead of grouping every charge of the
utility on each page view.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.billing.models import ServiceTariff
from app.extensions import db

_REFRESH = (
    "DELETE FROM service_tariffs WHERE tenant_id = :tenant",
    """
    INSERT INTO service_tariffs (tenant_id, service, tariff_kopecks, effective_from)
    SELECT tenant_id, service, tariff_kopecks, min(period)
    FROM charges
    WHERE tenant_id = :tenant AND tariff_kopecks IS NOT NULL
    GROUP BY tenant_id, service, tariff_kopecks
    """,
)


def refresh_tariffs(session: Session, tenant_id: int) -> None:
    """Derive the tenant's tariff list again from its charges (after charges changed)."""
    for statement in _REFRESH:
        session.execute(text(statement), {"tenant": tenant_id})


def stored_tariffs() -> list[ServiceTariff]:
    """The current tenant's tariff rows (any order)."""
    return list(db.session.scalars(select(ServiceTariff)))
