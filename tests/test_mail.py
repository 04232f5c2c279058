"""Mail leaves through one `send_mail()`: `.eml` files in the outbox, or SMTP (issue: jobs and mail)."""

from __future__ import annotations

import re
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.mail import send_mail
from app.tenancy.context import tenant_scope
from tests.conftest import make_test_app
from tests.support.outbox import clear_outbox, outbox_dir, read_outbox

SUBJECT = "Подтвердите адрес электронной почты"
TEXT = "Здравствуйте, Иван Петрович!\nПерейдите по ссылке, чтобы подтвердить адрес.\n"
HTML = "<p>Здравствуйте, <b>Иван Петрович</b>!</p>"


@pytest.fixture
def outbox(app_context):
    clear_outbox(app_context)
    yield app_context
    clear_outbox(app_context)


def test_outbox_keeps_cyrillic_subject_and_both_parts(outbox):
    message_id = send_mail("resident@example.ru", SUBJECT, TEXT, HTML)

    [message] = read_outbox(outbox)
    assert message["Subject"] == SUBJECT
    assert message["To"] == "resident@example.ru"
    assert message["Message-ID"] == message_id
    assert message["Date"] is not None
    assert message.get_body(("plain",)).get_content() == TEXT
    assert message.get_body(("html",)).get_content().strip() == HTML
    assert message.get_content_type() == "multipart/alternative"


def test_plain_text_mail_has_a_single_utf8_part(outbox):
    send_mail(["a@example.ru", "b@example.ru"], SUBJECT, TEXT)

    [message] = read_outbox(outbox)
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert [a.addr_spec for a in message["To"].addresses] == ["a@example.ru", "b@example.ru"]


def test_mail_in_tenant_scope_comes_from_the_utility_and_replies_go_to_its_contacts(
    outbox, tenants
):
    with tenant_scope(tenants["moscow"]):
        send_mail("resident@example.ru", SUBJECT, TEXT)

    [message] = read_outbox(outbox)
    [sender] = message["From"].addresses
    assert sender.display_name == "Мосводоканал"
    assert sender.addr_spec == outbox.config["MAIL_DEFAULT_SENDER"]
    assert message["Reply-To"] == "post@mosvodokanal.ru"


def test_tenant_without_contact_email_sets_no_reply_to(outbox, tenants):
    with tenant_scope(tenants["cheboksary"]):
        send_mail("resident@example.ru", SUBJECT, TEXT)

    [message] = read_outbox(outbox)
    assert message["From"].addresses[0].display_name == "Водоканал Чебоксары"
    assert message["Reply-To"] is None


def test_explicit_reply_to_and_headers_win(outbox, tenants):
    with tenant_scope(tenants["angarsk"]):
        send_mail(
            "resident@example.ru",
            SUBJECT,
            TEXT,
            reply_to="abonent@avk.example.ru",
            headers={"X-Vodokabinet-Kind": "confirmation"},
        )

    [message] = read_outbox(outbox)
    assert message["Reply-To"] == "abonent@avk.example.ru"
    assert message["X-Vodokabinet-Kind"] == "confirmation"


def test_platform_mail_has_the_plain_default_sender(outbox):
    send_mail("operator@example.ru", SUBJECT, TEXT)

    [message] = read_outbox(outbox)
    assert message["From"].addresses[0].display_name == ""
    assert message["Reply-To"] is None


def test_outbox_is_created_on_first_send_with_time_sortable_unique_names(test_database, tmp_path):
    app = make_test_app(test_database, tmp_path)
    with app.app_context():
        assert not outbox_dir(app).exists()
        for number in range(3):
            send_mail("resident@example.ru", f"Письмо {number}", TEXT)
        names = sorted(path.name for path in outbox_dir(app).iterdir())

        assert len(names) == 3
        assert all(re.fullmatch(r"\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{32}\.eml", name) for name in names)
        assert [m["Subject"] for m in read_outbox(app)] == ["Письмо 0", "Письмо 1", "Письмо 2"]


def test_unknown_backend_fails_clearly_at_first_send(test_database, tmp_path):
    app = make_test_app(test_database, tmp_path, MAIL_BACKEND="pigeon")
    with app.app_context(), pytest.raises(ValueError, match="MAIL_BACKEND='pigeon'"):
        send_mail("resident@example.ru", SUBJECT, TEXT)


