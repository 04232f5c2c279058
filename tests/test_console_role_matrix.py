"""The role matrix of the consoles (issue 6): every route of the staff console on a tenant host and
of `/platform` on the platform host, taken from the app's url_map, against every kind of visitor.

The two tables of tests/support/console_access.py are the access declarations in one place, one
line per endpoint; a route added to either console without a line there fails
`test_the_tables_cover_every_console_route`, and one declared for staff but left unprotected fails
the anonymous row of the matrix.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.billing.models import ImportRun
from app.extensions import db
from app.jobs.models import TenantJob
from app.notifications.models import Mailing
from app.readings.models import Submission
from app.registration.models import AccountLookupRequest
from app.staff.models import StaffInvitation
from app.tenancy.context import tenant_scope
from tests.support.console_access import (
    ACTING,
    CONSOLE,
    OPEN,
    PLATFORM,
    STAFF,
    TOKEN,
)
from tests.support.factories import (
    DEMO_PASSWORD,
    make_account,
    make_reading,
    make_resident,
    make_staff,
)
from tests.support.web import base, csrf_token, sign_in, submit, text
from tests.test_platform_auth import make_operator, operator_sign_in
from tests.test_platform_console import console_pass

SLUG, OTHER = "moscow", "angarsk"


def routes_under(app, prefix: str) -> dict:
    """Every rule of the blueprints mounted under `prefix`, and any other rule under it."""
    blueprints = {
        name for name, bp in app.blueprints.items() if (bp.url_prefix or "").startswith(prefix)
    }
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.rpartition(".")[0] in blueprints or rule.rule.startswith(prefix)
    }


def requests_of(table: dict):
    """(endpoint, method, who may) in table order: every GET first, then every POST."""
    for index, method in enumerate(("GET", "POST")):
        for endpoint, access in table.items():
            if access[index] is not None:
                yield endpoint, method, access[index]


QUERY = {"admin.readings_export": {"period": "2026-10"}}  # what the page needs to answer 200


def path_of(app, endpoint: str, values: dict) -> str:
    rule = routes_under(app, "/")[endpoint]
    wanted = {name: values[name] for name in rule.arguments} | QUERY.get(endpoint, {})
    return app.url_map.bind("localhost").build(endpoint, wanted)


def snapshot(tenant) -> dict:
    """Every row the tenant's session can see (its own and the platform's), to prove no change."""
    db.session.expire_all()
    with tenant_scope(tenant):
        return {
            table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables
        }


def build_world(tenant) -> dict:
    """One object of each kind a console URL names, in `tenant`; values for the URL converters."""
    account = make_account(tenant)
    make_reading(tenant, account.meters[0], date(2026, 10, 1), 48_213_000)
    resident = make_resident(tenant, account, login=f"matrix.{tenant.slug}")
    target = make_staff(tenant, login=f"matrix-target-{tenant.slug}", role="clerk")
    with tenant_scope(tenant):
        rows = {
            "run_id": ImportRun(kind="charges", filename="charges.csv", status="failed"),
            "request_id": AccountLookupRequest(full_name="Сидоров Пётр", phone="+79025551234"),
            "notice_id": Mailing(kind="notice", topic="other", subject="Работы", body="Вода."),
            "invitation_id": StaffInvitation(
                email="invitee@example.com",
                full_name="Новый Сотрудник",
                role="clerk",
                token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
                expires_at=clock.now() + timedelta(days=3),
            ),
            "job_id": TenantJob(
                name="tests.matrix.job",
                queue="default",
                kwargs={},
                status="dead",
                attempts=5,
                max_attempts=5,
                last_error="boom",
            ),
        }
        db.session.add_all(rows.values())
        db.session.flush()
        submission = db.session.scalar(
            select(Submission.id).where(Submission.account_id == account.id)
        )
    return {
        **{name: row.id for name, row in rows.items()},
        "account_id": account.id,
        "resident_id": resident.id,
        "submission_id": submission,
        "staff_id": target.id,
        "section_key": "general",
        "token": "no-such-invitation",
        "slug": tenant.slug,
    }


def replay_session(client, source: str | None, target: str | None) -> None:
    """Send the session cookie of one host to another (browsers never do: cookies are host-only)."""
    cookie = client.get_cookie("session", domain=base(source).removeprefix("http://"))
    client.set_cookie("session", cookie.value, domain=base(target).removeprefix("http://"))


def staff_client(app, tenant, role: str):
    client = app.test_client()
    make_staff(tenant, login=f"matrix-{role}", role=role)
    response = submit(
        client, tenant.slug, "/admin/login", {"login": f"matrix-{role}", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    return client


def visitor(app, tenants, kind: str):
    """A client signed in as `kind` as far as the moscow console is concerned."""
    tenant = tenants[SLUG]
    if kind in STAFF:
        return staff_client(app, tenant, kind)
    client = app.test_client()
    if kind == "resident":
        make_resident(tenant, make_account(tenant), login="matrix.resident")
        credentials = {"identifier": "matrix.resident", "secret": DEMO_PASSWORD}
        assert sign_in(client, SLUG, credentials).status_code == 302
    elif kind in ("operator", "visit"):
        make_operator()
        assert operator_sign_in(client).status_code == 302
        if kind == "operator":  # the platform session itself, carried to the tenant host
            replay_session(client, None, SLUG)
        else:  # through the audited pass: the console, read-only
            assert client.get(console_pass(client, SLUG), base_url=base(SLUG)).status_code == 302
    elif kind == "foreign":  # an admin of another utility
        client = staff_client(app, tenants[OTHER], "admin")
        replay_session(client, OTHER, SLUG)
    return client


def token_for(client, slug: str | None, login_path: str) -> str:
    """A CSRF token of this session: the role, not the token, must decide."""
    page = client.get(login_path, base_url=base(slug), follow_redirects=True)
    return csrf_token(text(page))


def call(client, slug, method, path, token):
    if method == "GET":
        return client.get(path, base_url=base(slug))
    return client.post(path, base_url=base(slug), data={"csrf_token": token})


def assert_reached(response, where, login_path: str) -> None:
    """The view itself answered (to an empty form: 400, 409 or 422 are its answers too; the token
    is good, or the refusals of the same session would be 400 rather than 403): not a refusal, not
    the sign-in page, not a server error."""
    assert response.status_code in (200, 302, 303, 400, 409, 422), where
    assert not response.headers.get("Location", "").startswith(login_path), where


def assert_open(response, where, home: str) -> None:
    """The sign-in form (200), or on to the console or back to the sign-in form."""
    assert response.status_code in (200, 302), where
    if response.status_code == 302:
        assert response.headers["Location"] in (home, f"{home}/login"), where


def check(response, where, access, role, *, home: str, refused_stranger: int = 302) -> None:
    """Assert the answer `access` promises `role` (None: no role on this host)."""
    method = where[2]
    if access == TOKEN:
        assert response.status_code == 404, where
    elif access == OPEN:
        assert_open(response, where, home)
    elif role is None:
        assert response.status_code == refused_stranger, where
        if refused_stranger == 302:
            assert response.headers["Location"].startswith(f"{home}/login"), where
    elif role not in access:
        assert response.status_code == 403, where
    elif method == "GET":
        assert response.status_code == 200, where
    else:
        assert_reached(response, where, f"{home}/login")


def test_the_tables_cover_every_console_route(app):
    for prefix, table, realm in (
        ("/admin", CONSOLE, "tenant"),
        ("/platform", PLATFORM, "platform"),
    ):
        routes = routes_under(app, prefix)
        assert set(routes) == set(table), f"declare the access of every {prefix} route here"
        for endpoint, rule in routes.items():
            methods = zip(("GET", "POST"), table[endpoint], strict=True)
            declared = {method for method, who in methods if who is not None}
            assert rule.methods - {"HEAD", "OPTIONS"} == declared, endpoint
            assert app.blueprints[endpoint.rpartition(".")[0]].realm == realm, endpoint


KINDS = {  # visitor kind: the console role it has on the moscow host (None: none)
    "anonymous": None,
    "resident": None,
    "operator": None,
    "foreign": None,
    "viewer": "viewer",
    "visit": "viewer",
    "clerk": "clerk",
    "admin": "admin",
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_console_route_answers_each_kind_of_visitor_as_declared(
    app, app_context, tenants, kind
):
    world = build_world(tenants[SLUG])
    client = visitor(app, tenants, kind)
    token = token_for(client, SLUG, "/admin/login")
    role = KINDS[kind]
    stranger = 404 if kind == "foreign" else 302  # SPEC §7: another utility's console is not here
    gets, refused_posts, other_posts = [], [], []
    for endpoint, method, access in requests_of(CONSOLE):
        is_refused = role is None or (access not in (OPEN, TOKEN) and role not in access)
        batch = gets if method == "GET" else refused_posts if is_refused else other_posts
        batch.append(((kind, endpoint, method), access))

    def run(batch):
        for where, access in batch:
            response = call(client, SLUG, where[2], path_of(app, where[1], world), token)
            check(response, where, access, role, home="/admin", refused_stranger=stranger)

    run(gets)
    before = snapshot(tenants[SLUG])
    run(refused_posts)
    assert snapshot(tenants[SLUG]) == before, "a refused POST changed something"
    run(other_posts)
    if role in ACTING:  # and the snapshot does see changes (blocking a login, for one)
        assert snapshot(tenants[SLUG]) != before


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_unknown_objects_are_404(app, app_context, tenants, role):
    world = build_world(tenants[SLUG])
    unknown = {name: uuid.uuid4() for name in world} | {"section_key": "no-such-section"}
    client = staff_client(app, tenants[SLUG], role)
    token = token_for(client, SLUG, "/admin/login")
    rules = routes_under(app, "/admin")
    for endpoint, method, access in requests_of(CONSOLE):
        if not rules[endpoint].arguments or access in (OPEN, TOKEN) or role not in access:
            continue
        response = call(client, SLUG, method, path_of(app, endpoint, unknown), token)
        assert response.status_code == 404, (role, endpoint, method)


def test_an_admin_gets_404_for_every_object_of_another_utility(app, app_context, tenants):
    """Angarsk's ids on the moscow host, as moscow's own admin: not found, and nothing changes."""
    theirs = build_world(tenants[OTHER])
    client = staff_client(app, tenants[SLUG], "admin")
    token = token_for(client, SLUG, "/admin/login")
    before = snapshot(tenants[OTHER])
    rules = routes_under(app, "/admin")
    checked = 0
    for endpoint, method, _access in requests_of(CONSOLE):
        if "<uuid:" not in rules[endpoint].rule:  # names no object of a tenant
            continue
        response = call(client, SLUG, method, path_of(app, endpoint, theirs), token)
        assert response.status_code == 404, (endpoint, method)
        checked += 1
    assert checked >= 15
    assert snapshot(tenants[OTHER]) == before


PLATFORM_KINDS = {"anonymous": None, "resident": None, "staff": None, "operator": "operator"}


@pytest.mark.parametrize("kind", PLATFORM_KINDS)
def test_every_platform_route_answers_each_kind_of_visitor_as_declared(
    app, app_context, tenants, kind
):
    world = build_world(tenants[SLUG])
    if kind == "operator":
        client = visitor(app, tenants, "operator")
    else:  # a tenant session carried to the platform host means nobody there
        client = visitor(app, tenants, "admin" if kind == "staff" else kind)
        if kind != "anonymous":
            replay_session(client, SLUG, None)
    token = token_for(client, None, "/platform/login")
    role = PLATFORM_KINDS[kind]
    before = snapshot(tenants[SLUG])
    for endpoint, method, access in requests_of(PLATFORM):
        where = (kind, endpoint, method)
        response = call(client, None, method, path_of(app, endpoint, world), token)
        check(response, where, access, role, home="/platform")
    if role is None:
        assert snapshot(tenants[SLUG]) == before, "a refused POST changed something"


def test_the_operator_gets_404_for_unknown_tenants_and_jobs(app, app_context, tenants):
    client = visitor(app, tenants, "operator")
    token = token_for(client, None, "/platform/login")
    unknown = {"slug": "no-such-utility", "job_id": uuid.uuid4()}
    for endpoint, method, _access in requests_of(PLATFORM):
        if routes_under(app, "/platform")[endpoint].arguments:
            response = call(client, None, method, path_of(app, endpoint, unknown), token)
            assert response.status_code == 404, (endpoint, method)


def test_each_console_lives_only_on_its_own_kind_of_host(app, app_context, tenants):
    world = build_world(tenants[SLUG])
    client = app.test_client()
    for table, slug in ((CONSOLE, None), (PLATFORM, SLUG)):
        for endpoint, method, _access in requests_of(table):
            response = call(client, slug, method, path_of(app, endpoint, world), "")
            assert response.status_code == 404, (slug, endpoint, method)
