"""A room's week page (issue #16 part 2): it opens on the next bookable day, and on a phone shows
one day at a time as a list (``?day=``) in the same HTML as the week grid."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities.models import ClosedDay
from tests.facilities.factories import at, make_booking

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
SUNDAY_EVENING = dt.datetime(2026, 12, 6, 19, 30, tzinfo=JST)
MONDAY = dt.date(2026, 12, 7)


@pytest.fixture
def sunday_evening():
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        yield


def page(client, room, query=""):
    return client.get(reverse("facilities:room", kwargs={"slug": room.slug}) + query)


def test_on_a_sunday_evening_it_opens_on_monday_not_a_week_of_the_past(
    client, room, sunday_evening
):
    response = page(client, room)
    assert response.context["day"] == MONDAY
    assert response.context["week_start"] == MONDAY
    html = response.content.decode()
    assert "2026年12月7日" in html
    # Monday's free times link to the booking form.
    book = reverse("facilities:book", kwargs={"slug": room.slug})
    assert f"{book}?start=2026-12-07T09%3A00" in html


def test_it_skips_closed_and_fully_booked_days(client, room, sunday_evening):
    ClosedDay.objects.create(date=MONDAY, reason="施設点検")
    tuesday = MONDAY + dt.timedelta(days=1)
    make_booking(room, at(tuesday, "9:00"), at(tuesday, "21:00"))
    response = page(client, room)
    assert response.context["day"] == MONDAY + dt.timedelta(days=2)


def test_today_while_the_office_is_open(client, room):
    with time_machine.travel(dt.datetime(2026, 12, 8, 10, 5, tzinfo=JST), tick=False):
        response = page(client, room)
    assert response.context["day"] == dt.date(2026, 12, 8)
    assert response.context["week_start"] == MONDAY


def test_a_day_is_shown_with_the_previous_and_next_day(client, room, sunday_evening):
    wednesday = MONDAY + dt.timedelta(days=2)
    make_booking(room, at(wednesday, "13:00"), at(wednesday, "15:00"))
    response = page(client, room, f"?day={wednesday}")
    assert response.context["day"] == wednesday
    assert response.context["week_start"] == MONDAY
    html = response.content.decode()
    assert '?day=2026-12-08" rel="prev"' in html and '?day=2026-12-10" rel="next"' in html
    day_list = re.search(r'<section class="room-day".*?</section>', html, re.S).group(0)
    assert "13:00–15:00" in day_list  # the booking, as a line of the list
    assert "2026-12-09T12%3A30" in day_list  # a free time before it, as a button
    assert "2026-12-09T15%3A00" in day_list  # and after it
    # The same page carries the week grid (a wide screen shows it, a phone the list).
    assert 'class="room-week"' in html and "<table" in html


def test_a_week_asked_for_opens_on_its_first_open_day(client, room, sunday_evening):
    response = page(client, room, "?week=2026-12-16")
    assert response.context["week_start"] == dt.date(2026, 12, 14)
    assert response.context["day"] == dt.date(2026, 12, 14)


@pytest.mark.parametrize("query", ["?day=2026-13-45", "?day=<script>", "?day=", "?day=1900-01-01"])
def test_a_garbled_day_shows_the_next_bookable_day_with_a_message(
    client, room, sunday_evening, query
):
    response = page(client, room, query)
    assert response.status_code == 200
    if query in ("?day=", "?day=1900-01-01"):
        return  # empty: the first visit; 1900: read, but out of range
    assert response.context["problem"]
    assert response.context["day"] == MONDAY


def test_a_closed_day_says_so_in_the_list(client, room, sunday_evening):
    response = page(client, room, "?day=2026-12-13")  # a Sunday
    html = response.content.decode()
    day_list = re.search(r'<section class="room-day".*?</section>', html, re.S).group(0)
    assert "休館" in day_list


def test_signed_in_people_without_a_group_see_free_times_without_links(
    client_for, room, sunday_evening
):
    response = page(client_for("citizen"), room, f"?day={MONDAY}")
    day_list = re.search(
        r'<section class="room-day".*?</section>', response.content.decode(), re.S
    ).group(0)
    assert "/book/" not in day_list
    assert "9:00" in day_list


def test_the_page_cache_keeps_a_day_by_its_parameter(room, settings, sunday_evening):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()
    first = page(Client(), room, f"?day={MONDAY}")
    make_booking(room, at(MONDAY, "9:00"), at(MONDAY, "12:00"))
    with CaptureQueriesContext(connection) as captured:
        again = page(Client(), room, f"?day={MONDAY}")
    assert len(captured) == 1
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", again.content.decode()) == csrf.sub("", first.content.decode())
    # An unknown parameter is built afresh and not kept.
    assert page(Client(), room, f"?day={MONDAY}&x=1").context is not None
    caches["pages"].clear()


def test_a_fixed_number_of_queries_whatever_the_bookings(client, room, sunday_evening):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page(client, room).status_code == 200
        return len(captured)

    few = count()
    for n in range(6):
        day = MONDAY + dt.timedelta(days=n)
        make_booking(room, at(day, "9:00"), at(day, "10:00"))
        make_booking(room, at(day, "13:00"), at(day, "14:00"))
    assert count() == few


def test_the_day_of_all_rooms_is_a_list_per_room_beside_the_grid(client, room, other_room):
    day = MONDAY + dt.timedelta(days=7)
    make_booking(room, at(day, "13:00"), at(day, "15:00"))
    with time_machine.travel(SUNDAY_EVENING, tick=False):
        html = client.get(reverse("facilities:day", kwargs={"day": day.isoformat()})).content
    html = html.decode()
    lists = re.search(r'<div class="room-day">.*?</div>\s*<div class="room-week">', html, re.S)
    assert lists, "the phone's lists come before the grid"
    lists = lists.group(0)
    assert lists.count('class="room-day__room"') == 2
    assert f"/facilities/{room.slug}/?day={day}" in lists  # each room's heading links its page
    assert "13:00–15:00" in lists
    assert f"/facilities/{other_room.slug}/book/?start={day}T09%3A00" in lists
    assert "<table" in html.split('<div class="room-week">', 1)[1]
