"""What staff change in the newsletter's admin goes through its services, with an audit row
(issue #14 part 3): lifting a bounce suppression, editing and deleting issues, erasing a
subscriber, deleting a draft message; deliveries and bounces are never deleted."""

import pytest

from core.models import AuditLog
from newsletter.models import Bounce, Delivery, NewsletterIssue, OfficeMessage, Subscriber
from tests.admin_post import unchanged_post_data
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def _hard_bounce(email, subscriber=None):
    return Bounce.objects.create(
        email=email, subscriber=subscriber, provider="postmark", event_type="bounced", hard=True
    )


def test_lifting_a_suppression_is_audited_and_the_address_receives_mail_again(client_for, staff):
    subscriber = SubscriberFactory(email="gone@example.net")
    subscriber.bounced_at = subscriber.confirmed_at
    subscriber.save()
    _hard_bounce("gone@example.net", subscriber)
    assert not Subscriber.objects.receiving().filter(pk=subscriber.pk).exists()
    assert Bounce.objects.suppressing(["gone@example.net"]) == {"gone@example.net"}

    response = client_for("staff").post(
        "/admin/newsletter/subscriber/",
        {"action": "lift_suppression", "_selected_action": [subscriber.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert Subscriber.objects.receiving().filter(pk=subscriber.pk).exists()  # the newsletter
    assert Bounce.objects.suppressing(["gone@example.net"]) == set()  # the office's messages
    entry = AuditLog.objects.get(action="newsletter.bounce_lift")
    assert entry.actor == staff
    assert entry.target_id == str(subscriber.pk)
    assert entry.data["count"] == 1


def test_lifting_an_address_that_is_not_suppressed_writes_nothing(client_for):
    subscriber = SubscriberFactory()
    client_for("staff").post(
        "/admin/newsletter/subscriber/",
        {"action": "lift_suppression", "_selected_action": [subscriber.pk]},
    )
    assert not AuditLog.objects.filter(action="newsletter.bounce_lift").exists()


def test_the_bounces_list_lifts_an_address_that_is_no_subscriber(client_for, staff):
    bounce = _hard_bounce("rep@example.org")
    client_for("staff").post(
        "/admin/newsletter/bounce/", {"action": "lift", "_selected_action": [bounce.pk]}
    )
    bounce.refresh_from_db()
    assert bounce.lifted_at is not None
    entry = AuditLog.objects.get(action="newsletter.bounce_lift")
    assert entry.data == {"email": "rep@example.org", "count": 1}


def test_bounces_and_deliveries_are_never_deleted(client_for):
    subscriber = SubscriberFactory()
    bounce = _hard_bounce(subscriber.email, subscriber)
    delivery = Delivery.objects.create(issue=IssueFactory(), subscriber=subscriber)
    staff = client_for("staff")
    assert staff.get(f"/admin/newsletter/bounce/{bounce.pk}/delete/").status_code == 403
    assert staff.post(f"/admin/newsletter/delivery/{delivery.pk}/delete/").status_code == 403
    assert Bounce.objects.exists() and Delivery.objects.exists()


def test_saving_an_issue_unchanged_writes_nothing_and_an_edit_is_audited(client_for, staff):
    issue = IssueFactory(title="情報紙 春号")
    client = client_for("staff")
    url = f"/admin/newsletter/newsletterissue/{issue.pk}/change/"
    updated = NewsletterIssue.objects.get().updated_at
    data = unchanged_post_data(client.get(url))
    assert client.post(url, data).status_code == 302
    assert NewsletterIssue.objects.get().updated_at == updated
    assert not AuditLog.objects.exists()

    client.post(url, {**data, "title": "情報紙 春号（訂正）"})
    assert NewsletterIssue.objects.get().title == "情報紙 春号（訂正）"
    entry = AuditLog.objects.get()
    assert (entry.action, entry.actor, entry.data["fields"]) == (
        "newsletter.issue_update",
        staff,
        ["title"],
    )


def test_a_published_issue_is_not_deleted_a_draft_is_with_an_audit_row(client_for):
    published = IssueFactory()
    draft = IssueFactory(status=NewsletterIssue.Status.DRAFT, published_on=None)
    client = client_for("staff")
    assert (
        client.post(
            f"/admin/newsletter/newsletterissue/{published.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    client.post(f"/admin/newsletter/newsletterissue/{draft.pk}/delete/", {"post": "yes"})
    assert list(NewsletterIssue.objects.all()) == [published]
    entry = AuditLog.objects.get()
    assert entry.action == "newsletter.issue_delete"
    assert entry.data["number"] == draft.number


def test_erasing_a_subscriber_keeps_no_address_in_the_audit_log(client_for, staff):
    subscriber = SubscriberFactory(email="leave-me@example.net")
    client_for("staff").post(
        f"/admin/newsletter/subscriber/{subscriber.pk}/delete/", {"post": "yes"}
    )
    assert not Subscriber.objects.exists()
    entry = AuditLog.objects.get(action="newsletter.subscriber_delete")
    assert entry.actor == staff
    assert entry.data == {"subscriber": subscriber.pk}
    assert "leave-me" not in entry.target_repr


def test_deleting_a_draft_message_is_audited_a_sent_one_stays(client_for):
    draft = OfficeMessage.objects.create(subject="下書き", body="本文")
    sent = OfficeMessage.objects.create(
        subject="送信済み", body="本文", status=OfficeMessage.Status.SENT
    )
    client = client_for("staff")
    assert (
        client.post(
            f"/admin/newsletter/officemessage/{sent.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    client.post(f"/admin/newsletter/officemessage/{draft.pk}/delete/", {"post": "yes"})
    assert list(OfficeMessage.objects.all()) == [sent]
    assert AuditLog.objects.get().data["subject"] == "下書き"
