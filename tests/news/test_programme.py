"""The broadcast programme (広報番組) at /programme/."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import ProgrammeEpisode
from tests.news.factories import EpisodeFactory

pytestmark = pytest.mark.django_db


def test_episodes_are_listed_with_air_date_summary_and_video_link(client):
    EpisodeFactory(
        title="子ども食堂の一日",
        summary="地域の子ども食堂を訪ねました。",
        video_url="https://video.example.jp/watch/42",
        air_date=dt.date(2025, 5, 10),
    )
    response = client.get("/programme/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "子ども食堂の一日" in html
    assert "地域の子ども食堂を訪ねました。" in html
    assert 'href="https://video.example.jp/watch/42"' in html
    assert "2025年5月10日" in html
    assert reverse("programme:list") == "/programme/"


def test_newest_first_hidden_episodes_left_out_and_upcoming_marked(client):
    EpisodeFactory(title="先月の放送", air_date=timezone.localdate() - dt.timedelta(days=30))
    EpisodeFactory(title="来週の放送", air_date=timezone.localdate() + dt.timedelta(days=7))
    EpisodeFactory(title="非公開の回", is_published=False)
    html = client.get("/programme/").content.decode()
    assert html.index("来週の放送") < html.index("先月の放送")
    assert "非公開の回" not in html
    assert "放送予定" in html


def test_an_episode_is_offered_to_watch_once_it_has_aired(client):
    aired = EpisodeFactory(
        title="先月の放送",
        air_date=timezone.localdate() - dt.timedelta(days=30),
        video_url="https://video.example.jp/watch/1",
    )
    coming = EpisodeFactory(
        title="来週の放送",
        air_date=timezone.localdate() + dt.timedelta(days=7),
        video_url="https://video.example.jp/watch/2",
    )
    listing = client.get("/programme/").content.decode()
    assert 'href="https://video.example.jp/watch/1"' in listing
    assert 'href="https://video.example.jp/watch/2"' not in listing
    page = client.get(reverse("programme:episode", args=[aired.pk])).content.decode()
    # Short words on the button; the title for a screen reader's list of links.
    assert (
        'この回を視聴する<span class="visually-hidden">: 先月の放送</span> （外部サイト）</a>'
        in page
    )
    page = client.get(reverse("programme:episode", args=[coming.pk])).content.decode()
    assert "https://video.example.jp/watch/2" not in page


def test_video_links_must_be_https():
    from django.core.exceptions import ValidationError

    episode = ProgrammeEpisode(
        air_date=dt.date(2025, 1, 1), title="t", summary="s", video_url="javascript:alert(1)"
    )
    with pytest.raises(ValidationError):
        episode.full_clean()
    episode.video_url = "http://video.example.jp/1"
    with pytest.raises(ValidationError):
        episode.full_clean()


def test_programme_list_query_count(client, django_assert_max_num_queries):
    EpisodeFactory.create_batch(30)
    with django_assert_max_num_queries(5):  # the page, its count, featured groups and projects
        assert client.get("/programme/").status_code == 200


def test_staff_add_an_episode_in_the_admin(client_for):
    client = client_for("staff")
    assert client.get(reverse("admin:news_programmeepisode_add")).status_code == 200
    response = client.post(
        reverse("admin:news_programmeepisode_add"),
        {
            "air_date": "2026-04-15",
            "title": "春の特集",
            "summary": "新年度の活動を紹介します。",
            "video_url": "video.example.jp/watch/9",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert ProgrammeEpisode.objects.get().video_url == "https://video.example.jp/watch/9"
