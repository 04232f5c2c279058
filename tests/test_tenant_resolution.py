"""Every request is resolved to a tenant from its Host before any view runs (issue 2, SPEC §5)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.tenancy.models import Tenant, TenantDomain
from tests.conftest import SLUGS, count_queries, host

UTILITY_NAMES = {
    "cheboksary": "АО «Водоканал»",
    "sevastopol": "ГУП «Водоканал» г. Севастополя",
    "angarsk": "МУП «Ангарский водоканал»",
    "moscow": "АО «Мосводоканал»",
    "novosibirsk": "МУП г. Новосибирска «Горводоканал»",
}


@pytest.mark.parametrize("slug", SLUGS)
def test_each_tenant_host_shows_its_own_utility(client, slug):
    response = client.get("/", headers={"Host": host(slug) + ":5000"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert UTILITY_NAMES[slug] in page
    for other, name in UTILITY_NAMES.items():
        if other != slug and name not in UTILITY_NAMES[slug]:
            assert name not in page


def test_novosibirsk_page_is_gorvodokanal_as_in_the_readme(client):
    page = client.get("/", headers={"Host": "novosibirsk.localhost:5000"}).get_data(as_text=True)
    assert "Горводоканал" in page
    assert "+7 383 290-72-90" in page
    assert "Круглосуточно, без выходных, перерыв 12:00–13:00" in page


def test_unknown_host_is_404_with_a_link_to_the_platform(client):
    response = client.get("/", headers={"Host": "nowhere.localhost:5000"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'href="http://localhost:5000/"' in page
    assert "nowhere.localhost" in page


def test_unknown_host_is_404_on_every_path(client):
    assert client.get("/anything", headers={"Host": "evil.example.com"}).status_code == 404


def test_platform_host_lists_every_utility_with_links(client):
    response = client.get("/", headers={"Host": "localhost:5000"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for slug, name in UTILITY_NAMES.items():
        assert f'href="http://{slug}.localhost:5000/"' in page
        assert name in page


@pytest.mark.parametrize(
    "raw_host", ["MOSCOW.localhost", "moscow.localhost.", "moscow.localhost:8080"]
)
def test_host_matching_ignores_case_port_and_trailing_dot(client, raw_host):
    page = client.get("/", headers={"Host": raw_host}).get_data(as_text=True)
    assert "АО «Мосводоканал»" in page


def test_nested_subdomain_is_not_a_tenant(client):
    assert client.get("/", headers={"Host": "www.moscow.localhost"}).status_code == 404


def test_custom_domain_resolves_to_its_tenant(client, tenants):
    db.session.add(
        TenantDomain(host="lk.gorvodokanal.example", tenant_id=tenants["novosibirsk"].id)
    )
    db.session.commit()
    page = client.get("/", headers={"Host": "lk.gorvodokanal.example"}).get_data(as_text=True)
    assert "Горводоканал" in page


def test_suspended_tenant_answers_503_with_its_phone(client):
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "angarsk"))
    tenant.status = "suspended"
    db.session.commit()
    response = client.get("/", headers={"Host": host("angarsk")})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "временно недоступен" in page
    assert "+7 395 551-26-46" in page or "+7 3955 51-26-46" in page


def test_suspended_tenant_is_marked_on_the_platform_list(client):
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "angarsk"))
    tenant.status = "suspended"
    db.session.commit()
    page = client.get("/", headers={"Host": "localhost"}).get_data(as_text=True)
    assert "временно недоступен" in page


def test_resolution_needs_no_database_query_once_warm(client):
    client.get("/", headers={"Host": host("moscow")})
    with count_queries() as statements:
        response = client.get("/", headers={"Host": host("moscow")})
    assert response.status_code == 200
    assert not [s for s in statements if "tenant" in s.lower()]


def test_cache_is_invalidated_when_a_tenant_changes(client):
    client.get("/", headers={"Host": host("moscow")})
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "moscow"))
    config = dict(tenant.config)
    config["short_name"] = "Мосводоканал Онлайн"
    tenant.config = config
    db.session.commit()
    page = client.get("/", headers={"Host": host("moscow")}).get_data(as_text=True)
    assert "Мосводоканал Онлайн" in page


def test_healthz_answers_on_any_host(client):
    for hostname in ("localhost", host("moscow"), "unknown.example"):
        response = client.get("/healthz", headers={"Host": hostname})
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz", headers={"Host": "localhost"})
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def _rename(slug: str, short_name: str) -> None:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    tenant.config = {**tenant.config, "short_name": short_name}
    db.session.commit()


def test_a_change_made_by_another_process_arrives_through_redis(app, test_database, tmp_path):
    if not app.config["REDIS_URL"]:
        pytest.skip("cross-process invalidation goes through Redis; REDIS_URL is unset")
    from tests.conftest import make_test_app

    other = make_test_app(
        test_database, tmp_path, REDIS_PREFIX=app.config["REDIS_PREFIX"], TENANT_CACHE_TTL=3600
    )
    other.test_client_class = app.test_client_class
    other_client = other.test_client()
    assert "Мосводоканал" in other_client.get("/", headers={"Host": host("moscow")}).get_data(
        as_text=True
    )
    with app.app_context():  # "this" process changes the tenant and commits
        _rename("moscow", "Мосводоканал 2.0")
    page = other_client.get("/", headers={"Host": host("moscow")}).get_data(as_text=True)
    assert "Мосводоканал 2.0" in page


def test_without_a_change_signal_the_cache_expires_after_its_ttl(app_context, monkeypatch):
    from app.tenancy import cache as cache_module
    from app.tenancy.cache import TenantCache

    clock = [1000.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    cache = TenantCache(ttl_seconds=30)
    assert cache.directory().by_slug["moscow"].config.short_name == "Мосводоканал"
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "moscow"))
    tenant.config = {**tenant.config, "short_name": "Новое имя"}
    db.session.flush()
    clock[0] += 10
    assert cache.directory().by_slug["moscow"].config.short_name == "Мосводоканал"
    clock[0] += 25
    assert cache.directory().by_slug["moscow"].config.short_name == "Новое имя"
