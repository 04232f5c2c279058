"""Absolute links between the platform host and tenant hosts."""

from __future__ import annotations

from flask import current_app, has_request_context, request

from app.tenancy.snapshot import TenantSnapshot


def _scheme_and_port() -> tuple[str, str]:
    if not has_request_context():
        return current_app.config["PREFERRED_URL_SCHEME"], ""
    host = request.host
    port = "" if host.endswith("]") or ":" not in host else ":" + host.rsplit(":", 1)[1]
    return request.scheme, port


def platform_url(path: str = "/") -> str:
    """A link to `path` on the bare platform host, keeping the current scheme and port."""
    scheme, port = _scheme_and_port()
    return f"{scheme}://{current_app.config['PLATFORM_DOMAIN']}{port}{path}"


def tenant_url(tenant: TenantSnapshot, path: str = "/") -> str:
    """A link to `path` on the tenant's platform subdomain (always served, unlike custom domains)."""
    scheme, port = _scheme_and_port()
    return f"{scheme}://{tenant.slug}.{current_app.config['PLATFORM_DOMAIN']}{port}{path}"
