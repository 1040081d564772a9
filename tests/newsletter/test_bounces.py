"""Bounces: the mail provider's webhook (django-anymail, here Postmark's recorded payload)
records each bounce and stops mailing addresses that hard-bounce."""

import base64
import json
from pathlib import Path

import pytest
from django.test import Client

from newsletter import services
from newsletter.models import Bounce, Delivery, Subscriber
from newsletter.sending import deliver_issue
from tests.newsletter.factories import IssueFactory, SubscriberFactory
from tests.newsletter.test_sending import ready_issue

pytestmark = pytest.mark.django_db

URL = "/newsletter/anymail/postmark/tracking/"
SECRET = "postmark:s3cret-webhook-password"
RECORDED = json.loads((Path(__file__).parent / "payloads" / "postmark_bounce.json").read_text())


@pytest.fixture
def webhook(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()

    def post(payload, authorization=auth):
        headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
        return Client(enforce_csrf_checks=True).post(
            URL, json.dumps(payload), content_type="application/json", **headers
        )

    return post


def test_a_hard_bounce_suppresses_the_address(webhook):
    subscriber = SubscriberFactory(email="gone@example.net")
    response = webhook(RECORDED)
    assert response.status_code == 200
    bounce = Bounce.objects.get()
    assert (bounce.provider, bounce.event_type, bounce.hard) == ("Postmark", "bounced", True)
    assert bounce.event_id == "4323372036854775807"
    assert "does not exist" in bounce.description or "unable to deliver" in bounce.description
    subscriber.refresh_from_db()
    assert subscriber.bounced_at is not None and not subscriber.is_receiving
    assert bounce.subscriber == subscriber


def test_a_suppressed_address_gets_no_further_issue(webhook, staff):
    SubscriberFactory(email="gone@example.net")
    SubscriberFactory(email="fine@example.net")
    webhook(RECORDED)
    issue = ready_issue()
    run = services.issue_send(actor=staff, issue=issue)
    assert run.recipients == 1
    deliver_issue(issue_id=issue.pk)
    assert list(Delivery.objects.values_list("subscriber__email", flat=True)) == [
        "fine@example.net"
    ]


def test_a_soft_bounce_is_recorded_but_does_not_suppress(webhook):
    subscriber = SubscriberFactory(email="gone@example.net")
    webhook({**RECORDED, "Type": "SoftBounce", "TypeCode": 4096, "ID": 99})
    bounce = Bounce.objects.get()
    assert bounce.hard is False
    subscriber.refresh_from_db()
    assert subscriber.is_receiving


def test_a_spam_complaint_unsubscribes(webhook):
    subscriber = SubscriberFactory(email="gone@example.net")
    webhook({**RECORDED, "RecordType": "SpamComplaint", "Type": "SpamComplaint", "ID": 7})
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None and subscriber.bounced_at is None


def test_the_same_event_delivered_twice_is_recorded_once(webhook):
    SubscriberFactory(email="gone@example.net")
    assert webhook(RECORDED).status_code == 200
    assert webhook(RECORDED).status_code == 200
    assert Bounce.objects.count() == 1


def test_a_bounce_for_an_unknown_address_is_kept_for_the_record(webhook):
    webhook({**RECORDED, "Email": "stranger@example.org"})
    bounce = Bounce.objects.get()
    assert bounce.subscriber is None and bounce.email == "stranger@example.org"


def test_deliveries_and_opens_are_not_bounces(webhook):
    SubscriberFactory(email="gone@example.net")
    webhook(
        {
            "RecordType": "Delivery",
            "MessageID": "x",
            "Recipient": "gone@example.net",
            "DeliveredAt": "2026-05-01T03:33:54Z",
        }
    )
    assert not Bounce.objects.exists()
    assert Subscriber.objects.get().is_receiving


def test_the_webhook_refuses_wrong_credentials(webhook):
    subscriber = SubscriberFactory(email="gone@example.net")
    wrong = "Basic " + base64.b64encode(b"postmark:guess").decode()
    assert webhook(RECORDED, authorization=wrong).status_code == 400
    assert webhook(RECORDED, authorization=None).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.is_receiving and not Bounce.objects.exists()


def test_without_a_configured_secret_the_webhook_does_not_exist(settings, client):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    SubscriberFactory(email="gone@example.net")
    response = client.post(URL, json.dumps(RECORDED), content_type="application/json")
    assert response.status_code == 404
    assert Subscriber.objects.get().is_receiving


def test_staff_see_bounces_and_can_lift_a_suppression(webhook, client_for):
    subscriber = SubscriberFactory(email="gone@example.net")
    webhook(RECORDED)
    staff = client_for("staff")
    assert "gone@example.net" in staff.get("/admin/newsletter/bounce/").content.decode()
    staff.post(
        "/admin/newsletter/subscriber/",
        {"action": "lift_suppression", "_selected_action": [subscriber.pk]},
    )
    subscriber.refresh_from_db()
    assert subscriber.is_receiving
    IssueFactory()  # nothing else breaks
