"""Each tenant host shows its own utility and branding in a real browser, at phone width (issue 2)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import SLUGS


def _rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


@pytest.mark.parametrize("slug", SLUGS)
def test_tenant_home_shows_its_utility_and_branding_at_360px(
    live_server, phone_page, tenants, slug
):
    tenant = tenants[slug]
    phone_page.goto(f"http://{slug}.localhost:{live_server}/")
    assert phone_page.get_by_test_id("utility-name").inner_text() == tenant.config.short_name
    assert tenant.config.name in phone_page.locator("h1").inner_text()
    header_colour = phone_page.locator(".site-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert header_colour == _rgb(tenant.config.branding.primary_colour)
    overflow = phone_page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 360, "the page must not scroll sideways on a 360 px phone"
    assert screenshot(phone_page, f"{slug}-home-360").stat().st_size > 10_000


def test_platform_host_lists_the_utilities(live_server, phone_page):
    phone_page.goto(f"http://localhost:{live_server}/")
    links = phone_page.get_by_test_id("directory").get_by_role("link")
    assert links.count() == len(SLUGS)
    links.filter(has_text="Новосибирск").click()
    phone_page.wait_for_url(f"http://novosibirsk.localhost:{live_server}/")
    assert phone_page.get_by_test_id("utility-name").inner_text() == "Горводоканал"
    screenshot(phone_page, "platform-360")
