"""Issue 6 in a real browser, on a desktop and on a phone: an operator fills the onboarding form on
the platform host, the new utility's invited admin opens the rules editor, changes the reading
window, previews the next windows in the utility's time zone and saves. Screenshots of every step
go to the artifacts folder."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot
from tests.test_platform_auth import make_operator

SLUG = "elizovo"
ADMIN_EMAIL = "glavnyi@vodokanal-41.example"
ADMIN_PASSWORD = "Kamchatka-vodokanal-41"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}

ONBOARDING = {
    "#slug": SLUG,
    "#name": "МУП «Елизовский водоканал»",
    "#short_name": "Елизовский водоканал",
    "#city": "Елизово",
    "#time_zone": "Asia/Kamchatka",
    "#phone": "+7 41531 6-11-11",
    "#settlements": "elizovo г. Елизово\nparatunka пос. Паратунка",
    "#recipient": "МУП «Елизовский водоканал»",
    "#inn": "2130001016",
    "#kpp": "213001001",
    "#bank_name": "Чувашское отделение № 8613 ПАО Сбербанк",
    "#bic": "049706609",
    "#settlement_account": "40702810507500001234",
    "#correspondent_account": "30101810300000000609",
    "#admin_name": "Беринг Витус Ионович",
    "#admin_email": ADMIN_EMAIL,
}


@pytest.fixture(params=list(VIEWPORTS))
def browser_page(request, chromium):
    """A Russian-speaking browser tab at desktop or phone size; `.viewport_name` says which."""
    context = chromium.new_context(viewport=VIEWPORTS[request.param], locale="ru-RU")
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()


def fits(page) -> None:
    """Nothing is wider than the window: no sideways scrolling, whatever the device."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def shot(page, step: str) -> None:
    fits(page)
    assert screenshot(page, f"onboarding-{page.viewport_name}-{step}").stat().st_size > 10_000


def invitation_link(outbox, port: int) -> str:
    (mail,) = [m for m in outbox() if m["To"] == ADMIN_EMAIL]
    body = mail.get_body(("plain",)).get_content()
    path = re.search(rf"http://{SLUG}\.localhost(?::\d+)?(/admin/invitation/\S+)", body).group(1)
    return f"http://{SLUG}.localhost:{port}{path}"


def test_operator_onboards_and_the_admin_edits_the_window_in_the_rules_editor(
    live_server, browser_page, app_context, outbox
):
    page, port = browser_page, live_server
    make_operator()
    platform = f"http://localhost:{port}"

    # The operator signs in on the platform host and fills the onboarding form.
    page.goto(f"{platform}/platform/login")
    page.fill("#login", "operator")
    page.fill("#password", "Vodokabinet-2026")
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{platform}/platform/tenants/new")
    assert page.get_by_role("heading", name="Подключить водоканал по образцу").is_visible()
    page.select_option("#template", "cheboksary")  # settlement + account login, 20th–25th
    for selector, value in ONBOARDING.items():
        page.fill(selector, value)
    page.fill("#primary_colour", "#2d5a27")
    page.fill("#accent_colour", "#e07a1f")
    shot(page, "1-form")
    page.get_by_role("button", name="Подключить и пригласить администратора").click()
    page.wait_for_url(f"{platform}/platform/tenants/{SLUG}")
    assert page.get_by_role("heading", level=1).inner_text() == "МУП «Елизовский водоканал»"
    notice = page.get_by_text("Водоканал «МУП «Елизовский водоканал»» подключён")
    assert notice.is_visible()
    assert f"Приглашение администратору отправлено на {ADMIN_EMAIL}" in notice.inner_text()
    assert page.get_by_test_id("invitations").inner_text().endswith(ADMIN_EMAIL)
    assert page.get_by_text("Asia/Kamchatka").is_visible()
    shot(page, "2-created")

    # The invited admin opens the mailed link on the new subdomain and chooses a password.
    page.goto(invitation_link(outbox, port))
    assert page.get_by_role("heading", name="Приглашение в кабинет сотрудника").is_visible()
    page.fill("#login", "bering")
    page.fill("#password", ADMIN_PASSWORD)
    page.fill("#confirmation", ADMIN_PASSWORD)
    shot(page, "3-invitation")
    page.get_by_role("button", name="Войти в кабинет сотрудника").click()
    page.wait_for_url(f"http://{SLUG}.localhost:{port}/admin")

    # The rules editor: the window copied from the template (20th–25th) becomes the 15th–19th.
    page.goto(f"http://{SLUG}.localhost:{port}/admin/rules/readings")
    assert page.get_by_role("heading", name="Правила: Приём показаний").is_visible()
    assert page.input_value("#rule-readings-window-first-day") == "20"
    page.fill("#rule-readings-window-first-day", "15")
    page.fill("#rule-readings-window-last-day", "19")
    with page.expect_navigation():
        page.get_by_role("button", name="Предпросмотр").click()
    assert page.get_by_text("Это предпросмотр: правила ещё не сохранены.").is_visible()
    preview = page.get_by_test_id("windows-preview")
    assert "по правилам из формы" in preview.get_by_role("heading").inner_text()
    assert "Asia/Kamchatka" in preview.inner_text()
    opens = preview.get_by_test_id("window-opens").all_inner_texts()
    last_days = preview.get_by_test_id("window-last-day").all_inner_texts()
    assert len(opens) == 12
    assert all(", 15." in day for day in opens) and all(", 19." in day for day in last_days)
    shot(page, "4-preview")
    with page.expect_navigation():  # the preview's page has the same address as the saved one
        page.get_by_role("button", name="Сохранить").click()
    assert page.get_by_text("Сохранено: изменено 2 ключа.").is_visible()
    assert page.input_value("#rule-readings-window-first-day") == "15"
    assert page.input_value("#rule-readings-window-last-day") == "19"
    shot(page, "5-saved")

    # The audit log names the admin and both keys, old → new.
    page.goto(f"http://{SLUG}.localhost:{port}/admin/audit?action=rules.update")
    changes = {
        entry.get_by_test_id("audit-target").inner_text(): (
            entry.get_by_test_id("audit-old").inner_text(),
            entry.get_by_test_id("audit-new").inner_text(),
        )
        for entry in page.get_by_test_id("audit-entry").all()
    }
    assert changes == {
        "readings.window.first_day": ("20", "15"),
        "readings.window.last_day": ("25", "19"),
    }
    assert page.get_by_test_id("audit-actor").first.inner_text().startswith("Сотрудник: bering")
    shot(page, "6-audit")
