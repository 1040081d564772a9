"""Every list page treats its ``?page=`` the same way (issue #13: one pagination helper).

A missing, garbled or too-small page number shows the first page, one beyond the end shows the
last page: a hand-edited or outdated link never ends in a 404 or a 500. The page links keep the
list's other query parameters (filters, search words).
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.factories import GroupFactory
from tests.news.factories import NewsPostFactory, PostFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
FIRST = ["", "abc", "0", "-1", "%00", "1.5"]
LAST = ["2", "3", "99999", "9" * 5000]


@pytest.fixture(autouse=True)
def _frozen():
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    cache.clear()


def shown_page(client, url: str, page: str):
    response = client.get(f"{url}{'&' if '?' in url else '?'}page={page}")
    assert response.status_code == 200, (url, page)
    page_obj = response.context["page_obj"]
    return page_obj.number, page_obj.paginator.num_pages, response.content.decode()


def two_pages_of_news():
    for n in range(21):
        NewsPostFactory(publish_at=timezone.now() - dt.timedelta(minutes=n + 1))
    return reverse("news:list")


def two_pages_of_bulletin_posts():
    for n in range(21):
        PostFactory(published_at=timezone.now() - dt.timedelta(minutes=n))
    return reverse("bulletin:list") + "?category=other"


def two_pages_of_groups():
    for n in range(21):
        GroupFactory(name=f"テスト団体{n:02d}", name_kana=f"てすとだんたい{n:02d}")
    return reverse("groups:directory")


@pytest.mark.parametrize(
    "make", [two_pages_of_news, two_pages_of_bulletin_posts, two_pages_of_groups]
)
def test_a_bad_page_shows_the_first_page_and_one_beyond_the_end_the_last(client, make):
    url = make()
    for page in FIRST:
        number, total, _html = shown_page(client, url, page)
        assert (number, total) == (1, 2), page
    for page in LAST:
        number, _total, html = shown_page(client, url, page)
        assert number == 2, page
        assert 'rel="prev"' in html and 'rel="next"' not in html


def test_page_links_keep_the_other_query_parameters(client):
    url = two_pages_of_bulletin_posts()
    _number, _total, html = shown_page(client, url, "abc")
    assert "?category=other&amp;page=2" in html
    _number, _total, html = shown_page(client, url, "99999")
    assert "?category=other&amp;page=1" in html


ONE_PAGE = [
    ("anonymous", lambda group: reverse("news:list")),
    ("anonymous", lambda group: reverse("programme:list")),
    ("anonymous", lambda group: reverse("bulletin:list")),
    ("anonymous", lambda group: reverse("events:list")),
    ("anonymous", lambda group: reverse("groups:directory")),
    ("anonymous", lambda group: reverse("groups:recent_activities")),
    ("anonymous", lambda group: reverse("groups:activities", args=[group.slug])),
    ("representative", lambda group: reverse("groups:partners", args=[group.slug])),
    ("representative", lambda group: reverse("bulletin:mine")),
    ("representative", lambda group: reverse("facilities:bookings")),
]


@pytest.mark.parametrize(("role", "url"), ONE_PAGE)
@pytest.mark.parametrize("page", ["abc", "0", "99999", "%00"])
def test_every_list_page_answers_a_bad_page_with_its_page(client_for, group, role, url, page):
    number, total, _html = shown_page(client_for(role), url(group), page)
    assert number == total == 1
