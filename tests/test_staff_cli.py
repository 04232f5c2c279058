"""`flask --app wsgi staff create|list` and `operators create`: the first admin of a utility and
the first platform operator, who can then sign in (SPEC §5)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.admin.cli import staff_cli
from app.auth.models import Operator, StaffUser
from app.extensions import db
from app.platform.cli import operators_cli
from app.tenancy.context import tenant_scope
from tests.support.factories import make_staff
from tests.support.web import base, submit

ONE_TIME = re.compile(r"one-time password: (\S+)")
STRONG = "Nadyozhnyi-parol-1"


def run(app, group, *args):
    # The groups are invoked directly, so the tests hold whether or not the factory lists them.
    return app.test_cli_runner().invoke(group, list(args))


def create_staff(app, slug="cheboksary", *extra):
    return run(
        app,
        staff_cli,
        "create",
        slug,
        "--login",
        "Chief",
        "--email",
        "chief@vodo-kanal.example",
        "--name",
        "Николаева Ольга Ивановна",
        "--role",
        "admin",
        *extra,
    )


def test_the_first_admin_gets_a_one_time_password_and_must_change_it(app, app_context, tenants):
    result = create_staff(app)
    assert result.exit_code == 0, result.output
    assert "http://cheboksary.localhost/admin/login" in result.output
    password = ONE_TIME.search(result.output).group(1)
    with tenant_scope(tenants["cheboksary"]):
        staff = db.session.scalar(select(StaffUser).where(StaffUser.login == "chief"))
        assert staff.role == "admin" and staff.must_change_password and staff.active
        assert password not in staff.password_hash

    client = app.test_client()
    response = submit(
        client, "cheboksary", "/admin/login", {"login": "chief", "password": password}
    )
    assert response.status_code == 302
    forced = client.get("/admin", base_url=base("cheboksary"))
    assert forced.headers["Location"] == "/admin/password?next=/admin"


def test_an_admin_with_a_chosen_password_goes_straight_in(app, app_context):
    result = create_staff(app, "cheboksary", "--password", STRONG)
    assert result.exit_code == 0, result.output
    assert "one-time password" not in result.output
    client = app.test_client()
    submit(client, "cheboksary", "/admin/login", {"login": "CHIEF", "password": STRONG})
    assert client.get("/admin", base_url=base("cheboksary")).status_code == 200


@pytest.mark.parametrize(
    ("slug", "extra", "message"),
    [
        ("atlantis", (), "no tenant 'atlantis'"),
        ("cheboksary", ("--password", "12345678901"), "weak password"),
        ("cheboksary", ("--password", "short-1"), "не короче 10 символов"),
    ],
)
def test_create_refuses_bad_input_clearly(app, app_context, slug, extra, message):
    result = create_staff(app, slug, *extra)
    assert result.exit_code == 1
    assert message in result.output


def test_create_refuses_a_duplicate_login_of_the_same_tenant_only(app, app_context, tenants):
    make_staff(tenants["cheboksary"], login="chief")
    duplicate = create_staff(app)
    assert duplicate.exit_code == 1
    assert "a staff user with login 'chief' exists" in duplicate.output
    assert create_staff(app, "angarsk").exit_code == 0


def test_create_refuses_an_unknown_role_and_a_bad_email(app, app_context):
    bad_role = run(
        app, staff_cli, "create", "moscow", "--login", "x-user", "--email", "x@example.com",
        "--name", "X", "--role", "boss",
    )  # fmt: skip
    assert bad_role.exit_code == 2
    assert "'boss' is not one of 'admin', 'clerk', 'viewer'" in bad_role.output
    bad_email = run(
        app, staff_cli, "create", "moscow", "--login", "x-user", "--email", "not-an-email",
        "--name", "X", "--role", "clerk",
    )  # fmt: skip
    assert bad_email.exit_code == 1
    assert "e-mail 'not-an-email'" in bad_email.output
    bad_login = run(
        app, staff_cli, "create", "moscow", "--login", "иван", "--email", "x@example.com",
        "--name", "X", "--role", "clerk",
    )  # fmt: skip
    assert bad_login.exit_code == 1
    assert "latin letters" in bad_login.output


def test_list_prints_the_staff_of_one_tenant(app, app_context, tenants):
    make_staff(tenants["moscow"], login="petrova", role="viewer")
    make_staff(tenants["angarsk"], login="angarsk-only")
    create_staff(app, "moscow")
    result = run(app, staff_cli, "list", "moscow")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("chief\tadmin\tНиколаева Ольга Ивановна")
    assert lines[0].endswith("active, must change password")
    assert lines[1].startswith("petrova\tviewer")
    assert "angarsk-only" not in result.output
    assert "no staff users" in run(app, staff_cli, "list", "sevastopol").output


def test_the_first_operator_is_created_and_signs_in(app, app_context):
    result = run(
        app, operators_cli, "create", "--login", "Root.Operator", "--email", "ops@platform.example",
        "--name", "Оператор Платформы",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "http://localhost/platform/login" in result.output
    password = ONE_TIME.search(result.output).group(1)
    operator = db.session.scalar(select(Operator).where(Operator.login == "root.operator"))
    assert operator.must_change_password

    client = app.test_client()
    response = submit(
        client, None, "/platform/login", {"login": "root.operator", "password": password}
    )
    assert response.status_code == 302
    forced = client.get("/platform", base_url=base(None))
    assert forced.headers["Location"] == "/platform/password?next=/platform"

    duplicate = run(
        app, operators_cli, "create", "--login", "ROOT.OPERATOR", "--email", "b@platform.example",
        "--name", "B", "--password", STRONG,
    )  # fmt: skip
    assert duplicate.exit_code == 1
    assert "an operator with login 'root.operator' exists" in duplicate.output


def test_an_operator_with_a_chosen_password_goes_straight_in(app, app_context):
    result = run(
        app, operators_cli, "create", "--login", "ops", "--email", "ops@platform.example",
        "--name", "Ops", "--password", STRONG,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    client = app.test_client()
    submit(client, None, "/platform/login", {"login": "ops", "password": STRONG})
    assert client.get("/platform", base_url=base(None)).status_code == 200
