"""The self-hosted captcha: image or question in words, single use, nothing readable in the cookie."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import time
import zlib

import pytest
from flask import Blueprint, render_template_string
from flask_wtf import FlaskForm
from PIL import Image

from app.captcha import challenges
from app.captcha.challenges import answer_for_tests, check_answer, issue_challenge
from app.captcha.fields import CaptchaField
from tests.conftest import IsolatedClient, make_test_app

BASE_URL = "http://sevastopol.localhost"
DOMAIN = "sevastopol.localhost"
WRONG = "Неверный контрольный код. Введите код с новой картинки."
NUMBERS = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
NUMBERS += ("десять",)

PAGE = """{% from "partials/captcha.html" import captcha_field %}
<form method="post">{{ form.csrf_token }}{{ captcha_field(form.code) }}<button>OK</button></form>"""


class HostClient(IsolatedClient):
    """A test client whose requests all go to one host, so its cookies stick."""

    host_url = BASE_URL

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", self.host_url)
        return super().open(*args, **kwargs)


class DemoForm(FlaskForm):
    code = CaptchaField()


def demo_page():
    form = DemoForm()
    if form.validate_on_submit():
        return "принято"
    return render_template_string(PAGE, form=form)


@pytest.fixture(scope="module")
def captcha_app(test_database, tmp_path_factory):
    app = make_test_app(test_database, tmp_path_factory.mktemp("captcha"))
    app.test_client_class = HostClient
    demo = Blueprint("captcha_demo", __name__)
    demo.realm = "any"
    demo.add_url_rule("/captcha-demo", view_func=demo_page, methods=["GET", "POST"])
    app.register_blueprint(demo)
    yield app
    if app.config["REDIS_URL"]:  # the used-id markers live in the limiter's storage
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        for key in client.scan_iter(f"*{app.config['REDIS_PREFIX']}:captcha-used:*"):
            client.delete(key)
        client.close()


@pytest.fixture
def browser(captcha_app):
    return captcha_app.test_client()


def _challenge_id(page: str) -> str:
    return re.search(r'name="code_challenge" value="([^"]+)"', page).group(1)


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _session_cookie(browser) -> str:
    return browser.get_cookie("session", domain=DOMAIN).value


def _image_code(app, browser, challenge_id: str) -> str:
    cookie = f"session={_session_cookie(browser)}"
    with app.test_request_context("/", base_url=BASE_URL, headers={"Cookie": cookie}):
        return answer_for_tests(challenge_id)


def _open_form(browser, query: str = "") -> tuple[str, str, str]:
    page = browser.get(f"/captcha-demo{query}").get_data(as_text=True)
    return page, _challenge_id(page), _csrf(page)


def _submit(browser, challenge_id: str, csrf: str, answer: str, query: str = ""):
    data = {"csrf_token": csrf, "code": answer, "code_challenge": challenge_id}
    return browser.post(f"/captcha-demo{query}", data=data)


def _solve_question(question: str) -> str:
    match = re.search(r"Сколько будет (\w+) (плюс|минус) (\w+)\? Ответ введите цифрами\.", question)
    left, right = NUMBERS.index(match.group(1)), NUMBERS.index(match.group(3))
    return str(left + right if match.group(2) == "плюс" else left - right)


def _cookie_payload(cookie: str) -> str:
    payload = cookie.split(".")[1] if cookie.startswith(".") else cookie.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if cookie.startswith(".") else raw).decode()


def test_captcha_image_is_a_png_that_is_never_cached(browser):
    page, challenge_id, _ = _open_form(browser)
    assert f'src="/captcha/{challenge_id}.png"' in page

    response = browser.get(f"/captcha/{challenge_id}.png")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    assert image.size == challenges.IMAGE_SIZE


def test_image_of_an_unknown_or_foreign_challenge_is_404(captcha_app, browser):
    _, challenge_id, _ = _open_form(browser)
    stranger = captcha_app.test_client()

    assert browser.get("/captcha/not-a-challenge.png").status_code == 404
    assert stranger.get(f"/captcha/{challenge_id}.png").status_code == 404


def test_captcha_works_on_the_platform_host(captcha_app):
    platform = captcha_app.test_client()
    platform.host_url = "http://localhost"
    page = platform.get("/captcha-demo").get_data(as_text=True)
    assert platform.get(f"/captcha/{_challenge_id(page)}.png").status_code == 200


def test_correct_answer_passes_once(captcha_app, browser):
    _, challenge_id, csrf = _open_form(browser)
    code = _image_code(captcha_app, browser, challenge_id)

    assert _submit(browser, challenge_id, csrf, f" {code} ").get_data(as_text=True) == "принято"
    again = _submit(browser, challenge_id, csrf, code).get_data(as_text=True)
    assert WRONG in again
    assert browser.get(f"/captcha/{challenge_id}.png").status_code == 404


def test_replaying_the_old_session_cookie_is_refused(captcha_app, browser):
    _, challenge_id, csrf = _open_form(browser)
    code = _image_code(captcha_app, browser, challenge_id)
    old_cookie = _session_cookie(browser)
    assert _submit(browser, challenge_id, csrf, code).get_data(as_text=True) == "принято"

    browser.set_cookie("session", old_cookie, domain=DOMAIN)
    replay = _submit(browser, challenge_id, csrf, code).get_data(as_text=True)

    assert WRONG in replay


def test_wrong_answer_is_refused_and_a_new_challenge_shown(captcha_app, browser):
    _, challenge_id, csrf = _open_form(browser)
    code = _image_code(captcha_app, browser, challenge_id)
    wrong = str((int(code) + 1) % 100000).zfill(5)

    page = _submit(browser, challenge_id, csrf, wrong).get_data(as_text=True)

    assert WRONG in page
    fresh_id = _challenge_id(page)
    assert fresh_id != challenge_id
    assert browser.get(f"/captcha/{fresh_id}.png").status_code == 200
    assert browser.get(f"/captcha/{challenge_id}.png").status_code == 404


def test_wrong_answer_uses_up_the_challenge(captcha_app, browser):
    _, challenge_id, csrf = _open_form(browser)
    code = _image_code(captcha_app, browser, challenge_id)
    old_cookie = _session_cookie(browser)
    _submit(browser, challenge_id, csrf, "00000" if code != "00000" else "11111")

    browser.set_cookie("session", old_cookie, domain=DOMAIN)
    assert WRONG in _submit(browser, challenge_id, csrf, code).get_data(as_text=True)


def test_expired_challenge_is_refused(captcha_app, browser, monkeypatch):
    _, challenge_id, csrf = _open_form(browser)
    code = _image_code(captcha_app, browser, challenge_id)
    later = time.time() + challenges.LIFETIME_SECONDS + 1
    monkeypatch.setattr(challenges, "_now", lambda: later)

    assert WRONG in _submit(browser, challenge_id, csrf, code).get_data(as_text=True)


def test_session_cookie_never_holds_the_code_in_clear(captcha_app, browser, monkeypatch):
    monkeypatch.setattr(challenges, "_random_code", lambda: "48213")
    monkeypatch.setattr(challenges, "_now", lambda: 1_800_000_000.0)
    _, challenge_id, _ = _open_form(browser)
    payload = _cookie_payload(_session_cookie(browser))

    assert challenge_id in payload  # the decoding is right: the challenge is in there
    assert "48213" not in payload
    assert _image_code(captcha_app, browser, challenge_id) == "48213"


def test_at_most_five_challenges_wait_in_the_session(browser):
    ids = [_open_form(browser)[1] for _ in range(7)]

    entries = json.loads(_cookie_payload(_session_cookie(browser)))[challenges.SESSION_KEY]

    assert [entry["id"] for entry in entries] == ids[-5:]
    assert browser.get(f"/captcha/{ids[0]}.png").status_code == 404


def test_text_alternative_asks_in_russian_and_accepts_the_digits(browser):
    query = "?next=%2Freadings&captcha=text"
    page, challenge_id, csrf = _open_form(browser, query)
    question = html.unescape(
        re.search(r'<p class="captcha-question" id="code-question">(.*?)</p>', page).group(1)
    )

    assert "<img" not in page
    assert 'aria-describedby="code-question"' in page
    assert 'href="/captcha-demo?next=%2Freadings&amp;captcha=image"' in page
    assert html.escape("Вернуться к картинке") in page
    answer = _solve_question(question)
    response = _submit(browser, challenge_id, csrf, answer, query)
    assert response.get_data(as_text=True) == "принято"


def test_text_answer_must_be_digits(captcha_app, monkeypatch):
    monkeypatch.setattr(
        challenges, "_random_question", lambda: ("Сколько будет два плюс два?", "4")
    )
    with captcha_app.test_request_context("/", base_url=BASE_URL):
        words = issue_challenge("text")
        digits = issue_challenge("text")

        assert not check_answer(words.id, "четыре")
        assert check_answer(digits.id, " 4 ")


def test_form_is_accessible_and_offers_the_text_alternative(browser):
    page = _open_form(browser, "?next=%2Freadings")[0]

    assert '<label for="code">Контрольный код</label>' in page
    assert 'alt="Контрольный код: картинка с цифрами"' in page
    assert 'width="200" height="70"' in page
    assert 'inputmode="numeric"' in page
    assert 'autocomplete="off"' in page
    assert 'aria-describedby="code-hint"' in page
    assert 'id="code-hint"' in page
    assert 'href="/captcha-demo?next=%2Freadings&amp;captcha=text"' in page
    assert "Картинка не видна? Ответить на вопрос текстом" in page
    assert "Показать другой код" in page
    assert "captcha.css" in page
    assert "aria-invalid" not in page


def test_error_is_tied_to_the_input(captcha_app, browser):
    _, challenge_id, csrf = _open_form(browser)
    wrong = "98765" if _image_code(captcha_app, browser, challenge_id) != "98765" else "56789"

    page = _submit(browser, challenge_id, csrf, wrong).get_data(as_text=True)

    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="code-hint code-error"' in page
    assert f'<p class="error" id="code-error">{WRONG}</p>' in page
    assert wrong not in page  # a used answer is not echoed back
