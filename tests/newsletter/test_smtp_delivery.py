"""End to end over real SMTP: an aiosmtpd server on loopback receives the issue as HTML and
plain text, with one-click unsubscribe headers (RFC 8058) that work."""

import email
import email.policy
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.utils import timezone

from newsletter import services
from newsletter.models import Delivery, NewsletterIssue, Subscriber
from newsletter.tasks import send_issue
from tests.newsletter.factories import IssueFactory, SubscriberFactory


class Inbox:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.mark.django_db
def test_an_issue_travels_over_smtp_with_both_parts_and_unsubscribe_headers(
    smtp_server, settings, staff
):
    settings.SITE_URL = "https://kyodo.example.jp"
    issue = IssueFactory(
        number=205,
        title="協働のまちづくり特集",
        body="## 特集\n\n**市民活動**の輪が広がっています。<script>alert(1)</script>",
    )
    readers = [SubscriberFactory(email=f"reader{n}@example.net") for n in range(3)]
    services.issue_test_send(actor=staff, issue=issue)
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["staff@example.org"]]

    services.issue_send(actor=staff, issue=issue)
    assert send_issue(issue_id=issue.pk) == {"sent": 3, "failed": 0, "skipped": 0}

    envelopes = smtp_server.envelopes[1:]
    assert sorted(e.rcpt_tos[0] for e in envelopes) == sorted(r.email for r in readers)
    message = email.message_from_bytes(envelopes[0].content, policy=email.policy.default)
    assert "第205号" in message["Subject"] and "協働のまちづくり特集" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "市民活動" in plain and "https://kyodo.example.jp/newsletter/205/" in plain
    assert "<strong>市民活動</strong>" in html and "<h2>特集</h2>" in html
    assert "<script>" not in html

    # RFC 8058: an https link in List-Unsubscribe and the one-click POST marker.
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = [p.strip().strip("<>") for p in message["List-Unsubscribe"].split(",")]
    https = next(link for link in links if link.startswith("https://kyodo.example.jp/"))
    assert any(link.startswith("mailto:") for link in links)
    assert message["Message-ID"]
    recipient = envelopes[0].rcpt_tos[0]
    assert (
        Delivery.objects.get(subscriber__email=recipient).message_id
        == message["Message-ID"].strip()
    )

    # A mail program's one-click button: a bare POST, no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(https).path, "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 200
    subscriber = Subscriber.objects.get(email=recipient)
    assert subscriber.unsubscribed_at is not None
    assert subscriber.unsubscribed_at <= timezone.now()
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.PUBLISHED


@pytest.mark.django_db
def test_a_confirmation_mail_travels_over_smtp(
    smtp_server, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/newsletter/subscribe/", {"email": "new@example.jp", "agree": "on"})
    [envelope] = smtp_server.envelopes
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["new@example.jp"]
    assert "/newsletter/confirm/" in message.get_body(preferencelist=("plain",)).get_content()
