"""Checking and saving one section of the rules: the posted values replace the section in the live
configuration, the whole configuration goes through the schema of tenants/*.yaml, and only a valid
one is stored — with an audit entry per changed key (old → new), in one transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from app.admin.rules.messages import russian
from app.admin.rules.sections import RulesSection
from app.admin.rules.widgets import MISSING, read_value, walk
from app.audit import record_audit
from app.extensions import db
from app.tenancy.config import Section, TenantConfigError, dump_tenant_config, load_tenant_config
from app.tenancy.loader import TenantFile, write_tenant
from app.tenancy.models import Tenant

SOURCE = "rules editor"


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any


@dataclass
class Check:
    """What a posted section amounts to: the valid configuration, or the problems by field."""

    config: Section | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    form_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.field_errors and not self.form_errors


def document_of(config: Section) -> dict[str, Any]:
    """The JSON-ready document of a configuration (the shape of tenants/*.yaml)."""
    return dump_tenant_config(config)


def section_digest(document: dict[str, Any], section: RulesSection) -> str:
    """A fingerprint of the section's values, to notice an edit made by someone else meanwhile."""
    part = {key: document.get(key) for key in section.keys}
    canonical = json.dumps(part, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def check_section(document: dict[str, Any], section: RulesSection, form) -> Check:
    """Validate `document` with this section replaced by the posted form; nothing is stored."""
    candidate = dict(document)
    yaml_problems: dict[str, str] = {}
    for root in section.roots:
        value = read_value(root, form, yaml_problems, document.get(root.path))
        if value is MISSING:
            candidate.pop(root.path, None)
        else:
            candidate[root.path] = value
    result = Check()
    for path, problem in yaml_problems.items():
        result.field_errors.setdefault(path, []).append(f"{path}: {problem}")
    try:
        config = load_tenant_config(candidate, SOURCE)
    except TenantConfigError as exc:
        _place(result, section, exc.problems)
        return result
    if not yaml_problems:
        result.config = config
    return result


def _place(result: Check, section: RulesSection, problems) -> None:
    """Put each (key path, message) next to the widget that holds the key; the rest on top."""
    paths = sorted((w.path for w in walk(section.roots)), key=len, reverse=True)
    for path, message in problems:
        text = f"{path or _('(вся конфигурация)')}: {russian(message)}"
        owner = next((p for p in paths if path == p or path.startswith((p + ".", p + "["))), None)
        if owner is None or (owner in section.keys and _is_group(section, owner)):
            result.form_errors.append(text)
        else:
            result.field_errors.setdefault(owner, []).append(text)


def _is_group(section: RulesSection, path: str) -> bool:
    return any(w.path == path and w.kind == "group" for w in section.roots)


def changes_between(old: Any, new: Any, path: str) -> list[Change]:
    """Every changed key path: mappings key by key, lists of records item by item when the
    number of items stays, anything else as one value."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(old) + [key for key in new if key not in old]
        return [
            change
            for key in keys
            for change in changes_between(old.get(key), new.get(key), f"{path}.{key}")
        ]
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and len(old) == len(new)
        and any(isinstance(item, dict | list) for item in old + new)
    ):
        return [
            change
            for index, (before, after) in enumerate(zip(old, new, strict=True))
            for change in changes_between(before, after, f"{path}[{index}]")
        ]
    return [] if old == new else [Change(path, old, new)]


@dataclass
class Saved:
    check: Check
    changes: list[Change] = field(default_factory=list)
    base: str = ""  # fingerprint of the section as stored now (for the next attempt)
    conflict: bool = False


def save_section(tenant_id: int, section: RulesSection, form, base: str) -> Saved:
    """Store the posted section when valid; the caller commits. The tenant row is locked, so two
    saves never interleave; a section changed since the form was shown is not overwritten."""
    row = db.session.get(Tenant, tenant_id, with_for_update=True)
    stored = document_of(load_tenant_config(row.config, f"tenant {row.slug!r}", strict=False))
    current = section_digest(stored, section)
    if base != current:
        message = _(
            "Этот раздел только что изменил другой сотрудник. "
            "Проверьте значения и сохраните ещё раз."
        )
        return Saved(Check(form_errors=[message]), base=current, conflict=True)
    check = check_section(stored, section, form)
    if not check.ok:
        return Saved(check, base=current)
    document = document_of(check.config)
    changes = [
        change
        for key in section.keys
        for change in changes_between(stored.get(key), document.get(key), key)
    ]
    if changes:
        write_tenant(row, TenantFile(Path(f"{row.slug}.yaml"), check.config))
        for change in changes:
            record_audit(
                "rules.update", target=change.path, details={"old": change.old, "new": change.new}
            )
    return Saved(check, changes, current)
