"""The digest: one admin action turns the period's bulletin posts and upcoming events into a
draft issue that staff edit, test and send."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin.models import BulletinPost, Category
from newsletter import services
from newsletter.models import NewsletterIssue
from tests.bulletin.factories import PostFactory
from tests.events.factories import EventFactory
from tests.newsletter.factories import IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    start = timezone.localdate() + dt.timedelta(days=1)
    return start, start + dt.timedelta(days=30)


@pytest.fixture
def events(period):
    start, end = period
    at = lambda day: timezone.make_aware(dt.datetime.combine(day, dt.time(14)))  # noqa: E731
    return [
        EventFactory(title="登録団体情報交換会", start=at(start + dt.timedelta(days=5))),
        EventFactory(title="来年の講座", start=at(end + dt.timedelta(days=40))),
    ]


def test_digest_collects_approved_posts_and_events_of_the_period(staff, period, events):
    start, end = period
    IssueFactory(number=120)
    PostFactory(title="ボランティア大募集", category=Category.VOLUNTEERS, what="清掃", when="毎週",
                place="河川敷")  # fmt: skip
    PostFactory(title="確認待ちの投稿", status=BulletinPost.Status.PENDING, published_at=None)
    PostFactory(title="非表示の投稿", status=BulletinPost.Status.HIDDEN)
    PostFactory(title="[リンク](javascript:alert(1)) *強調*")
    issue = services.digest_create(actor=staff, start=start, end=end)
    assert issue.status == NewsletterIssue.Status.DRAFT and issue.published_on is None
    assert issue.number == 121
    assert "ボランティア大募集" in issue.body
    assert "確認待ちの投稿" not in issue.body and "非表示の投稿" not in issue.body
    assert "登録団体情報交換会" in issue.body and "来年の講座" not in issue.body
    # Titles written by groups are escaped, not interpreted as Markdown.
    assert r"\[リンク\]\(javascript:alert\(1\)\) \*強調\*" in issue.body


def test_staff_make_a_digest_from_the_admin_and_land_on_the_draft(client_for, period, events):
    start, end = period
    PostFactory(title="会員募集のお知らせ", category=Category.MEMBERS)
    client = client_for("staff")
    form = client.get(reverse("admin:newsletter_issue_digest"))
    assert form.status_code == 200
    response = client.post(
        reverse("admin:newsletter_issue_digest"),
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    issue = NewsletterIssue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:newsletter_newsletterissue_change", args=[issue.pk]
    )
    assert "会員募集のお知らせ" in issue.body


def test_a_reversed_period_is_refused(client_for, period):
    start, end = period
    response = client_for("staff").post(
        reverse("admin:newsletter_issue_digest"),
        {"start": end.isoformat(), "end": start.isoformat()},
    )
    assert response.status_code == 200
    assert not NewsletterIssue.objects.exists()
    assert "終了日が開始日より前" in response.content.decode()


def test_the_digest_writes_days_as_people_do(staff):
    """The period (a month: its weekdays add nothing) and each event's day with its weekday,
    not 2026/12/01 or 12/05."""
    import time_machine

    from core.fiscal import TOKYO

    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=TOKYO), tick=False):
        EventFactory(
            title="登録団体情報交換会",
            start=dt.datetime(2026, 12, 5, 9, 30, tzinfo=TOKYO),
            end=dt.datetime(2026, 12, 5, 11, 30, tzinfo=TOKYO),
        )
        issue = services.digest_create(
            actor=staff, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31)
        )
    assert "2026年12月1日～2026年12月31日" in issue.title
    assert "- 12月5日(土) [登録団体情報交換会]" in issue.body
    assert "2026/12" not in issue.title + issue.body and "12/05" not in issue.body
