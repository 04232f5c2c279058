"""`/admin/staff`: admins invite staff by e-mail, change roles, switch users off and on; the last
active admin stays; every change is in the audit log; other roles and tenants get nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.auth.models import StaffUser
from app.extensions import db
from app.staff.models import StaffInvitation
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident, make_staff
from tests.support.web import base, sign_in, submit, text

PASSWORD = "Novyi-sotrudnik-1"


def staff_sign_in(client, slug="moscow", login="boss"):
    response = submit(client, slug, "/admin/login", {"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def boss(client, app_context, tenants):
    user = make_staff(tenants["moscow"], login="boss", role="admin")
    staff_sign_in(client)
    return user


def actions(tenant) -> list[tuple[str, str]]:
    with tenant_scope(tenant):
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.at)).all()
        return [(e.action, e.target) for e in entries]


def invite(client, email="new.clerk@mosvodokanal.example", role="clerk"):
    return submit(
        client,
        "moscow",
        "/admin/staff/invite",
        {"full_name": "Новикова Мария", "email": email, "role": role},
    )


def invitation_link(outbox) -> str:
    body = outbox()[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://moscow\.localhost(/admin/invitation/\S+)", body).group(1)


def test_an_invited_clerk_chooses_a_login_and_password_and_works_at_once(
    app, client, boss, tenants, outbox
):
    response = invite(client)
    assert response.headers["Location"] == "/admin/staff"
    [mail] = outbox()
    assert mail["To"] == "new.clerk@mosvodokanal.example"
    assert "72 часа" in mail.get_body(preferencelist=("plain",)).get_content()
    link = invitation_link(outbox)
    assert "Новикова Мария" in text(client.get("/admin/staff", base_url=base("moscow")))

    newcomer = app.test_client()
    form = text(newcomer.get(link, base_url=base("moscow")))
    assert 'value="new.clerk"' in form  # the login suggested from the address
    accepted = submit(
        newcomer,
        "moscow",
        link,
        {"login": "m.novikova", "password": PASSWORD, "confirmation": PASSWORD},
    )
    assert accepted.headers["Location"] == "/admin"
    assert "Специалист" in text(newcomer.get("/admin", base_url=base("moscow")))
    # Single use: the link is dead now.
    assert app.test_client().get(link, base_url=base("moscow")).status_code == 404
    assert actions(tenants["moscow"]) == [
        ("staff.invite", "new.clerk@mosvodokanal.example"),
        ("staff.invitation_accept", "m.novikova"),
    ]


def test_an_expired_or_revoked_invitation_does_not_work(app, client, boss, tenants, outbox):
    invite(client)
    link = invitation_link(outbox)
    with tenant_scope(tenants["moscow"]):
        invitation = db.session.scalar(select(StaffInvitation))
        invitation_id = invitation.id
    submit(
        client,
        "moscow",
        f"/admin/staff/invitations/{invitation_id}/revoke",
        {},
        form_page="/admin/staff",
    )
    page = app.test_client().get(link, base_url=base("moscow"))
    assert page.status_code == 404 and "Ссылка не действует" in text(page)
    assert ("staff.invitation_revoke", "new.clerk@mosvodokanal.example") in actions(
        tenants["moscow"]
    )


def test_an_invitation_link_of_one_utility_is_unknown_to_another(app, client, boss, outbox):
    invite(client)
    link = invitation_link(outbox)
    assert app.test_client().get(link, base_url=base("angarsk")).status_code == 404


def test_a_bad_invitation_is_answered_at_the_field(client, boss, tenants, outbox):
    make_staff(tenants["moscow"], login="taken", role="viewer")
    response = invite(client, email="taken@example.com")
    assert response.status_code == 200
    assert re.search(r'id="email-error">[^<]*уже есть вход', text(response))
    assert 'id="email-error"' in text(invite(client, email="not-an-address"))
    assert outbox() == []


def test_weak_password_and_taken_login_are_refused_when_accepting(app, client, boss, outbox):
    invite(client)
    link = invitation_link(outbox)
    newcomer = app.test_client()
    weak = submit(
        newcomer, "moscow", link, {"login": "m.n", "password": "123", "confirmation": "123"}
    )
    assert 'id="password-error"' in text(weak)
    taken = submit(
        newcomer, "moscow", link, {"login": "BOSS", "password": PASSWORD, "confirmation": PASSWORD}
    )
    assert "Этот логин уже занят" in text(taken)
    assert newcomer.get(link, base_url=base("moscow")).status_code == 200  # still usable


def test_roles_change_and_a_deactivated_user_loses_every_session(app, client, boss, tenants):
    clerk = make_staff(tenants["moscow"], login="clerk", role="clerk")
    clerk_client = app.test_client()
    staff_sign_in(clerk_client, login="clerk")
    prefix = str(clerk.id)
    changed = submit(
        client,
        "moscow",
        f"/admin/staff/{clerk.id}/role",
        {f"{prefix}-role": "viewer"},
        form_page="/admin/staff",
    )
    assert changed.status_code == 302
    assert "Просмотр" in text(clerk_client.get("/admin", base_url=base("moscow")))

    submit(client, "moscow", f"/admin/staff/{clerk.id}/deactivate", {}, form_page="/admin/staff")
    assert clerk_client.get("/admin", base_url=base("moscow")).status_code == 302
    refused = submit(
        app.test_client(), "moscow", "/admin/login", {"login": "clerk", "password": DEMO_PASSWORD}
    )
    assert "Вход отключён" in text(refused)

    submit(client, "moscow", f"/admin/staff/{clerk.id}/reactivate", {}, form_page="/admin/staff")
    staff_sign_in(app.test_client(), login="clerk")
    assert actions(tenants["moscow"]) == [
        ("staff.role", "clerk"),
        ("staff.deactivate", "clerk"),
        ("staff.reactivate", "clerk"),
    ]
    with tenant_scope(tenants["moscow"]):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.role"))
        assert entry.details == {"old": "clerk", "new": "viewer"}
        assert entry.actor_kind == "staff" and entry.actor_label == "boss"


def test_the_last_active_admin_can_neither_leave_nor_be_demoted(client, boss, tenants):
    prefix = str(boss.id)
    demoted = submit(
        client, "moscow", f"/admin/staff/{boss.id}/role", {f"{prefix}-role": "clerk"},
        form_page="/admin/staff",
    )  # fmt: skip
    assert demoted.status_code == 409
    assert "последний действующий администратор" in text(demoted)
    left = submit(
        client, "moscow", f"/admin/staff/{boss.id}/deactivate", {}, form_page="/admin/staff"
    )
    assert left.status_code == 409
    with tenant_scope(tenants["moscow"]):
        row = db.session.get(StaffUser, (tenants["moscow"].id, boss.id))
        assert row.role == "admin" and row.active
    # With a second admin, stepping down is fine.
    make_staff(tenants["moscow"], login="deputy", role="admin")
    stepped = submit(
        client, "moscow", f"/admin/staff/{boss.id}/role", {f"{prefix}-role": "clerk"},
        form_page="/admin/staff",
    )  # fmt: skip
    assert stepped.status_code == 302


@pytest.mark.parametrize("role", ["clerk", "viewer"])
def test_clerks_and_viewers_get_403_on_every_staff_route(app, app_context, tenants, role):
    target = make_staff(tenants["moscow"], login="target", role="viewer")
    client = app.test_client()
    make_staff(tenants["moscow"], login="someone", role=role)
    staff_sign_in(client, login="someone")
    assert client.get("/admin/staff", base_url=base("moscow")).status_code == 403
    assert client.get("/admin/staff/invite", base_url=base("moscow")).status_code == 403
    for action in ("deactivate", "reactivate", "role"):
        response = client.post(f"/admin/staff/{target.id}/{action}", base_url=base("moscow"))
        assert response.status_code in (400, 403)  # CSRF or role: never a change
    with tenant_scope(tenants["moscow"]):
        assert db.session.get(StaffUser, (tenants["moscow"].id, target.id)).active


def test_residents_and_anonymous_visitors_are_sent_to_the_staff_login(app, app_context, tenants):
    anonymous = app.test_client()
    response = anonymous.get("/admin/staff", base_url=base("moscow"))
    assert response.headers["Location"].startswith("/admin/login")
    resident_client = app.test_client()
    make_resident(tenants["moscow"], make_account(tenants["moscow"]), login="resident1")
    sign_in(resident_client, "moscow", {"login": "resident1", "password": DEMO_PASSWORD})
    response = resident_client.get("/admin/staff", base_url=base("moscow"))
    assert response.status_code == 302


def test_staff_ids_of_another_utility_are_404(client, boss, tenants):
    other = make_staff(tenants["angarsk"], login="foreign", role="admin")
    for action, data in (("role", {f"{other.id}-role": "viewer"}), ("deactivate", {})):
        response = submit(
            client, "moscow", f"/admin/staff/{other.id}/{action}", data, form_page="/admin/staff"
        )
        assert response.status_code == 404
    with tenant_scope(tenants["angarsk"]):
        invitation = StaffInvitation(
            email="x@example.com", full_name="X", role="clerk", token_hash="0" * 64,
            expires_at=boss.created_at,
        )  # fmt: skip
        db.session.add(invitation)
        db.session.flush()
    revoke = submit(
        client, "moscow", f"/admin/staff/invitations/{invitation.id}/revoke", {},
        form_page="/admin/staff",
    )  # fmt: skip
    assert revoke.status_code == 404
