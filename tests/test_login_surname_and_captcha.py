"""Angarsk's passwordless surname mode and the control code (captcha) of Sevastopol and Angarsk
(issue 3)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.support.factories import DEMO_PASSWORD, make_account, make_resident
from tests.support.web import base, csrf_token, sign_in, solve_captcha, submit, text


def test_angarsk_surname_needs_no_password_and_folds_case_and_yo(client, app_context, tenants):
    tenant = tenants["angarsk"]
    make_account(tenant, number="204817", owner_surname="Алёшина")
    response = sign_in(
        client, "angarsk", {"identifier": "204817", "secret": "  алешина "}, mode="surname"
    )
    assert response.status_code == 302
    assert "204817" in text(client.get("/cabinet", base_url=base("angarsk")))


def test_angarsk_wrong_surname_is_refused_without_saying_why(client, app_context, tenants):
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    response = sign_in(
        client, "angarsk", {"identifier": "204817", "secret": "Петрова"}, mode="surname"
    )
    assert "Неверный номер лицевого счёта или фамилия." in text(response)


def test_sevastopol_login_needs_the_control_code(client, app, app_context, tenants):
    tenant = tenants["sevastopol"]
    make_resident(tenant, make_account(tenant, number="2045173"))
    page = text(client.get("/login", base_url=base("sevastopol")))
    assert "Контрольный код" in page and "/captcha/" in page
    data = {"identifier": "2045173", "secret": DEMO_PASSWORD, "csrf_token": csrf_token(page)}
    without = client.post("/login", base_url=base("sevastopol"), data={**data, "captcha": "00000"})
    assert without.status_code == 200
    assert "Неверный контрольный код" in text(without)
    page = text(without)
    data["csrf_token"] = csrf_token(page)
    solved = client.post(
        "/login",
        base_url=base("sevastopol"),
        data={**data, **solve_captcha(app, client, "sevastopol", page)},
    )
    assert solved.status_code == 302


def test_angarsk_surname_mode_asks_for_the_captcha_after_three_failures(
    client, app, app_context, tenants
):
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    wrong = {"identifier": "204817", "secret": "Петрова"}
    for _ in range(3):
        page = text(sign_in(client, "angarsk", wrong, mode="surname"))
        assert "Неверный номер лицевого счёта или фамилия." in page
    assert "Контрольный код" in page  # due from now on for this account
    # the right surname without the code is not enough
    refused = submit(
        client, "angarsk", "/login?mode=surname", {"identifier": "204817", "secret": "Алёшина"}
    )
    assert refused.status_code == 200 and "Неверный контрольный код" in text(refused)
    page = text(refused)
    solved = client.post(
        "/login?mode=surname",
        base_url=base("angarsk"),
        data={
            "identifier": "204817",
            "secret": "Алёшина",
            "csrf_token": csrf_token(page),
            **solve_captcha(app, client, "angarsk", page),
        },
    )
    assert solved.status_code == 302


def test_angarsk_captcha_is_per_account(client, app_context, tenants):
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    make_account(tenants["angarsk"], number="204818", owner_surname="Борисов")
    for _ in range(3):
        sign_in(client, "angarsk", {"identifier": "204817", "secret": "Петрова"}, mode="surname")
    other = sign_in(
        client, "angarsk", {"identifier": "204818", "secret": "Борисов"}, mode="surname"
    )
    assert other.status_code == 302


def test_angarsk_surname_sign_in_keeps_returning_the_same_identity(client, app_context, tenants):
    from app.auth.models import ResidentAccount

    tenant = tenants["angarsk"]
    account = make_account(tenant, number="204817", owner_surname="Алёшина")
    for _ in range(2):
        assert (
            sign_in(
                client, "angarsk", {"identifier": "204817", "secret": "Алёшина"}, mode="surname"
            ).status_code
            == 302
        )
        client.post("/logout", base_url=base("angarsk"))
    with tenant_scope(tenant):
        holders = db.session.scalars(
            select(ResidentAccount).where(ResidentAccount.account_id == account.id)
        ).all()
    assert len(holders) == 1


def test_surname_never_opens_an_identity_that_holds_other_accounts(client, app_context, tenants):
    tenant = tenants["angarsk"]
    mine = make_account(tenant, number="204817", owner_surname="Алёшина")
    other = make_account(tenant, number="204818", owner_surname="Борисов")
    make_resident(tenant, mine, other, login="both")
    sign_in(client, "angarsk", {"identifier": "204817", "secret": "Алёшина"}, mode="surname")
    page = text(client.get("/cabinet", base_url=base("angarsk")))
    assert "204817" in page and "204818" not in page
