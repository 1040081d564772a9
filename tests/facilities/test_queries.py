"""Each page does a small, fixed number of queries with a year of bookings in the database."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from facilities.models import Booking, BookingEquipment
from facilities.selectors import account_panel, group_feed, today_overview
from tests.facilities.factories import RoomFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_bookings(group, other_group, room, other_room, projector, laptops):
    """About 2,000 bookings over the past and coming six months in three rooms."""
    third = RoomFactory(name="作業室", slug="sagyoshitsu")
    rng = random.Random(7)
    today = timezone.localdate()
    bookings = []
    for offset in range(-182, 183):
        day = today + dt.timedelta(days=offset)
        for target in (room, other_room, third):
            for start, end in (("9:00", "11:00"), ("13:00", "15:00"), ("18:00", "20:00")):
                if rng.random() < 0.6:
                    s, e = at(day, start), at(day, end)
                    past = e < timezone.now()
                    bookings.append(
                        Booking(
                            room=target,
                            group=rng.choice([group, other_group]),
                            kind="group",
                            status=rng.choice(
                                ["used", "used", "no_show"] if past else ["confirmed", "requested"]
                            ),
                            start=s,
                            end=e,
                            period=Booking.period_for(s, e, 0),
                            purpose="定例会",
                            attendees=rng.randint(3, 12),
                            actual_headcount=rng.randint(3, 12) if past else None,
                        )
                    )
    created = Booking.objects.bulk_create(bookings, batch_size=1000)
    BookingEquipment.objects.bulk_create(
        BookingEquipment(booking=b, equipment=rng.choice([projector, laptops]), quantity=1)
        for b in created[::5]
    )
    assert len(created) > 1500
    return created


PAGES = [
    # The equipment in use now is one query (both kinds of lending summed in subqueries).
    ("anonymous", lambda ctx: reverse("facilities:index"), 7),
    # +2 session and user, +1 may the user borrow?, +1 the header's Reports link asks whether
    # the user is an official or a committee member (accounts.roles, one query for both).
    ("member", lambda ctx: reverse("facilities:index"), 11),
    # Opened on the next bookable day (issue #16 part 2): that day and its week come from one
    # read of the calendar and the room's bookings (selectors.next_bookable_week).
    ("anonymous", lambda ctx: reverse("facilities:room", kwargs={"slug": "meeting-a"}), 6),
    ("member", lambda ctx: reverse("facilities:room", kwargs={"slug": "meeting-a"}), 11),
    ("staff", lambda ctx: reverse("facilities:room", kwargs={"slug": "meeting-a"}), 9),
    ("member", lambda ctx: reverse("facilities:day", kwargs={"day": ctx["today"]}), 12),
    ("staff", lambda ctx: reverse("facilities:day", kwargs={"day": ctx["today"]}), 10),
    ("member", lambda ctx: reverse("facilities:book", kwargs={"slug": "meeting-a"}), 10),
    ("staff", lambda ctx: reverse("facilities:book", kwargs={"slug": "meeting-a"}), 7),
    # +2 each: the take-out loans and their items.
    ("member", lambda ctx: reverse("facilities:bookings"), 16),
    ("member", lambda ctx: reverse("facilities:bookings") + "?page=3", 16),
    ("member", lambda ctx: reverse("facilities:booking_cancel", kwargs={"pk": ctx["future"]}), 6),
    ("anonymous", lambda ctx: reverse("facilities:room_today", kwargs={"slug": "meeting-a"}), 7),
    ("staff", lambda ctx: reverse("facilities:desk"), 8),
    ("anonymous", lambda ctx: reverse("facilities:room_feed", kwargs={"slug": "meeting-a"}), 3),
    ("anonymous", lambda ctx: ctx["group_feed"], 5),
    ("staff", lambda ctx: reverse("admin:facilities_booking_changelist"), 13),
    ("staff", lambda ctx: reverse("admin:facilities_booking_changelist") + "?status=used", 13),
]


def test_every_page_has_a_fixed_query_count_with_a_year_of_bookings(
    client_for, year_of_bookings, group, staff_admin
):
    """One year of data, built once; every page measured against its limit."""
    future = next(b for b in year_of_bookings if b.start > timezone.now() and b.group == group)
    feed = group_feed(group)
    ctx = {
        "today": timezone.localdate().isoformat(),
        "future": future.pk,
        "group_feed": reverse(
            "facilities:group_feed", kwargs={"slug": group.slug, "token": feed.token}
        ),
    }
    problems = []
    for role, url, limit in PAGES:
        client = client_for(role)
        target = url(ctx)
        client.get(target)  # warm per-process caches (content types, sessions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target)
        if response.status_code != 200:
            problems.append(f"{role} {target}: status {response.status_code}")
        elif len(queries) > limit:
            problems.append(f"{role} {target}: {len(queries)} queries > {limit}")
    assert problems == []


def test_selectors_for_other_apps_use_few_queries(
    django_assert_max_num_queries, year_of_bookings, member
):
    with django_assert_max_num_queries(8):
        assert today_overview()
    with django_assert_max_num_queries(4):
        assert account_panel(member)["bookings"]
