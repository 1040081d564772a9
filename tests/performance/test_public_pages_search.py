"""The search pages (issue #20): the site search (/search/), the group directory's search and the
free-room search take the same queries whatever the data size; the site search is kept for
anonymous visitors per search words like the directory and the free-room search.

The directory's and the free-room search's own data-size tests are
tests/groups/test_directory_search.py and tests/facilities/test_free_rooms.py; here the three
are measured side by side at one matching row of everything and at 25."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.pagecache import CACHE_ALIAS
from facilities.models import FacilitySettings, OpeningHours
from tests.events.factories import EventFactory
from tests.facilities.factories import RoomFactory, at, make_booking, open_day
from tests.factories import GroupFactory, MembershipFactory
from tests.news.factories import IssueFactory, NewsPostFactory, PostFactory

pytestmark = pytest.mark.django_db

WORD = "清掃"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


@pytest.fixture(autouse=True)
def office_hours(db):
    OpeningHours.objects.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(weekday=day, opens=dt.time(9), closes=dt.time(21)) for day in range(6)
    )
    FacilitySettings.load()


def fill(start: int, rows: int, day: dt.date) -> None:
    """``rows`` groups, events, news, notices, issues and rooms that match WORD (or are free)."""
    today = timezone.localdate()
    for n in range(start, start + rows):
        group = GroupFactory(
            name=f"{WORD}の会{n}", name_kana=f"せいそうのかい{n}", summary=f"川の{WORD}をします。"
        )
        EventFactory(title=f"{WORD}交流会 {n}", slug=f"seiso-{n}")
        NewsPostFactory(title=f"{WORD}のお知らせ {n}", slug=f"seiso-news-{n}")
        PostFactory(group=group, title=f"{WORD}ボランティア募集 {n}")
        IssueFactory(number=700 + n, title=f"{WORD}特集 {n}", published_on=today)
        room = RoomFactory(name=f"会議室{n}", slug=f"room-{n}", capacity=10 + n)
        make_booking(room, at(day, "09:00"), at(day, "10:00"), group=group)


def own(client, url) -> tuple[str, list[str]]:
    """The page and its own reads (the page cache's look-up and write left out)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    queries = [q["sql"] for q in context.captured_queries]
    return response.content.decode(), [
        q for q in queries if "portal_pages" not in q and "SAVEPOINT" not in q
    ]


def urls(day: dt.date) -> dict[str, str]:
    return {
        # One query for each of the six kinds (groups, events, news, notices, issues, information
        # pages): its first hits with their number (core.search.found_in), whatever the number
        # of words.
        "site search": f"{reverse('search')}?q={WORD}",
        "site search, two words": f"{reverse('search')}?q={WORD}+{WORD[0]}",
        # The page with its count and its groups' fields and areas (one query), the filter lists.
        "directory search": f"{reverse('groups:directory')}?q={WORD}",
        # The equipment choices, the calendar (one query: settings, hours, closed days), the
        # rooms, their bookings...
        "free rooms": f"{reverse('facilities:free')}?date={day.isoformat()}&from=13:00&to=15:00",
    }


PINNED = {
    "site search": 6,
    "site search, two words": 6,
    "directory search": 2,
    "free rooms": 5,
}


@pytest.mark.parametrize("page", sorted(PINNED))
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_a_search_takes_the_same_queries_for_one_match_or_many(
    page, signed_in, django_assert_max_num_queries, request
):
    day = open_day()
    fill(0, 1, day)
    client = Client()
    if signed_in:
        client.force_login(request.getfixturevalue("member"))
    url = urls(day)[page]
    _html, one = own(client, url)
    fill(1, 24, day)
    caches[CACHE_ALIAS].clear()
    with django_assert_max_num_queries(PINNED[page] + (0 if not signed_in else 2) + 4):
        more, many = own(client, url)
    assert len(many) == len(one), (page, [q[:120] for q in many])
    if not signed_in:
        assert len(many) == PINNED[page], [q[:120] for q in many]
    # The page did find the 25 rows of each kind.
    expected = {"directory search": f"{WORD}の会24", "free rooms": "会議室24"}.get(page, "125")
    assert expected in more


def test_the_site_search_is_kept_for_anonymous_visitors_per_words_and_never_for_members(
    group, client_for, member
):
    fill(0, 3, open_day())
    url = f"{reverse('search')}?q={WORD}"
    first, _built = own(Client(), url)
    with CaptureQueriesContext(connection) as kept:
        again = Client().get(url).content.decode()
    assert len(kept) == 1
    assert f"{WORD}の会0" in again
    # Other words are another page.
    other, _ = own(Client(), f"{reverse('search')}?q=存在しない言葉")
    assert f"{WORD}の会0" not in other
    # A member gets a page of their own, built afresh; nothing of theirs is kept.
    page = client_for("member").get(url).content.decode()
    assert reverse("account_logout") in page
    for html in (first, again, Client().get(url).content.decode()):
        assert reverse("account_logout") not in html and member.email not in html


def test_a_group_found_by_a_member_first_shows_nothing_of_them_to_the_next_visitor(db):
    fill(0, 2, open_day())
    group = GroupFactory(name=f"{WORD}隊", name_kana="せいそうたい")
    user = MembershipFactory(group=group).user
    person = Client()
    person.force_login(user)
    url = f"{reverse('search')}?q={WORD}"
    assert reverse("account_logout") in person.get(url).content.decode()
    anonymous = Client().get(url).content.decode()
    assert reverse("account_logout") not in anonymous and user.email not in anonymous
    assert f"{WORD}隊" in anonymous
