"""The running fiscal year's figures for the reports count what has happened by now (QA: the
booked hours of the running year included bookings still to come, while the report reads them as
use so far: its months are results, its year column "to date", its pro-rata target and its year
before to the same day compare with them)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.fiscal import FiscalYear
from facilities import kpis
from facilities.models import Booking
from facilities.selectors import open_hours_by_room
from tests.facilities.factories import at, make_booking

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
# Monday 7 December 2026, noon: fiscal year 2026 runs (April 2026 – March 2027).
NOON = dt.datetime(2026, 12, 7, 12, 0, tzinfo=JST)
TODAY, LAST_WEEK, NEXT_WEEK = dt.date(2026, 12, 7), dt.date(2026, 11, 30), dt.date(2026, 12, 14)


@pytest.fixture(autouse=True)
def noon():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def bookings(room, group):
    used = Booking.Status.USED
    make_booking(room, at(LAST_WEEK, "10:00"), at(LAST_WEEK, "12:00"), group=group, status=used,
                 actual_headcount=8)  # fmt: skip
    # Under way: 11:00–13:00 has had one hour by noon.
    make_booking(room, at(TODAY, "11:00"), at(TODAY, "13:00"), group=group)
    # Still to come: booked, not used yet; and a cancelled one for a later day.
    make_booking(room, at(TODAY, "14:00"), at(TODAY, "18:00"), group=group)
    make_booking(room, at(NEXT_WEEK, "10:00"), at(NEXT_WEEK, "14:00"), group=group)
    make_booking(room, at(NEXT_WEEK, "15:00"), at(NEXT_WEEK, "16:00"), group=group,
                 status=Booking.Status.CANCELLED)  # fmt: skip
    make_booking(room, at(LAST_WEEK, "15:00"), at(LAST_WEEK, "16:00"), group=group,
                 status=Booking.Status.CANCELLED)  # fmt: skip
    # A finished year: a confirmed booking never recorded as used still counts in full.
    make_booking(room, at(dt.date(2025, 6, 2), "10:00"), at(dt.date(2025, 6, 2), "13:00"),
                 group=group)  # fmt: skip


def figures_both_ways(fy: int):
    """The year's figures by their own queries and as the year's report reads them."""
    alone = kpis.yearly(first=fy - 1, last=fy)
    with kpis.reading(kpis.Reading(fy - 1, fy)):
        read = kpis.yearly(first=fy - 1, last=fy)
    return alone, read


def test_the_running_year_counts_the_booked_time_so_far(bookings):
    for answer in figures_both_ways(2026):
        year = answer[2026]
        assert year["booked_hours"] == Decimal("3.0")  # 2 used + 1 of the booking under way
        assert year["bookings_cancelled"] == 1  # the one for next week has not come yet
        assert year["bookings_used"] == 1 and year["facility_users"] == 8
        assert answer[2025]["booked_hours"] == Decimal("3.0")


def test_the_running_months_and_rooms_count_the_booked_time_so_far(bookings, room):
    fy = FiscalYear(2026)
    for reading in (None, kpis.Reading(2025, 2026)):
        if reading is None:
            months, rooms = kpis.monthly(fy), kpis.rooms(fy, opening={room.pk: 100.0})
        else:
            with kpis.reading(reading):
                months, rooms = kpis.monthly(fy), kpis.rooms(fy, opening={room.pk: 100.0})
        assert months[dt.date(2026, 11, 1)]["booked_hours"] == Decimal("2.0")
        assert months[dt.date(2026, 12, 1)]["booked_hours"] == Decimal("1.0")
        row = next(r for r in rooms if r["pk"] == room.pk)
        assert row["booked_hours"] == Decimal("3.0")
        assert row["utilisation_rate"] == Decimal("3.0")


def test_the_running_years_opening_hours_are_those_so_far(room):
    """Utilisation divides the booked time so far by the opening hours so far: the days before
    today, and today's 9:00–12:00 (open 9:00–21:00, Monday to Saturday)."""
    fy = FiscalYear(2026)
    so_far = kpis.open_hours(fy)[room.pk]
    before_today = open_hours_by_room(fy.first_day, TODAY - dt.timedelta(days=1))[room.pk]
    assert so_far == before_today + 3
    assert (
        kpis.open_hours(FiscalYear(2025))[room.pk]
        == (open_hours_by_room(FiscalYear(2025).first_day, FiscalYear(2025).last_day)[room.pk])
    )
    assert kpis.open_hours(FiscalYear(2027)) == {}  # a year still to come has none yet
