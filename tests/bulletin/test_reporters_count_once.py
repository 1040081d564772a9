"""Taking a notice off the board needs reports from different people: one visitor reporting
again and again counts once (an account once, an anonymous visitor once per address), and the
visitor's address is never stored, only a keyed hash of it."""

import pytest
from django.core import mail
from django.urls import reverse

from bulletin.models import BulletinPost, BulletinSettings, PostReport
from core.models import AuditLog
from tests.bulletin.factories import PostFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def _hide_after_three():
    board = BulletinSettings.load()
    board.hide_after_reports = 3
    board.save()


def report(client, post, address=ADDRESS, reason="offensive"):
    return client.post(
        reverse("bulletin:report", args=[post.pk]),
        {"reason": reason, "message": "不適切です"},
        REMOTE_ADDR=address,
        follow=True,
    )


def test_one_anonymous_visitor_reporting_three_times_does_not_take_a_notice_off(client):
    post = PostFactory()
    for _ in range(3):
        page = report(client, post)
        assert "オフィスで内容を確認します" in page.content.decode()  # accepted quietly
    post.refresh_from_db()
    assert post.is_visible
    assert PostReport.objects.filter(post=post).count() == 3  # all kept for staff to read


def test_three_different_visitors_take_a_notice_off_until_staff_decide(client):
    post = PostFactory()
    for address in ["203.0.113.7", "198.51.100.20", "192.0.2.33"]:
        report(client, post, address=address)
    post.refresh_from_db()
    assert post.status == BulletinPost.Status.PENDING and not post.is_visible


def test_a_signed_in_reporter_counts_once_from_any_address(client_for, client):
    post = PostFactory()
    citizen = client_for("citizen")
    for address in ["203.0.113.7", "198.51.100.20", "192.0.2.33"]:
        report(citizen, post, address=address)
    report(client, post, address="203.0.113.99")  # someone else, anonymous
    post.refresh_from_db()
    assert post.is_visible
    report(client_for("official"), post)
    post.refresh_from_db()
    assert not post.is_visible


def test_the_office_is_told_once_per_reporter(client, django_capture_on_commit_callbacks):
    post = PostFactory()
    with django_capture_on_commit_callbacks(execute=True):
        report(client, post)
        report(client, post)
    assert len(mail.outbox) == 1


def test_the_visitors_address_is_never_stored(client):
    post = PostFactory()
    report(client, post)
    stored = PostReport.objects.get()
    assert stored.reporter is None
    assert ADDRESS not in str(list(PostReport.objects.values().get().values()))
    assert ADDRESS not in str(list(AuditLog.objects.values_list("data", flat=True)))
