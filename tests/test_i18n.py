"""Russian first, English on request; tenant-local wording of rules (issue 2 §6)."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale

from tests.conftest import ROOT, host


def test_pages_are_russian_by_default(client):
    page = client.get("/", headers={"Host": host("angarsk")}).get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert "Личный кабинет абонента" in page
    assert "с 1 по 26 число каждого месяца" in page


def test_moscow_window_is_described_with_russian_plurals(client):
    page = client.get("/", headers={"Host": host("moscow")}).get_data(as_text=True)
    assert (
        "последние 2 рабочих дня месяца и первые 2 рабочих дня следующего месяца, "
        "включая выходные между ними"
    ) in page


def test_sevastopol_window_crosses_the_month(client):
    page = client.get("/", headers={"Host": host("sevastopol")}).get_data(as_text=True)
    assert "с 20-го числа до 2-го числа следующего месяца" in page


def test_english_is_chosen_with_the_language_switch(client):
    base = f"http://{host('moscow')}"
    home = client.get("/", base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
    response = client.post(
        "/language", base_url=base, data={"locale": "en", "next": "/", "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/", base_url=base).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Resident portal" in page
    assert "the last 2 working days of the month" in page
    assert "АО «Мосводоканал»" in page  # the utility's own name is not translated


def test_language_switch_needs_the_csrf_token(client):
    response = client.post(
        "/language", headers={"Host": host("moscow")}, data={"locale": "en", "next": "/"}
    )
    assert response.status_code == 400


def test_language_switch_never_redirects_off_the_host(client):
    client.get("/", headers={"Host": host("moscow")})
    home = client.get("/", headers={"Host": host("moscow")}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/language",
            headers={"Host": host("moscow")},
            data={"locale": "ru", "next": target, "csrf_token": token},
        )
        assert response.headers["Location"] == "/"


def test_every_message_has_an_english_translation():
    with (ROOT / "app/translations/messages.pot").open("rb") as file:
        template = read_po(file)
    with (ROOT / "app/translations/en/LC_MESSAGES/messages.po").open("rb") as file:
        english = read_po(file)
    untranslated = [
        m.id for m in template if m.id and not (english.get(m.id) and english.get(m.id).string)
    ]
    assert untranslated == []


def test_templates_follow_a_forced_locale_and_return_to_the_request_one(app):
    # Templates keep the request's translations (app.i18n): forcing a locale must still show.
    with app.test_request_context("/", headers={"Host": host("moscow")}):
        assert render_template_string("{{ _('Кабинет') }}") == "Кабинет"
        with force_locale("en"):
            assert render_template_string("{{ _('Кабинет') }}") == "Portal"
        assert render_template_string("{{ _('Кабинет') }}") == "Кабинет"
