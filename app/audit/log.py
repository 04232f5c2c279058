"""Reading the audit log: filters (action, tenant-local dates, target) and pages, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    target: str = ""


def parse_filter(args, known_actions: list[str]) -> tuple[AuditFilter, dict[str, str]]:
    """The filter the query string asks for, and a Russian message per field it got wrong."""
    errors: dict[str, str] = {}
    action = args.get("action", "").strip()
    if action and action not in known_actions:
        action = ""

    def day(name: str) -> date | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors[name] = _("Укажите дату в виде ГГГГ-ММ-ДД.")
            return None

    date_from, date_to = day("date_from"), day("date_to")
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = _("Дата «по» раньше даты «с».")
        date_to = None
    target = args.get("target", "").strip()[:200]
    return AuditFilter(action, date_from, date_to, target), errors


def known_actions() -> list[str]:
    """Every action code the tenant's log holds, for the filter's drop-down."""
    return list(
        db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def audit_page(wanted: AuditFilter, zone, page: int):
    """One page of the tenant's entries matching `wanted`; dates are days in `zone`."""
    statement = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if wanted.action:
        statement = statement.where(AuditEntry.action == wanted.action)
    if wanted.date_from:
        statement = statement.where(AuditEntry.at >= _local_midnight(wanted.date_from, zone))
    if wanted.date_to:
        next_day = wanted.date_to + timedelta(days=1)
        statement = statement.where(AuditEntry.at < _local_midnight(next_day, zone))
    if wanted.target:
        statement = statement.where(AuditEntry.target.contains(wanted.target, autoescape=True))
    return db.paginate(statement, page=page, per_page=PER_PAGE, error_out=False)


def _local_midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


def show_value(value: Any) -> str:
    """A stored value as staff read it: «—» for unset, да/нет, text as is, the rest as JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
