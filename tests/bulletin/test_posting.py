"""Groups post notices: required details per category, expiry, yearly quota, moderation."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bulletin import services
from bulletin.models import BulletinPost, BulletinSettings, Category, GroupQuota
from core.fiscal import FiscalYear
from tests.bulletin.factories import PostFactory

NEW = "/bulletin/new/"


def data(group, **overrides):
    values = {
        "group": group.pk,
        "category": "volunteers",
        "title": "公園清掃ボランティア募集",
        "body": "どなたでも参加できます。",
        "what": "公園の清掃",
        "when": "6月1日(日) 9時～11時",
        "place": "中央公園",
        "contact": "park@example.org",
        "expires_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
    }
    values.update(overrides)
    return values


def set_moderation(mode):
    board = BulletinSettings.load()
    board.moderation = mode
    board.save()


@pytest.mark.django_db
def test_under_pre_moderation_a_post_waits_for_staff(
    client_for, member, group, django_capture_on_commit_callbacks
):
    set_moderation("pre")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("member").post(NEW, data(group))
    post = BulletinPost.objects.get()
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert post.status == BulletinPost.Status.PENDING and post.author == member
    assert "公園清掃" not in client_for("anonymous").get("/bulletin/").content.decode()
    assert mail.outbox[0].to == ["office@kyodo-office.example.jp"]  # staff are told

    services.post_publish(actor=None, post=post)
    post.refresh_from_db()
    assert post.status == BulletinPost.Status.PUBLISHED and post.published_at
    assert "公園清掃" in client_for("anonymous").get("/bulletin/").content.decode()


@pytest.mark.django_db
def test_under_post_moderation_a_post_appears_at_once_and_staff_may_hide_it(client_for, group):
    set_moderation("post")
    client_for("member").post(NEW, data(group))
    post = BulletinPost.objects.get()
    assert post.is_visible
    services.post_hide(actor=None, post=post, note="連絡先が不明です")
    post.refresh_from_db()
    assert not post.is_visible
    html = client_for("member").get(post.get_absolute_url()).content.decode()
    assert "連絡先が不明です" in html  # the group sees why


@pytest.mark.django_db
def test_an_edit_is_reviewed_again_under_pre_moderation(client_for, group):
    set_moderation("pre")
    post = PostFactory(group=group, category=Category.OTHER)
    response = client_for("representative").post(
        reverse("bulletin:edit", args=[post.pk]),
        {
            k: v
            for k, v in data(group, category="other", title="訂正しました").items()
            if k != "group"
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "訂正しました" and post.status == BulletinPost.Status.PENDING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("category", "missing"),
    [
        ("volunteers", ["what", "when", "place", "contact"]),
        ("event", ["when", "place", "contact"]),
        ("partners", ["what", "contact"]),
        ("giveaway", ["what", "place", "contact"]),
        ("members", ["contact"]),
    ],
)
def test_each_category_requires_its_details(client_for, group, category, missing):
    blank = dict.fromkeys(["what", "when", "place", "contact"], "")
    response = client_for("member").post(NEW, data(group, category=category, **blank))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert sorted(errors) == sorted(missing)
    assert "この項目を入力してください" in response.content.decode()
    assert not BulletinPost.objects.exists()


@pytest.mark.django_db
def test_other_needs_no_details(client_for, group):
    blank = dict.fromkeys(["what", "when", "place", "contact"], "")
    response = client_for("member").post(NEW, data(group, category="other", **blank))
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("days", [-1, 121])
def test_expiry_must_be_today_or_later_and_not_too_far(client_for, group, days):
    expires = (timezone.localdate() + dt.timedelta(days=days)).isoformat()
    response = client_for("member").post(NEW, data(group, expires_on=expires))
    assert response.status_code == 200
    assert "expires_on" in response.context["form"].errors
    assert not BulletinPost.objects.exists()


@pytest.mark.django_db
def test_a_member_cannot_post_for_another_group(client_for, group, other_group):
    response = client_for("member").post(NEW, data(other_group))
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not BulletinPost.objects.exists()


@pytest.mark.django_db
def test_the_yearly_quota_counts_posts_of_the_fiscal_year(client_for, group, member):
    GroupQuota.objects.create(group=group, yearly_limit=2)
    year = FiscalYear.current()
    old = PostFactory(group=group)  # made in the previous fiscal year: does not count
    BulletinPost.objects.filter(pk=old.pk).update(created_at=year.start - dt.timedelta(days=1))
    client = client_for("member")
    assert client.post(NEW, data(group, title="一件目")).status_code == 302
    assert client.post(NEW, data(group, title="二件目")).status_code == 302
    response = client.post(NEW, data(group, title="三件目"))
    assert response.status_code == 200
    assert "上限（2件）に達しました" in response.content.decode()
    assert BulletinPost.objects.filter(group=group).count() == 3
    # The form shows how much is left.
    assert "今年度の投稿 2件（上限2件）" in client.get(NEW).content.decode()


@pytest.mark.django_db
def test_the_default_quota_comes_from_the_board_settings(group, member):
    board = BulletinSettings.load()
    board.default_yearly_quota = 1
    board.save()
    fields = {k: v for k, v in data(group).items() if k != "group"}
    fields["expires_on"] = timezone.localdate() + dt.timedelta(days=5)
    services.post_create(actor=member, group=group, **fields)
    with pytest.raises(services.BulletinError):
        services.post_create(actor=member, group=group, **fields)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_at_once_cannot_both_take_the_last_place(group, member):
    GroupQuota.objects.create(group=group, yearly_limit=1)
    fields = {k: v for k, v in data(group).items() if k != "group"}
    fields["expires_on"] = timezone.localdate() + dt.timedelta(days=5)
    results = []
    barrier = threading.Barrier(2)

    def post():
        try:
            barrier.wait()
            services.post_create(actor=member, group=group, **fields)
            results.append("ok")
        except services.BulletinError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert BulletinPost.objects.count() == 1


@pytest.mark.django_db
def test_the_group_withdraws_its_post(client_for, group):
    post = PostFactory(group=group)
    response = client_for("member").post(reverse("bulletin:withdraw", args=[post.pk]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == BulletinPost.Status.WITHDRAWN
    assert client_for("anonymous").get(post.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_our_notices_lists_every_state(client_for, group):
    PostFactory(group=group, title="公開中のもの")
    PostFactory(group=group, title="確認待ちのもの", status="pending", published_at=None)
    html = client_for("member").get(reverse("bulletin:mine")).content.decode()
    assert "公開中のもの" in html and "確認待ちのもの" in html and "確認待ち" in html


@pytest.mark.django_db
def test_staff_moderate_in_the_admin(client_for, group):
    waiting = PostFactory(group=group, status="pending", published_at=None)
    shown = PostFactory(group=group)
    client = client_for("staff")
    changelist = reverse("admin:bulletin_bulletinpost_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [waiting.pk]})
    client.post(changelist, {"action": "hide", "_selected_action": [shown.pk], "note": "重複"})
    waiting.refresh_from_db()
    shown.refresh_from_db()
    assert waiting.status == "published" and shown.status == "hidden"
    assert client.get(changelist + "?status__exact=published").status_code == 200


@pytest.mark.django_db
def test_staff_edit_the_board_settings_singleton(client_for):
    client = client_for("staff")
    response = client.get(reverse("admin:bulletin_bulletinsettings_changelist"))
    assert response.status_code == 302
    response = client.post(
        response["Location"],
        {"moderation": "post", "default_yearly_quota": 5, "hide_after_reports": 2},
    )
    assert response.status_code == 302
    board = BulletinSettings.load()
    assert (board.moderation, board.default_yearly_quota) == ("post", 5)
    assert BulletinSettings.objects.count() == 1


@pytest.mark.django_db
def test_staff_set_a_group_quota_in_the_admin(client_for, group):
    response = client_for("staff").post(
        reverse("admin:bulletin_groupquota_add"), {"group": group.pk, "yearly_limit": 30}
    )
    assert response.status_code == 302
    assert GroupQuota.objects.get(group=group).yearly_limit == 30


@pytest.mark.django_db
def test_staff_edit_a_post_whose_author_left(client_for, group):
    post = PostFactory(group=group, author=None, category=Category.OTHER)
    response = client_for("staff").post(
        reverse("admin:bulletin_bulletinpost_change", args=[post.pk]),
        {
            "group": group.pk,
            "author": "",
            "category": "other",
            "title": "スタッフが修正",
            "body": "本文",
            "expires_on": post.expires_on.isoformat(),
            "status": "published",
            "moderation_note": "",
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    post.refresh_from_db()
    assert post.title == "スタッフが修正"
