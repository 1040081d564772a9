"""Atom feeds of news and of upcoming events, linked from the pages with rel="alternate"."""

import datetime as dt
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.news.factories import NewsPostFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return root, root.findall(f"{ATOM}entry")


def test_news_feed_lists_published_posts_with_safe_html(client, settings):
    settings.SITE_URL = "https://kyodo.example.jp"
    NewsPostFactory(title="公開済み", body="**本文** <script>alert(1)</script>")
    NewsPostFactory(title="予約投稿", publish_at=timezone.now() + dt.timedelta(hours=2))
    _root, items = entries(client.get(reverse("news:feed")))
    titles = [e.find(f"{ATOM}title").text for e in items]
    assert titles == ["公開済み"]
    link = items[0].find(f"{ATOM}link").attrib["href"]
    assert link.startswith("https://kyodo.example.jp/news/")
    summary = items[0].find(f"{ATOM}summary").text
    assert "<strong>本文</strong>" in summary and "<script>" not in summary


def test_events_feed_reads_the_events_app_through_its_selector(client, monkeypatch):
    start = timezone.now() + dt.timedelta(days=3)
    fake = [
        SimpleNamespace(
            pk=7,
            title="登録団体情報交換会",
            start=start,
            summary="団体同士の交流の場です。",
            get_absolute_url=lambda: "/events/7/",
        )
    ]
    monkeypatch.setattr("events.selectors.upcoming", lambda limit=5: fake[:limit])
    _root, items = entries(client.get(reverse("news:events_feed")))
    assert len(items) == 1
    assert "登録団体情報交換会" in items[0].find(f"{ATOM}title").text
    assert items[0].find(f"{ATOM}link").attrib["href"].endswith("/events/7/")


def test_events_feed_survives_an_events_app_without_events(client, monkeypatch):
    monkeypatch.setattr("events.selectors.upcoming", lambda limit=5: [])
    _root, items = entries(client.get(reverse("news:events_feed")))
    assert items == []


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("news:list", "news:feed"),
        ("home", "news:feed"),
        ("home", "news:events_feed"),
        ("home", "bulletin:feed"),
        ("home", "newsletter:feed"),
        ("newsletter:list", "newsletter:feed"),
        ("bulletin:list", "bulletin:feed"),
    ],
)
def test_pages_link_their_feeds_for_feed_readers(client, page, feed):
    html = client.get(reverse(page)).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="' in html
        and f'href="{reverse(feed)}"' in html
    )


def test_an_events_title_says_its_day_and_time_as_people_write_them(client, monkeypatch):
    """「2026年12月5日(土) 8:00 …」 in Tokyo, not 2026/12/04 (the day in UTC) nor ISO."""
    from core.fiscal import TOKYO

    start = dt.datetime(2026, 12, 5, 8, 0, tzinfo=TOKYO)
    fake = [
        SimpleNamespace(
            pk=8,
            title="朝の清掃交流会",
            start=start.astimezone(dt.UTC),
            summary="",
            get_absolute_url=lambda: "/events/8/",
        )
    ]
    monkeypatch.setattr("events.selectors.upcoming", lambda limit=5: fake[:limit])
    _root, items = entries(client.get(reverse("news:events_feed")))
    assert items[0].find(f"{ATOM}title").text == "2026年12月5日(土) 8:00 朝の清掃交流会"
