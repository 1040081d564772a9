"""One search box for the whole site: groups, events, news, bulletin notices, newsletter issues
and the information pages, on one results page grouped by kind; only what the public may read
(issue #16 part 5)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from groups.models import Group
from newsletter.models import NewsletterIssue
from pages.models import Page, PageVersion
from tests.events.factories import EventFactory
from tests.factories import GroupFactory
from tests.news.factories import IssueFactory, NewsPostFactory, PostFactory

NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def site(db):
    now = timezone.now()
    group = GroupFactory(
        name="里山保全の会", name_kana="さとやまほぜんのかい", summary="里山の手入れ"
    )
    GroupFactory(
        name="申請中の里山の会",
        name_kana="しんせいちゅうのさとやまのかい",
        summary="里山",
        status=Group.Status.APPLIED,
        registered_on=None,
        registration_number=None,
    )
    EventFactory(title="里山の交流会", slug="satoyama")
    EventFactory(title="里山の下書き行事", slug="satoyama-draft", status=Event.Status.DRAFT)
    NewsPostFactory(title="里山のお知らせ", slug="satoyama-news")
    NewsPostFactory(
        title="里山の予約投稿", slug="satoyama-later", publish_at=now + dt.timedelta(days=3)
    )
    PostFactory(group=group, title="里山ボランティア募集")
    PostFactory(group=group, title="里山の非表示の掲示", status="hidden")
    PostFactory(
        group=group, title="里山の期限切れの掲示", expires_on=now.date() - dt.timedelta(days=1)
    )
    IssueFactory(title="里山特集号")
    IssueFactory(title="里山の未発行号", status=NewsletterIssue.Status.DRAFT)
    page = Page.objects.create(slug="satoyama", kind="other", title="里山について")
    page.published_version = PageVersion.objects.create(
        page=page, number=1, title="里山について", body="里山の案内です。",
        status="published", published_at=now,
    )  # fmt: skip
    page.save(update_fields=["published_version"])
    draft = Page.objects.create(slug="satoyama-draft", kind="other", title="里山の下書き")
    PageVersion.objects.create(
        page=draft, number=1, title="里山の下書き", body="里山", status="draft"
    )


def search(client, q):
    return client.get(reverse("search"), {"q": q})


@pytest.mark.django_db
def test_one_search_finds_every_kind_of_published_content(client, site):
    html = search(client, "里山").content.decode()
    for title in (
        "里山保全の会",
        "里山の交流会",
        "里山のお知らせ",
        "里山ボランティア募集",
        "里山特集号",
        "里山について",
    ):
        assert title in html, title
    for heading in ("登録団体", "イベント", "お知らせ", "掲示板", "情報紙", "案内ページ"):
        assert heading in html, heading


@pytest.mark.django_db
def test_drafts_private_and_hidden_content_never_appear(client, site):
    html = search(client, "里山").content.decode()
    for hidden in (
        "申請中の里山の会",
        "里山の下書き行事",
        "里山の予約投稿",
        "里山の非表示の掲示",
        "里山の期限切れの掲示",
        "里山の未発行号",
        "里山の下書き",
    ):
        assert hidden not in html, hidden
    assert "6件" in html


@pytest.mark.django_db
def test_several_words_must_all_be_found(client, site):
    response = search(client, "里山　交流会")
    html = response.content.decode()
    assert "里山の交流会" in html
    assert "里山保全の会" not in html
    assert response.context["total"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["", "　 ", "x" * 500, "\x00"])
def test_an_empty_or_odd_query_is_a_page_not_an_error(client, site, q):
    assert search(client, q).status_code == 200


@pytest.mark.django_db
def test_the_results_page_has_a_labelled_search_box(client, site):
    html = search(client, "里山").content.decode()
    assert '<label for="site-search-q">' in html
    assert 'id="site-search-q" name="q" value="里山"' in html


@pytest.mark.django_db
def test_the_query_count_is_fixed_whatever_the_data(client, site, django_assert_max_num_queries):
    for i in range(30):
        EventFactory(title=f"里山の行事{i}", slug=f"satoyama-{i}")
        NewsPostFactory(title=f"里山の話{i}", slug=f"satoyama-news-{i}")
        IssueFactory(title=f"里山の号{i}")
    # Two per kind (a count and the first results), six kinds.
    with django_assert_max_num_queries(12):
        response = search(client, "里山 の")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_home_page_has_a_search_box_that_works_without_javascript(client, site):
    html = client.get(reverse("home")).content.decode()
    form = html.split('role="search"', 1)[1].split("</form>", 1)[0]
    assert 'for="home-search-q"' in form and 'id="home-search-q" name="q"' in form
    assert (
        f'action="{reverse("search")}"' in html.split('role="search"', 1)[0].rsplit("<form", 1)[1]
    )
    assert "里山の交流会" in search(client, "里山").content.decode()


@pytest.mark.django_db
def test_a_snippet_reads_as_words_not_markdown(client):
    NewsPostFactory(
        title="番組のお知らせ",
        slug="programme-note",
        body="市の**広報番組**（[まちづくり協働チャンネル](/programme/)）で、子ども食堂を紹介します。",
    )
    page = client.get(reverse("search"), {"q": "子ども食堂"}).content.decode()
    hits = page.split('class="search-hits"')[1].split("</ul>")[0]
    assert "（まちづくり協働チャンネル）で、子ども食堂を紹介します。" in hits
    assert "](/programme/)" not in hits and "**" not in hits
