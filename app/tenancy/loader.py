"""Load `tenants/*.yaml` into the database: all files valid or nothing written; idempotent."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.tenancy.config import Section, TenantConfigError, dump_tenant_config, load_tenant_config
from app.tenancy.context import tenant_scope
from app.tenancy.models import Settlement, Tenant, TenantDomain
from app.tenancy.snapshot import TenantSnapshot


class TenantLoadError(ValueError):
    """One or more tenant files are invalid; the message lists every problem, file by file."""


@dataclass(frozen=True)
class TenantFile:
    path: Path
    config: Section

    @property
    def document(self) -> dict:
        return dump_tenant_config(self.config)

    @property
    def digest(self) -> str:
        canonical = json.dumps(self.document, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def _read_one(path: Path) -> TenantFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(top level)"
        raise TenantConfigError(str(path), [(where, f"not valid YAML: {exc}")]) from None
    config = load_tenant_config(data, str(path))
    if path.stem != config.slug:
        raise TenantConfigError(str(path), [("slug", f"file must be named {config.slug}.yaml")])
    return TenantFile(path, config)


def read_tenant_files(paths: list[Path]) -> list[TenantFile]:
    """Validate every file (a directory means its *.yaml); raise TenantLoadError listing all errors."""
    files = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    if not files:
        raise TenantLoadError(f"no tenant files (*.yaml) in {', '.join(map(str, paths))}")
    loaded, problems = [], []
    for path in files:
        try:
            loaded.append(_read_one(path))
        except TenantConfigError as exc:
            problems.append(str(exc))
    problems.extend(_cross_file_problems(loaded))
    if problems:
        raise TenantLoadError("\n".join(problems))
    return loaded


def _cross_file_problems(files: list[TenantFile]) -> list[str]:
    problems, owner = [], {}
    platform = current_app.config["PLATFORM_DOMAIN"]
    for file in files:
        for host in file.config.domains:
            if host == platform or host.endswith("." + platform):
                problems.append(
                    f"{file.path}: domains: {host} is under the platform domain "
                    f"{platform}; the subdomain {file.config.slug}.{platform} is "
                    "already served"
                )
            if host in owner and owner[host] != file.config.slug:
                problems.append(f"{file.path}: domains: {host} is also claimed by {owner[host]}")
            owner[host] = file.config.slug
    slugs = [file.config.slug for file in files]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        problems.append(f"slug {slug!r} appears in more than one file")
    taken = db.session.execute(
        select(TenantDomain.host, Tenant.slug).join(Tenant).where(TenantDomain.host.in_(owner))
    ).all()
    for host, slug in taken:
        if owner[host] != slug:
            problems.append(f"domains: {host} already belongs to tenant {slug!r}")
    return problems


def upsert_tenants(files: list[TenantFile]) -> list[tuple[str, str]]:
    """Create or update each tenant from its file; returns (slug, created|updated|unchanged)."""
    results = []
    existing = {
        t.slug: t for t in db.session.scalars(select(Tenant).options(selectinload(Tenant.domains)))
    }
    for file in files:
        tenant = existing.get(file.config.slug)
        if tenant is None:
            tenant = Tenant(slug=file.config.slug, status="active")
            db.session.add(tenant)
            outcome = "created"
        elif tenant.config_digest == file.digest:
            results.append((tenant.slug, "unchanged"))
            continue
        else:
            outcome = "updated"
        write_tenant(tenant, file)
        results.append((tenant.slug, outcome))
    return results


def write_tenant(tenant: Tenant, file: TenantFile) -> None:
    """Store one validated configuration on its tenant row: name, config, digest, domains and
    settlements (also used by the console's rules editor)."""
    tenant.name = file.config.name
    tenant.config = file.document
    tenant.config_digest = file.digest
    _sync_domains(tenant, file.config.domains)
    db.session.flush()
    with tenant_scope(TenantSnapshot.from_row(tenant)):
        _sync_settlements(file.config.settlements)
        db.session.flush()


def _sync_domains(tenant: Tenant, hosts) -> None:
    wanted = set(hosts)
    tenant.domains = [d for d in tenant.domains if d.host in wanted] + [
        TenantDomain(host=host) for host in sorted(wanted - {d.host for d in tenant.domains})
    ]


def _sync_settlements(settlements) -> None:
    # Settlements removed from the file are deactivated, never deleted: accounts still point at them.
    rows = {s.code: s for s in db.session.scalars(select(Settlement))}
    wanted = {s.code: s for s in settlements}
    for code, spec in wanted.items():
        row = rows.get(code) or Settlement(code=code)
        row.name, row.active = spec.name, True
        db.session.add(row)
    for code, row in rows.items():
        if code not in wanted:
            row.active = False