class Collector:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.received.set()
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    logins = []

    def authenticate(_server, _session, _envelope, mechanism, auth_data):
        logins.append((mechanism, auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"secret", handled=False)

    collector = Collector()
    controller = Controller(
        collector,
        hostname="127.0.0.1",
        port=_free_port(),
        server_hostname="smtp.test",
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    collector.port, collector.logins = controller.port, logins
    yield collector
    controller.stop()


def _smtp_app(test_database, tmp_path, server, **overrides):
    return make_test_app(
        test_database,
        tmp_path,
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=server.port,
        **overrides,
    )


def test_smtp_delivers_recipient_subject_and_body(test_database, tmp_path, smtp_server, tenants):
    app = _smtp_app(test_database, tmp_path, smtp_server)
    with app.app_context(), tenant_scope(tenants["novosibirsk"]):
        message_id = send_mail("resident@example.ru", SUBJECT, TEXT, HTML)

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["resident@example.ru"]
    assert envelope.mail_from == app.config["MAIL_DEFAULT_SENDER"]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == SUBJECT
    assert message["Message-ID"] == message_id
    assert message["From"].addresses[0].display_name == "Горводоканал"
    assert message.get_body(("plain",)).get_content() == TEXT
    assert not smtp_server.logins  # no MAIL_USERNAME: no AUTH
    assert not outbox_dir(app).exists()


def test_smtp_logs_in_when_a_username_is_set(test_database, tmp_path, smtp_server):
    app = _smtp_app(
        test_database, tmp_path, smtp_server, MAIL_USERNAME="vodokabinet", MAIL_PASSWORD="secret"
    )
    with app.app_context():
        send_mail("resident@example.ru", SUBJECT, TEXT)

    assert [login for _mechanism, login, _password in smtp_server.logins] == [b"vodokabinet"]
    assert len(smtp_server.envelopes) == 1


def test_smtp_refusal_reaches_the_caller(test_database, tmp_path, smtp_server):
    import smtplib

    app = _smtp_app(
        test_database, tmp_path, smtp_server, MAIL_USERNAME="vodokabinet", MAIL_PASSWORD="wrong"
    )
    with app.app_context(), pytest.raises(smtplib.SMTPAuthenticationError):
        send_mail("resident@example.ru", SUBJECT, TEXT)
    assert not smtp_server.envelopes


LONG_SUBJECT = (
    "Водоканал: приём показаний приборов учёта заканчивается 25 ноября — успейте передать"
)
LONG_LINK = "<http://cheboksary.localhost/unsubscribe/" + "W" * 120 + ">"


def test_long_headers_are_folded_once_and_read_back_whole(test_database, tmp_path, smtp_server):
    app = _smtp_app(test_database, tmp_path, smtp_server)
    note = " ".join(["Примечание"] * 12)
    headers = {"List-Unsubscribe": LONG_LINK, "X-Note": note}
    with app.app_context():
        send_mail("resident@example.ru", LONG_SUBJECT, TEXT, HTML, headers=headers)
    app.config["MAIL_BACKEND"] = "outbox"
    with app.app_context():
        send_mail("resident@example.ru", LONG_SUBJECT, TEXT, HTML, headers=headers)
        [written] = read_outbox(app)

    [envelope] = smtp_server.envelopes
    over_smtp = message_from_bytes(envelope.original_content, policy=policy.default)
    for message in (over_smtp, written):
        assert message["Subject"] == LONG_SUBJECT
        assert message["List-Unsubscribe"] == LONG_LINK
        assert message["X-Note"] == note
    raw = envelope.original_content.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # SMTP lines end in CRLF only


def test_internationalised_domains_go_out_in_punycode(test_database, tmp_path, smtp_server):
    app = _smtp_app(
        test_database, tmp_path, smtp_server, MAIL_DEFAULT_SENDER="noreply@водокабинет.рф"
    )
    to = ["user@почта.рф", "Иван Петров <ivan@пример.рус>", "resident@example.ru"]
    with app.app_context():
        send_mail(to, SUBJECT, TEXT, HTML, reply_to="uchet@водоканал.рф")

    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "noreply@xn--80acbihrl1adb4c.xn--p1ai"
    assert envelope.rcpt_tos == [
        "user@xn--80a1acny.xn--p1ai",
        "ivan@xn--e1afmkfd.xn--p1acf",
        "resident@example.ru",
    ]
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    first, second, third = message["To"].addresses
    assert (first.username, first.domain) == ("user", "xn--80a1acny.xn--p1ai")
    assert (second.display_name, second.domain) == ("Иван Петров", "xn--e1afmkfd.xn--p1acf")
    assert third.addr_spec == "resident@example.ru"
    assert message["Reply-To"] == "uchet@xn--80aaei4aimeb.xn--p1ai"
    assert message.get_body(("plain",)).get_content() == TEXT
