"""An issue sent in the past, recorded in bulk (the demo's back issues): only the subscribers
receiving at that moment get it, each once; staff sent it after a test; an issue not published
by then is refused and nothing is written."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.models import AuditLog
from newsletter import history
from newsletter.models import Delivery, NewsletterIssue, SendRun
from newsletter.services import NewsletterError
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def _ago(days):
    return timezone.now() - dt.timedelta(days=days)


def test_only_the_subscribers_receiving_then_get_the_issue_once(staff):
    issue = IssueFactory(published_on=timezone.localdate() - dt.timedelta(days=10))
    sent_at = _ago(10)
    receiving = SubscriberFactory(confirmed_at=_ago(40), unsubscribed_at=_ago(2))
    refused = SubscriberFactory(email="gone@example.net", confirmed_at=_ago(40))
    SubscriberFactory(confirmed_at=None)  # never confirmed
    SubscriberFactory(confirmed_at=_ago(5))  # joined after the send
    SubscriberFactory(confirmed_at=_ago(40), unsubscribed_at=_ago(20))
    SubscriberFactory(confirmed_at=_ago(40), bounced_at=_ago(15))

    run = history.issue_send_record(
        actor=staff, issue=issue, sent_at=sent_at, failed={refused.email: "550 No such user"}
    )

    assert run.recipients == 2
    assert SendRun.objects.get().created_at == sent_at
    assert Delivery.objects.get(subscriber=receiving).sent_at == sent_at
    failed = Delivery.objects.get(subscriber=refused)
    assert (failed.status, failed.sent_at, failed.error) == ("failed", None, "550 No such user")
    issue.refresh_from_db()
    assert issue.test_sent_at == sent_at - dt.timedelta(hours=1)
    sent = AuditLog.objects.get(action="newsletter.issue_send")
    assert (sent.created_at, sent.actor, sent.data["recipients"]) == (sent_at, staff, 2)

    again = history.issue_send_record(actor=staff, issue=issue, sent_at=_ago(9))
    assert again.recipients == 0
    assert Delivery.objects.count() == 2


@pytest.mark.parametrize("case", ["draft", "published later", "in the future"])
def test_an_issue_the_product_could_not_have_sent_is_refused(staff, case):
    issue = IssueFactory(published_on=timezone.localdate() - dt.timedelta(days=10))
    SubscriberFactory(confirmed_at=_ago(40))
    sent_at = _ago(10)
    if case == "draft":
        NewsletterIssue.objects.filter(pk=issue.pk).update(status=NewsletterIssue.Status.DRAFT)
    elif case == "published later":
        sent_at = _ago(12)
    else:
        sent_at = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(NewsletterError):
        history.issue_send_record(actor=staff, issue=issue, sent_at=sent_at)
    assert not Delivery.objects.exists()
    assert not SendRun.objects.exists()
    assert not AuditLog.objects.exists()


def test_only_staff_record_a_send(member):
    with pytest.raises(PermissionDenied):
        history.issue_send_record(actor=member, issue=IssueFactory(), sent_at=_ago(1))
