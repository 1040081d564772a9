"""The home page: pinned and latest news, upcoming events, newest notices, new groups, today's
rooms and links into every area, in a small fixed number of queries (cached for a minute)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from news import home
from news.models import NewsPost
from tests.bulletin.factories import PostFactory
from tests.factories import GroupFactory
from tests.news.factories import IssueFactory, NewsPostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_apps(monkeypatch):
    """Events and rooms as their apps' selectors hand them over (only what the panels read)."""
    start = timezone.now() + dt.timedelta(days=2)
    events = [
        SimpleNamespace(pk=n, title=f"交流会{n}", start=start + dt.timedelta(days=n),
                        get_absolute_url=lambda n=n: f"/events/e{n}/")
        for n in range(5)
    ]  # fmt: skip
    rooms = [
        SimpleNamespace(name="会議室A", url="/facilities/rooms/a/", status="午後は空きあり"),
        SimpleNamespace(name="和室", url="/facilities/rooms/b/", status="終日予約済み"),
    ]
    monkeypatch.setattr("events.selectors.upcoming", lambda limit=5: events[:limit])
    monkeypatch.setattr("facilities.selectors.today_overview", lambda: rooms)
    return events, rooms


@pytest.mark.date_sensitive
def test_home_shows_every_section_and_links_into_every_area(client, other_apps):
    NewsPostFactory(title="年末年始の休館のお知らせ", important=True)
    NewsPostFactory(title="会議室の利用案内を更新しました")
    PostFactory(title="ボランティア募集中")
    GroupFactory(name="新しい市民の会", registered_on=timezone.localdate())
    IssueFactory(number=210, title="秋の特集")
    html = client.get(reverse("home")).content.decode()
    assert "重要なお知らせ" in html and "年末年始の休館のお知らせ" in html
    assert "会議室の利用案内を更新しました" in html
    assert "交流会0" in html and 'href="/events/e0/"' in html
    assert "ボランティア募集中" in html
    assert "新しい市民の会" in html
    assert "会議室A" in html and "午後は空きあり" in html
    assert "和室" in html and "終日予約済み" in html
    assert "第210号" in html and "秋の特集" in html
    for name in ["groups:directory", "facilities:index", "events:list", "bulletin:list",
                 "newsletter:list", "news:list", "programme:list", "opinion:form",
                 "newsletter:subscribe"]:  # fmt: skip
        assert f'href="{reverse(name)}"' in html, name
    assert html.count("<h1") == 1


def test_a_pinned_post_is_not_repeated_in_the_latest_news(client, other_apps):
    NewsPostFactory(title="ただ一つの重要なお知らせ", important=True)
    html = client.get(reverse("home")).content.decode()
    assert html.count("ただ一つの重要なお知らせ") == 1


def test_empty_sections_say_so(client, monkeypatch):
    monkeypatch.setattr("events.selectors.upcoming", lambda limit=5: [])
    monkeypatch.setattr("facilities.selectors.today_overview", lambda: [])
    html = client.get(reverse("home")).content.decode()
    assert "現在、お知らせはありません。" in html
    assert "予定されているイベントはありません" in html
    assert "現在、空き状況を表示できません。" in html


def test_a_failing_neighbour_app_is_reported_not_hidden(client, monkeypatch):
    """A broken section is an error (logged and mailed to the admins), not a silently blank
    part of the page (issue #13)."""

    def broken(*args, **kwargs):
        raise RuntimeError("events table is being migrated")

    monkeypatch.setattr("events.selectors.upcoming", broken)
    with pytest.raises(RuntimeError, match="being migrated"):
        client.get(reverse("home"))


def test_query_count_is_small_and_fixed_and_cached_pages_cost_one_query(
    client, other_apps, django_assert_max_num_queries
):
    for n in range(20):
        NewsPostFactory(important=n < 4)
        PostFactory()
        GroupFactory()
        IssueFactory()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("home")).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(reverse("home")).status_code == 200


def test_publishing_news_in_the_admin_refreshes_the_home_page(client, client_for, other_apps):
    assert "ついさっきのお知らせ" not in client.get(reverse("home")).content.decode()
    now = timezone.localtime()
    client_for("staff").post(
        reverse("admin:news_newspost_add"),
        {
            "title": "ついさっきのお知らせ",
            "slug": "",
            "body": "本文",
            "publish_at_0": now.strftime("%Y-%m-%d"),
            "publish_at_1": (now - dt.timedelta(minutes=1)).strftime("%H:%M:%S"),
        },
    )
    assert NewsPost.objects.filter(title="ついさっきのお知らせ").exists()
    assert "ついさっきのお知らせ" in client.get(reverse("home")).content.decode()


def test_the_cache_never_outlives_the_next_scheduled_post(other_apps):
    NewsPostFactory(publish_at=timezone.now() + dt.timedelta(seconds=20))
    assert home._seconds_to_live(timezone.now()) <= 21
    NewsPost.objects.all().delete()
    assert home._seconds_to_live(timezone.now()) == home.CACHE_SECONDS


def test_the_home_page_is_cached_per_language(client, other_apps):
    NewsPostFactory(title="言語別キャッシュ")
    ja = client.get(reverse("home")).content.decode()
    assert "重要なお知らせ" not in ja and "お知らせ一覧" in ja
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(reverse("home")).content.decode()
    assert "All news" in en
