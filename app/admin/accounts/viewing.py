"""152-ФЗ: every time staff open a page with a resident's personal data, the audit log says who,
which account, which page and when."""

from __future__ import annotations

from app.accounts.models import Account
from app.audit import record_audit
from app.extensions import db

VIEW_ACTION = "account.view"


def log_account_view(account: Account, page: str, **details) -> None:
    """Record that the signed-in staff user opened `page` of `account`, and store it now (a GET
    has no other change to commit with)."""
    record_audit(
        VIEW_ACTION,
        target=account.number,
        details={"account_id": str(account.id), "page": page, **details},
    )
    db.session.commit()
