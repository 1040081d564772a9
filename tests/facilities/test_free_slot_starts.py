"""A free slot is offered as a start only when the room's shortest booking fits from there: it
ends by closing time, meets no booking and keeps the tidy-up time (QA: a 60-minute room offered
12:30 before a 13:00 booking, 15:00 in a half-hour gap and 20:30 before closing at 21:00)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from facilities import schedule
from facilities.selectors import room_today, viewer_for, week_grid
from facilities.services import booking_check
from tests.facilities.factories import at, make_booking

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
MONDAY = dt.date(2026, 12, 7)
WEDNESDAY = dt.date(2026, 12, 9)


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(dt.datetime(2026, 12, 7, 8, 0, tzinfo=JST), tick=False):
        yield


@pytest.fixture
def hour_room(room):
    """Half-hour slots, bookings of one to four hours, open 9:00–21:00."""
    room.min_minutes = 60
    room.save()
    return room


def booked_wednesday(room, day=WEDNESDAY):
    for start, end in [("13:00", "15:00"), ("15:30", "17:00"), ("18:30", "20:30")]:
        make_booking(room, at(day, start), at(day, end))


def wednesday_items(room, viewer):
    grid = week_grid(room, MONDAY, viewer)
    return next(c for c in grid.columns if c.day == WEDNESDAY).items


def starts(items, state=schedule.FREE):
    return [schedule._hm(i.start) for i in items if i.state == state]


def test_only_starts_from_which_the_shortest_booking_fits_are_offered(hour_room, member):
    booked_wednesday(hour_room)
    items = wednesday_items(hour_room, viewer_for(member))
    offered = starts(items)
    assert "12:00" in offered and "17:30" in offered
    for never in ("12:30", "15:00", "18:00", "20:30"):
        assert never not in offered
    assert starts(items, schedule.SHORT) == ["12:30", "15:00", "18:00", "20:30"]
    # Every start offered is one the booking form accepts, for the length it is offered with.
    for item in items:
        if item.state == schedule.FREE:
            end = re.search(r"end=([\d-]+)T(\d+)%3A(\d+)", item.url).groups()
            until = at(WEDNESDAY, f"{end[1]}:{end[2]}")
            check = booking_check(
                actor=member,
                room=hour_room,
                group=member.memberships.first().group,
                start=item.slot_start,
                end=until,
                attendees=3,
            )
            assert not check.errors, (item.time_text, [str(e) for e in check.errors])


def test_the_tidy_up_time_counts_as_for_the_other_slots(hour_room, member):
    hour_room.buffer_minutes = 30
    hour_room.save()
    make_booking(hour_room, at(WEDNESDAY, "13:00"), at(WEDNESDAY, "15:00"))
    items = wednesday_items(hour_room, viewer_for(member))
    offered = starts(items)
    # 11:30–12:30 leaves the half hour before 13:00; 12:00–13:00 would not.
    assert "11:30" in offered and "12:00" not in offered
    assert "15:30" in offered  # the half hour after the booking is kept
    # Tidy-up time is the half hour after the booking; the half hour before it is free but
    # no booking fits (its own tidy-up would reach 13:00): not called tidy-up time (QA, #5).
    assert starts(items, schedule.BUFFER) == ["15:00"]
    assert starts(items, schedule.GAP) == ["12:30"]


def test_a_room_whose_shortest_booking_is_one_slot_offers_every_free_slot(room, member):
    booked_wednesday(room)
    items = wednesday_items(room, viewer_for(member))
    assert "15:00" in starts(items) and "20:30" in starts(items)
    assert not starts(items, schedule.SHORT)


def test_the_phone_list_shows_no_button_that_cannot_be_booked(client, hour_room):
    booked_wednesday(hour_room)
    url = reverse("facilities:room", kwargs={"slug": hour_room.slug}) + f"?day={WEDNESDAY}"
    html = client.get(url).content.decode()
    day_list = re.search(r'<section class="room-day".*?</section>', html, re.S).group(0)
    assert "start=2026-12-09T12%3A00" in day_list
    for never in ("12%3A30", "15%3A00", "18%3A00", "20%3A30"):
        assert f"start=2026-12-09T{never}" not in day_list
    text = re.sub(r"<[^>]+>", " ", day_list)
    assert "13:00まで空いています" in text  # the run before the 13:00 booking
    assert "15:00–15:30" in text and "空き（短いため予約不可）" in text
    # The week table says the same: 12:30 is free but not a start.
    table = re.search(r'<table class="grid-table">.*?</table>', html, re.S).group(0)
    assert "start=2026-12-09T12%3A30" not in table
    assert "空き（この時刻からは開始不可）" in table


def test_the_day_view_offers_the_same_starts(client, hour_room):
    booked_wednesday(hour_room)
    html = client.get(reverse("facilities:day", kwargs={"day": WEDNESDAY})).content.decode()
    assert "start=2026-12-09T12%3A00" in html
    assert "start=2026-12-09T12%3A30" not in html and "start=2026-12-09T15%3A00" not in html


def test_todays_free_count_counts_bookable_starts(hour_room):
    booked_wednesday(hour_room, day=MONDAY)
    today = room_today(hour_room, now=dt.datetime(2026, 12, 7, 8, 0, tzinfo=JST))
    # 9:00–12:00 (7 starts), 17:00 and 17:30; not 12:30, 15:00, 18:00 or 20:30.
    assert today.free_slots == 9
    # Said as the time a booking can use: 9:00–13:00 and 17:00–18:30, not the two short gaps.
    assert today.status == "本日の空き5時間30分"


def test_a_room_booked_by_periods_counts_free_periods(room):
    from facilities.models import TimeBlock

    room.mode = room.Mode.BLOCKS
    room.save()
    for label, starts, ends in [("午前", "9:00", "12:00"), ("午後", "13:00", "17:00")]:
        TimeBlock.objects.create(
            room=room,
            label=label,
            starts=dt.time.fromisoformat(starts.zfill(5)),
            ends=dt.time.fromisoformat(ends),
        )
    today = room_today(room, now=dt.datetime(2026, 12, 7, 8, 0, tzinfo=JST))
    assert today.status == "本日の空き2区分"
