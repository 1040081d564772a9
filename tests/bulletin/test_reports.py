"""Anyone may report a notice; staff review reports; enough reports take a post off the board."""

import pytest
from django.urls import reverse

from bulletin.models import BulletinPost, BulletinSettings, PostReport
from tests.bulletin.factories import PostFactory

pytestmark = pytest.mark.django_db


def report(client, post, reason="commercial", **extra):
    return client.post(
        reverse("bulletin:report", args=[post.pk]), {"reason": reason, "message": "", **extra}
    )


def test_an_anonymous_visitor_reports_a_notice(client, django_capture_on_commit_callbacks):
    post = PostFactory()
    assert client.get(reverse("bulletin:report", args=[post.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = report(client, post, message="商品の販売です")
    assert response.status_code == 302
    saved = PostReport.objects.get()
    assert saved.reporter is None and saved.message == "商品の販売です" and not saved.resolved
    from django.core import mail

    assert mail.outbox and mail.outbox[0].to == ["office@kyodo-office.example.jp"]


def test_a_signed_in_reporter_is_remembered(client_for, citizen):
    post = PostFactory()
    report(client_for("citizen"), post)
    assert PostReport.objects.get().reporter == citizen


def test_an_unknown_reason_is_refused(client):
    post = PostFactory()
    response = report(client, post, reason="nonsense")
    assert response.status_code == 200 and not PostReport.objects.exists()


def test_enough_open_reports_take_the_post_off_until_staff_decide(client_for):
    board = BulletinSettings.load()
    board.hide_after_reports = 2
    board.save()
    post = PostFactory()
    report(client_for("citizen"), post)
    post.refresh_from_db()
    assert post.is_visible
    report(client_for("official"), post)
    post.refresh_from_db()
    assert post.status == BulletinPost.Status.PENDING and not post.is_visible
    # Staff publish it again: the reports are resolved.
    from bulletin import services

    services.post_publish(actor=None, post=post)
    assert not PostReport.objects.filter(resolved=False).exists()


def test_reports_are_rate_limited(client):
    board = BulletinSettings.load()
    board.hide_after_reports = 0  # never hide automatically
    board.save()
    post = PostFactory()
    for _ in range(10):
        assert report(client, post).status_code == 302
    assert report(client, post).status_code == 429
    assert PostReport.objects.count() == 10


def test_a_hidden_notice_cannot_be_reported(client):
    post = PostFactory(status=BulletinPost.Status.HIDDEN)
    assert report(client, post).status_code == 404


def test_staff_see_open_reports_in_the_admin(client_for):
    post = PostFactory(title="通報された掲示")
    PostReport.objects.create(post=post, reason="offensive")
    html = client_for("staff").get(reverse("admin:bulletin_postreport_changelist")).content.decode()
    assert "通報された掲示" in html
    html = client_for("staff").get(reverse("admin:bulletin_bulletinpost_changelist")).content
    assert "通報された掲示" in html.decode()


def test_the_report_form_offers_only_real_reasons(client):
    # A radio button "---------" could be picked and then refused as "required".
    post = PostFactory()
    page = client.get(reverse("bulletin:report", args=[post.pk])).content.decode()
    assert 'name="reason"' in page
    assert "---------" not in page and 'name="reason" value=""' not in page
