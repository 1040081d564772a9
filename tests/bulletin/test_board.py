"""The board at /bulletin/: published, unexpired notices, filtered by category, paginated;
each notice links to its group's page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import selectors
from bulletin.models import BulletinPost, Category
from tests.bulletin.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.mark.date_sensitive
def test_the_board_shows_published_unexpired_posts_newest_first(client):
    today = timezone.localdate()
    PostFactory(title="古い掲示", published_at=timezone.now() - dt.timedelta(days=5))
    PostFactory(title="新しい掲示")
    PostFactory(title="確認待ち", status=BulletinPost.Status.PENDING, published_at=None)
    PostFactory(title="非表示", status=BulletinPost.Status.HIDDEN)
    PostFactory(title="取り下げ", status=BulletinPost.Status.WITHDRAWN)
    PostFactory(title="期限切れ", expires_on=today - dt.timedelta(days=1))
    PostFactory(title="今日まで", expires_on=today)
    html = client.get(reverse("bulletin:list")).content.decode()
    assert html.index("新しい掲示") < html.index("古い掲示")
    assert "今日まで" in html
    for hidden in ["確認待ち", "非表示", "取り下げ", "期限切れ"]:
        assert hidden not in html


@pytest.mark.date_sensitive
def test_expired_posts_leave_by_themselves_the_next_day(client, monkeypatch):
    post = PostFactory(title="今週末のイベント", expires_on=timezone.localdate())
    assert post in selectors.board()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert post not in selectors.board()
    assert "今週末のイベント" not in client.get(reverse("bulletin:list")).content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert selectors.newest() == []
    assert selectors.active_posts_for_group(post.group) == []


def test_filter_by_category(client):
    PostFactory(title="ボランティア募集の掲示", category=Category.VOLUNTEERS, what="a", when="b",
                place="c")  # fmt: skip
    PostFactory(title="譲りますの掲示", category=Category.GIVEAWAY, what="机", place="事務所")
    html = client.get(reverse("bulletin:list") + "?category=volunteers").content.decode()
    assert "ボランティア募集の掲示" in html and "譲りますの掲示" not in html
    assert 'href="?category=volunteers" aria-current="true"' in html


def test_an_unknown_category_says_so_and_shows_everything(client):
    PostFactory(title="何かの掲示")
    response = client.get(reverse("bulletin:list") + "?category=<script>")
    html = response.content.decode()
    assert response.status_code == 200
    assert "その分類はありません" in html and "何かの掲示" in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_the_board_is_paginated(client):
    for n in range(45):
        PostFactory(published_at=timezone.now() - dt.timedelta(minutes=n))
    assert (
        client.get(reverse("bulletin:list") + "?page=3")
        .content.decode()
        .count('class="post-list__item"')
        == 5
    )
    for page, shown in (("4", 3), ("x", 1)):
        response = client.get(reverse("bulletin:list") + f"?page={page}")
        assert response.status_code == 200 and response.context["page_obj"].number == shown
    # Filters and pages combine.
    html = client.get(reverse("bulletin:list") + "?category=other&page=2").content.decode()
    assert "category=other&amp;page=3" in html


def test_a_post_page_links_to_its_group_and_shows_the_details(client):
    post = PostFactory(
        title="清掃ボランティア募集",
        category=Category.VOLUNTEERS,
        what="河川敷の清掃",
        when="5月10日(土) 9時～11時",
        place="国領川河川敷",
        contact="clean@example.org",
        body="軍手は**こちらで用意**します。",
    )
    html = client.get(reverse("bulletin:detail", args=[post.pk])).content.decode()
    assert f'href="{post.group.get_absolute_url()}"' in html
    for text in ["河川敷の清掃", "5月10日(土) 9時～11時", "国領川河川敷", "clean@example.org"]:
        assert text in html
    assert "<strong>こちらで用意</strong>" in html


def test_a_body_with_a_script_is_shown_harmlessly(client):
    post = PostFactory(body='<script>alert("x")</script>[click](javascript:alert(1))')
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in html and 'href="javascript:' not in html


def test_hidden_and_pending_posts_are_seen_only_by_their_group_and_staff(client_for, group):
    post = PostFactory(group=group, status=BulletinPost.Status.PENDING, published_at=None)
    expected = {
        "anonymous": 404, "citizen": 404, "other_member": 404, "official": 404,
        "member": 200, "representative": 200, "staff": 200,
    }  # fmt: skip
    for role, status in expected.items():
        assert client_for(role).get(post.get_absolute_url()).status_code == status, role


def test_selectors_for_the_group_page_and_home_page(group, other_group):
    mine = PostFactory(group=group)
    PostFactory(group=other_group)
    PostFactory(group=group, status=BulletinPost.Status.HIDDEN)
    assert selectors.active_posts_for_group(group) == [mine]
    assert len(selectors.newest(5)) == 2


def test_board_query_count_is_fixed(client, django_assert_max_num_queries):
    for _ in range(30):
        PostFactory()
    with django_assert_max_num_queries(3):
        assert client.get(reverse("bulletin:list")).status_code == 200


def test_selector_query_counts(group, django_assert_num_queries):
    for _ in range(10):
        PostFactory(group=group)
    with django_assert_num_queries(1):
        posts = selectors.newest(5)
        [p.group.name for p in posts]
    with django_assert_num_queries(1):
        posts = selectors.active_posts_for_group(group, 5)
        [p.group.name for p in posts]


def test_feed_lists_visible_posts_with_details(client, settings):
    settings.SITE_URL = "https://kyodo.example.jp"
    PostFactory(title="公開中の掲示", what="古本", category=Category.GIVEAWAY, place="事務所")
    PostFactory(title="確認待ちの掲示", status=BulletinPost.Status.PENDING, published_at=None)
    xml = client.get(reverse("bulletin:feed")).content.decode()
    assert "公開中の掲示" in xml and "確認待ちの掲示" not in xml
    assert "古本" in xml and "https://kyodo.example.jp/bulletin/" in xml
