"""Driving the app's HTML forms from tests: CSRF tokens, form posts, tenant hosts."""

from __future__ import annotations

import re

CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def base(slug: str | None) -> str:
    """Base URL of a tenant host (or of the platform host for None) on the test domain."""
    return f"http://{slug}.localhost" if slug else "http://localhost"


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on `page`."""
    match = CSRF.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def submit(
    client,
    slug: str | None,
    path: str,
    data: dict,
    *,
    form_page: str | None = None,
    follow: bool = False,
):
    """GET `form_page` (default: `path`) for a CSRF token, then POST `data` to `path`."""
    page = client.get(form_page or path, base_url=base(slug)).get_data(as_text=True)
    payload = {"csrf_token": csrf_token(page), **data}
    return client.post(path, base_url=base(slug), data=payload, follow_redirects=follow)


def text(response) -> str:
    return response.get_data(as_text=True)


CHALLENGE = re.compile(r'name="(\w+)_challenge" value="([^"]+)"')


def solve_captcha(app, client, slug: str | None, page: str) -> dict[str, str]:
    """Form data answering the image captcha on `page` (read from the client's session); empty
    when the page has no captcha."""
    from app.captcha.challenges import answer_for_tests

    match = CHALLENGE.search(page)
    if match is None:
        return {}
    field, challenge_id = match.groups()
    host = base(slug).removeprefix("http://")
    cookie = client.get_cookie("session", domain=host)
    headers = {"Cookie": f"session={cookie.value}"} if cookie else {}
    with app.test_request_context("/", base_url=base(slug), headers=headers):
        answer = answer_for_tests(challenge_id)
    return {field: answer, f"{field}_challenge": challenge_id}


def sign_in(client, slug: str, data: dict, mode: str | None = None, follow: bool = False):
    """Post the resident login form of `slug` (in login mode `mode`) with `data`."""
    path = f"/login?mode={mode}" if mode else "/login"
    return submit(client, slug, path, data, follow=follow)
