"""The booking POST's query budget (issue #20): a member's confirmed booking with equipment, as
production makes it (the mail queued for the worker), takes the same fixed number of queries
with no other bookings and with a few hundred of them, of the same room and equipment."""

import datetime as dt
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from procrastinate.contrib.django.models import ProcrastinateJob

from facilities.models import Booking, BookingEquipment, FacilitySettings
from tests.facilities.factories import at, open_day
from tests.factories import GroupFactory
from tests.performance import test_booking_post
from tests.performance.test_booking_post import book, confirmation_token, signed_in_member

# 41 queries before (47 with the mail log's second transaction), 12 now (and the content types
# in a process's first booking): the session and the user; the member's memberships with their
# groups (may they book, and for which group), the room (no form: the confirmation's token holds
# the checked answers, and its group is one of the memberships' groups); in the transaction the
# day's calendar (one query), the group's advisory lock, the room's lock, the equipment read and
# locked at once, one read for the group's suspension and month's hours, the clash and the
# equipment in use (bookings and loans), and the booking with its equipment, its audit row and
# its mail's job (one statement). In a test savepoints stand for BEGIN and COMMIT, and the
# writes after commit (the viewers' data version, the grids' versions in one statement) do not
# run: 13 round trips in production.
BUDGET = 12


@pytest.fixture
def office(db):
    """The opening hours, a room and a projector of the booking POST's own tests."""
    return test_booking_post.office.__wrapped__(db)


def other_bookings(room, projector, day, count: int) -> None:
    """``count`` bookings of the room with the projector, on the days around ``day``."""
    group = GroupFactory(name="よく使う会", name_kana="よくつかうかい")
    bookings = []
    for n in range(count):
        other_day = day + dt.timedelta(days=n // 6 - count // 12)
        start = at(other_day, f"{15 + n % 6}:00")
        if other_day == day:
            continue  # the measured slots stay free
        bookings.append(
            Booking(
                room=room,
                group=group,
                kind=Booking.Kind.GROUP,
                status=Booking.Status.CONFIRMED,
                start=start,
                end=start + dt.timedelta(minutes=30),
                period=Booking.period_for(start, start + dt.timedelta(minutes=30), 0),
                purpose="定例会",
                attendees=3,
            )
        )
    Booking.objects.bulk_create(bookings)
    BookingEquipment.objects.bulk_create(
        BookingEquipment(booking=b, equipment=projector, quantity=1) for b in bookings
    )


@pytest.mark.django_db
def test_the_confirmed_booking_post_stays_within_its_budget_whatever_the_bookings(
    office, settings, django_assert_max_num_queries
):
    settings.FACILITIES_MAIL_IN_BACKGROUND = True
    # A monthly limit, as the office sets one: the group's advisory lock and its hours are read.
    FacilitySettings.objects.update(group_monthly_hours=40)
    room, projector = office
    day = open_day()

    def measured(n: int, start: str, end: str) -> int:
        client, group = signed_in_member(n)
        token = confirmation_token(client, room, group, day, start, end, projector)
        with django_assert_max_num_queries(BUDGET), CaptureQueriesContext(connection) as seen:
            response = book(client, room, token)
        assert response.status_code == 302, response.content.decode()[:1000]
        if os.environ.get("SHOW_QUERIES"):
            print("\n".join(q["sql"][:150] for q in seen.captured_queries))
        return len(seen.captured_queries)

    measured(0, "09:00", "10:00")  # the first request of a process reads the content types
    alone = measured(1, "10:00", "11:00")
    other_bookings(room, projector, day, 300)
    assert Booking.objects.count() > 250
    assert measured(2, "11:00", "12:00") == alone <= BUDGET
    assert ProcrastinateJob.objects.filter(task_name="facilities.send_booking_mail").count() == 3
