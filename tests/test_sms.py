"""SMS (issue 7): Russian mobile numbers in E.164, texts kept to one or two segments, delivered
to the development outbox or to the provider's HTTP API (a fake provider on 127.0.0.1 here)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from app.jobs import enqueue
from app.sms import InvalidNumber, count_segments, fit_segments, send_sms, sms_number
from app.sms.backends import SmsRefused
from app.tenancy.context import tenant_scope
from tests.conftest import make_test_app

CYRILLIC = "Приём показаний открыт"


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "gsm7", 1),
        ("a" * 161, "gsm7", 2),
        ("a" * 306, "gsm7", 2),  # 153 per part when concatenated
        ("a" * 307, "gsm7", 3),
        ("€" * 80, "gsm7", 1),  # an extension character takes two septets
        ("€" * 81, "gsm7", 2),
        ("я" * 70, "ucs2", 1),
        ("я" * 71, "ucs2", 2),
        ("я" * 134, "ucs2", 2),  # 67 per part when concatenated
        ("я" * 135, "ucs2", 3),
        ("a" * 69 + "я", "ucs2", 1),  # one Cyrillic letter makes the whole text UCS-2
        ("💧" * 35, "ucs2", 1),  # outside the BMP: two UTF-16 units each
        ("💧" * 36, "ucs2", 2),
    ],
)
def test_segment_count(text, encoding, segments):
    counted = count_segments(text)
    assert (counted.encoding, counted.segments) == (encoding, segments)


def test_a_long_text_is_cut_to_two_segments_at_a_word():
    text = " ".join([CYRILLIC] * 20)
    fitted = fit_segments(text)
    assert count_segments(fitted).segments == 2
    assert fitted.endswith("…")
    assert text.startswith(fitted[:-1])
    assert text[len(fitted) - 1] == " "  # cut between words
    assert fit_segments(CYRILLIC) == CYRILLIC
    assert count_segments(fit_segments(text, max_segments=1)).segments == 1


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("8 (912) 345-67-89", "+79123456789"),
        ("+7 912 345 67 89", "+79123456789"),
        ("9123456789", "+79123456789"),
    ],
)
def test_russian_mobile_numbers_become_e164(raw, e164):
    assert sms_number(raw) == e164


@pytest.mark.parametrize(
    "raw", ["+7 495 123-45-67", "+7 727 123 45 67", "+49 151 23456789", "", "12"]
)
def test_landlines_foreign_and_garbage_numbers_are_refused(raw):
    with pytest.raises(InvalidNumber):
        sms_number(raw)


def _sent(app) -> list[dict]:
    from pathlib import Path

    from tests.support.outbox import deliver_queued_jobs

    deliver_queued_jobs(app)
    directory = Path(app.config["SMS_OUTBOX_DIR"])
    return [json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))]


def test_outbox_backend_writes_one_json_file_per_message(test_database, tmp_path):
    app = make_test_app(test_database, tmp_path, SMS_OUTBOX_DIR=str(tmp_path / "sms"))
    with app.app_context():
        sms_id = send_sms("8 912 345-67-89", " ".join([CYRILLIC] * 20))
        [sms] = _sent(app)
    assert sms["id"] == sms_id
    assert sms["to"] == "+79123456789"
    assert count_segments(sms["text"]).segments == 2


def test_a_queued_sms_keeps_the_id_it_was_given_when_queued(test_database, tmp_path, tenants):
    app = make_test_app(test_database, tmp_path, SMS_OUTBOX_DIR=str(tmp_path / "sms"))
    with app.app_context(), tenant_scope(tenants["angarsk"]):
        for _attempt in range(2):  # a job delivered twice
            enqueue("sms.send", to="+79123456789", text=CYRILLIC, sms_id="a" * 32)
        sent = _sent(app)
    assert [sms["id"] for sms in sent] == ["a" * 32, "a" * 32]


class FakeProvider(BaseHTTPRequestHandler):
    """Records each POST; answers with the status the test sets."""

    received: ClassVar[list[dict]] = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        FakeProvider.received.append(
            {
                "auth": self.headers["Authorization"],
                "type": self.headers["Content-Type"],
                "body": json.loads(body),
            }
        )
        self.send_response(FakeProvider.status)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *_args):
        pass


@pytest.fixture
def provider():
    FakeProvider.received, FakeProvider.status = [], 200
    server = HTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()
    server.server_close()


def _http_app(test_database, tmp_path, url):
    return make_test_app(
        test_database,
        tmp_path,
        SMS_BACKEND="http",
        SMS_URL=url,
        SMS_KEY="key-123",
        SMS_SENDER="Vodokanal",
    )


def test_http_backend_posts_json_with_the_key(test_database, tmp_path, provider):
    app = _http_app(test_database, tmp_path, provider)
    with app.app_context():
        sms_id = send_sms("+79123456789", CYRILLIC)
    [request] = FakeProvider.received
    assert request["auth"] == "Bearer key-123"
    assert request["type"].startswith("application/json")
    assert request["body"] == {
        "id": sms_id,
        "to": "+79123456789",
        "text": CYRILLIC,
        "sender": "Vodokanal",
    }


def test_http_backend_raises_when_the_provider_refuses(test_database, tmp_path, provider):
    FakeProvider.status = 503
    app = _http_app(test_database, tmp_path, provider)
    with app.app_context(), pytest.raises(SmsRefused, match="503"):
        send_sms("+79123456789", CYRILLIC)


def test_unknown_backend_fails_clearly(test_database, tmp_path):
    app = make_test_app(test_database, tmp_path, SMS_BACKEND="pigeon")
    with app.app_context(), pytest.raises(ValueError, match="SMS_BACKEND='pigeon'"):
        send_sms("+79123456789", CYRILLIC)
