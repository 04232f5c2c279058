"""Each city's way in, in a real browser at phone width (issue 3): register or get credentials,
confirm by the mailed link where the city asks for it, sign in, land in the cabinet."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.billing.models import Payment
from app.extensions import db
from app.tenancy.context import tenant_scope
from tests.browser.conftest import screenshot
from tests.support.factories import make_account

LINK = re.compile(r"http://[\w.:]+/register/(?:confirm|set-password)/[\w-]+")


def url(port: int, slug: str, path: str) -> str:
    return f"http://{slug}.localhost:{port}{path}"


def mailed_link(outbox, port: int) -> str:
    body = outbox()[-1].get_body(("plain",)).get_content()
    link = LINK.search(body).group(0)
    # The mail was written for the host the request came to; the browser knows the port.
    return re.sub(r"^http://([\w.]+?)(:\d+)?/", rf"http://\1:{port}/", link)


def solve_captcha(app, page, slug: str) -> None:
    """Type the answer of the image captcha shown on `page` (read from the browser's session)."""
    from app.captcha.challenges import answer_for_tests

    challenge = page.locator('input[name="captcha_challenge"]').get_attribute("value")
    cookie = next(
        c for c in page.context.cookies() if c["name"] == "session" and c["domain"].startswith(slug)
    )
    with app.test_request_context(
        "/", base_url=f"http://{slug}.localhost", headers={"Cookie": f"session={cookie['value']}"}
    ):
        page.fill("#captcha", answer_for_tests(challenge))


def screenshot_login(page, port: int, slug: str, query: str = "") -> None:
    page.goto(url(port, slug, f"/login{query}"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"{slug}-login-360")


def test_cheboksary_registers_confirms_and_signs_in(
    live_server, phone_page, tenants, outbox, app_context
):
    make_account(
        tenants["cheboksary"],
        settlement_code="novocheboksarsk",
        number="104512367",
        owner_surname="Семёнова",
        meters=1,
    )
    page, port = phone_page, live_server
    screenshot_login(page, port, "cheboksary")
    page.goto(url(port, "cheboksary", "/register"))
    page.select_option("#settlement", "novocheboksarsk")
    page.fill("#account_number", "104512367")
    page.fill("#surname", "Семенова")
    page.fill("#meter_serial", "104512367-1")
    page.fill("#phone", "8 917 123-45-67")
    page.fill("#email", "semenova@example.com")
    page.fill("#password", "Volga-2026!")
    page.get_by_role("button", name="Зарегистрироваться").click()
    assert page.get_by_role("heading", name="Проверьте почту").is_visible()
    page.goto(mailed_link(outbox, port))
    assert page.get_by_test_id("current-account").inner_text() == "104512367"
    page.get_by_role("button", name="Выйти").first.click()
    page.goto(url(port, "cheboksary", "/login"))
    page.select_option("#settlement", "novocheboksarsk")
    page.fill("#identifier", "104512367")
    page.fill("#secret", "Volga-2026!")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_test_id("current-account").inner_text() == "104512367"


def test_sevastopol_registers_and_signs_in_with_the_control_code(
    live_server, phone_page, app, tenants, outbox, app_context
):
    make_account(tenants["sevastopol"], number="2045173", owner_surname="Кравченко")
    page, port = phone_page, live_server
    screenshot_login(page, port, "sevastopol")
    page.goto(url(port, "sevastopol", "/register"))
    page.fill("#account_number", "2045173")
    page.fill("#surname", "Кравченко")
    page.fill("#email", "kravchenko@example.com")
    page.fill("#password", "Sevastopol-44")
    page.fill("#password_confirmation", "Sevastopol-44")
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.goto(mailed_link(outbox, port))
    assert page.get_by_test_id("current-account").inner_text() == "2045173"
    page.get_by_role("button", name="Выйти").first.click()
    page.goto(url(port, "sevastopol", "/login"))
    page.fill("#identifier", "2045173")
    page.fill("#secret", "Sevastopol-44")
    solve_captcha(app, page, "sevastopol")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_test_id("current-account").inner_text() == "2045173"


def test_angarsk_signs_in_with_surname_and_account_number(
    live_server, phone_page, tenants, app_context
):
    make_account(tenants["angarsk"], number="204817", owner_surname="Алёшина")
    page, port = phone_page, live_server
    screenshot_login(page, port, "angarsk")
    page.get_by_role("link", name="По фамилии и лицевому счёту").click()
    page.fill("#identifier", "204817")
    page.fill("#secret", "алешина")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_test_id("current-account").inner_text() == "204817"


def test_moscow_registers_then_links_an_account_by_its_last_payment(
    live_server, phone_page, app, tenants, outbox, app_context
):
    moscow = tenants["moscow"]
    account = make_account(moscow, number="7012345678")
    with tenant_scope(moscow):
        db.session.add(
            Payment(
                account_id=account.id,
                paid_on=date(2026, 10, 12),
                amount_kopecks=123456,
                channel="card",
            )
        )
        db.session.flush()
    page, port = phone_page, live_server
    screenshot_login(page, port, "moscow")
    page.goto(url(port, "moscow", "/register"))
    page.fill("#full_name", "Смирнов Алексей Петрович")
    page.fill("#phone", "+7 916 555-12-34")
    page.fill("#email", "smirnov@example.com")
    page.fill("#login", "smirnov.ap")
    page.fill("#password", "Moskva-River-1")
    page.fill("#password_confirmation", "Moskva-River-1")
    page.check("#consent")
    solve_captcha(app, page, "moscow")
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.goto(mailed_link(outbox, port))
    page.goto(url(port, "moscow", "/settings"))
    page.fill("#number", "7012345678")
    page.fill("#proof", "1 234,56")
    page.get_by_role("button", name="Добавить лицевой счёт").click()
    page.goto(url(port, "moscow", "/cabinet"))
    assert page.get_by_test_id("current-account").inner_text() == "7012345678"


def test_novosibirsk_registers_sets_a_password_and_signs_in(
    live_server, phone_page, tenants, outbox, app_context
):
    make_account(
        tenants["novosibirsk"],
        number="11-0007785",
        private_house=True,
        owner_full_name="Кузнецова Ольга Ивановна",
        address="г. Новосибирск, ул. Дачная, д. 7",
    )
    page, port = phone_page, live_server
    screenshot_login(page, port, "novosibirsk")
    page.goto(url(port, "novosibirsk", "/register"))
    page.fill("#account_number", "11-7785")
    page.fill("#address", "Дачная 7")
    page.fill("#full_name", "Кузнецова Ольга Ивановна")
    page.fill("#email", "kuznetsova@example.com")
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.goto(mailed_link(outbox, port))
    page.fill("#password", "Ob-River-2026")
    page.fill("#password_confirmation", "Ob-River-2026")
    page.get_by_role("button", name="Сохранить и войти").click()
    assert page.get_by_test_id("current-account").inner_text() == "11-0007785"
    page.get_by_role("button", name="Выйти").first.click()
    page.goto(url(port, "novosibirsk", "/login"))
    page.fill("#identifier", "11-7785")
    page.fill("#secret", "Ob-River-2026")
    page.check("#remember")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_test_id("current-account").inner_text() == "11-0007785"


@pytest.mark.parametrize("slug", ["cheboksary", "moscow"])
def test_login_page_fits_a_phone(live_server, phone_page, slug):
    phone_page.goto(url(live_server, slug, "/login"))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_page.locator("label[for=identifier]").is_visible()
