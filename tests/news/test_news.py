"""News posts: scheduled publishing, the important flag, pages and pagination."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import NewsPost
from tests.news.factories import NewsPostFactory

pytestmark = pytest.mark.django_db


def test_published_posts_are_listed_newest_first(client):
    NewsPostFactory(title="古いお知らせ", publish_at=timezone.now() - dt.timedelta(days=3))
    NewsPostFactory(title="新しいお知らせ", publish_at=timezone.now() - dt.timedelta(hours=1))
    html = client.get(reverse("news:list")).content.decode()
    assert html.index("新しいお知らせ") < html.index("古いお知らせ")


@pytest.mark.date_sensitive
def test_a_scheduled_post_is_invisible_until_its_time(client):
    post = NewsPostFactory(title="来週のお知らせ", publish_at=timezone.now() + dt.timedelta(days=7))
    assert "来週のお知らせ" not in client.get(reverse("news:list")).content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "来週のお知らせ" not in client.get(reverse("news:feed")).content.decode()

    NewsPost.objects.filter(pk=post.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(post.get_absolute_url()).status_code == 200
    assert "来週のお知らせ" in client.get(reverse("news:list")).content.decode()


def test_staff_preview_a_scheduled_post_with_a_notice(client_for):
    post = NewsPostFactory(publish_at=timezone.now() + dt.timedelta(days=1))
    response = client_for("staff").get(post.get_absolute_url())
    assert response.status_code == 200
    assert "message--warning" in response.content.decode()
    assert client_for("member").get(post.get_absolute_url()).status_code == 404


def test_detail_renders_markdown_body(client):
    post = NewsPostFactory(body="# 見出し\n\n**太字**と[リンク](https://example.jp)")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<h2>見出し</h2>" in html
    assert "<strong>太字</strong>" in html
    assert 'href="https://example.jp"' in html


def test_slug_is_made_from_the_date_when_left_empty():
    post = NewsPost.objects.create(title="スラッグなし", body="本文", slug="")
    stamp = timezone.localtime(post.publish_at)
    assert post.slug.startswith(f"{stamp:%Y%m%d}-")
    assert reverse("news:detail", kwargs={"slug": post.slug}) == post.get_absolute_url()


def test_list_is_paginated_and_a_bad_page_shows_the_nearest_page(client):
    for n in range(25):
        NewsPostFactory(publish_at=timezone.now() - dt.timedelta(minutes=n))
    page2 = client.get(reverse("news:list") + "?page=2")
    assert page2.status_code == 200
    assert page2.content.decode().count('class="news-list__item"') == 5
    for page, shown in (("9", 2), ("abc", 1), ("-1", 1)):
        response = client.get(reverse("news:list") + f"?page={page}")
        assert response.status_code == 200 and response.context["page_obj"].number == shown


def test_unknown_slug_is_a_404(client):
    assert client.get("/news/no-such-post/").status_code == 404


def test_news_list_has_a_constant_number_of_queries(client, django_assert_max_num_queries):
    for n in range(30):
        NewsPostFactory(important=n % 3 == 0)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("news:list")).status_code == 200


def test_staff_write_news_in_the_admin(client_for):
    client = client_for("staff")
    when = timezone.localtime() + dt.timedelta(days=2)
    response = client.post(
        reverse("admin:news_newspost_add"),
        {
            "title": "年末年始の休館",
            "slug": "",
            "body": "12月29日から1月3日まで休館します。",
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M:%S"),
            "important": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post = NewsPost.objects.get(title="年末年始の休館")
    assert post.important and not post.is_published
    assert post.created_by.email == "staff@example.org"
