"""Every booking shows on the week and day grids, whatever slot sizes and blocks the rooms use
(a fine mix once made the grid coarser than the bookings, and bookings vanished from it)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from facilities.models import Booking, Room, TimeBlock
from facilities.schedule import BOOKED
from facilities.services import booking_create
from tests.facilities.factories import RoomFactory, at, open_day

pytestmark = pytest.mark.django_db


def book(member, room, group, day, start, end):
    return booking_create(
        actor=member,
        room=room,
        group=group,
        start=at(day, start),
        end=at(day, end),
        purpose="定例会",
        attendees=4,
    )


def booked_cells(page: str) -> list[str]:
    return re.findall(r'<td class="slot--booked[^"]*"[^>]*>(.*?)</td>', page)


def minutes(value: dt.datetime) -> int:
    local = timezone.localtime(value)
    return local.hour * 60 + local.minute


def assert_every_booking_placed(grid, bookings):
    """Each column fills every row exactly once, and each booking has one cell from its start
    row down to its end."""
    rows = grid.rows
    for n, column in enumerate(grid.columns):
        covered = 0
        for row in rows:
            cell = row.cells[n]
            covered += cell.rowspan if cell is not None else 0
        assert covered == len(rows), column.key
    placed = {}
    for top, row in enumerate(rows):
        for cell in row.cells:
            if cell is not None and cell.state == BOOKED:
                after = top + cell.rowspan
                until = rows[after].minute if after < len(rows) else cell.end
                placed[cell.booking.pk] = (row.minute, until)
    for booking in bookings:
        assert placed.get(booking.pk) == (minutes(booking.start), minutes(booking.end)), booking


def test_a_quarter_hour_booking_shows_beside_a_twenty_minute_room(client, member, group):
    quarters = RoomFactory(slug="quarters", slot_minutes=15, min_minutes=60)
    RoomFactory(slug="twenties", slot_minutes=20, min_minutes=40)
    day = open_day()
    booking = book(member, quarters, group, day, "10:15", "11:15")
    response = client.get(reverse("facilities:day", kwargs={"day": day.isoformat()}))
    assert any("10:15–11:15" in cell for cell in booked_cells(response.content.decode()))
    assert_every_booking_placed(response.context["grid"], [booking])


def test_a_five_minute_room_shows_its_bookings_in_the_week(client, member, group):
    fine = RoomFactory(slug="fine", slot_minutes=5, min_minutes=30)
    day = open_day()
    bookings = [
        book(member, fine, group, day, "10:05", "10:35"),
        book(member, fine, group, day, "13:40", "14:25"),
    ]
    url = reverse("facilities:room", kwargs={"slug": fine.slug}) + f"?week={day.isoformat()}"
    response = client.get(url)
    cells = booked_cells(response.content.decode())
    assert any("10:05–10:35" in cell for cell in cells)
    assert any("13:40–14:25" in cell for cell in cells)
    assert_every_booking_placed(response.context["grid"], bookings)


def test_a_block_off_the_five_minute_grid_still_shows_its_booking(client, member, group):
    """Blocks may start at any minute; their bookings must not be lost between rows."""
    hall = RoomFactory(slug="hall", mode=Room.Mode.BLOCKS, capacity=40)
    TimeBlock.objects.create(room=hall, label="午前", starts=dt.time(9), ends=dt.time(12))
    TimeBlock.objects.create(room=hall, label="午後", starts=dt.time(13, 1), ends=dt.time(17))
    RoomFactory(slug="fine", slot_minutes=5, min_minutes=30)
    day = open_day()
    booking = book(member, hall, group, day, "13:01", "17:00")
    response = client.get(reverse("facilities:day", kwargs={"day": day.isoformat()}))
    assert any("13:01–17:00" in cell for cell in booked_cells(response.content.decode()))
    assert_every_booking_placed(response.context["grid"], [booking])


def test_the_office_event_in_a_mixed_day_is_shown_too(client, staff, member, group):
    quarters = RoomFactory(slug="quarters", slot_minutes=15, min_minutes=15)
    fine = RoomFactory(slug="fine", slot_minutes=5, min_minutes=30)
    day = open_day()
    bookings = [
        book(member, quarters, group, day, "09:45", "10:30"),
        booking_create(
            actor=staff,
            room=fine,
            start=at(day, "15:55"),
            end=at(day, "17:10"),
            purpose="交流会",
            attendees=10,
            kind=Booking.Kind.EVENT,
        ),
    ]
    response = client.get(reverse("facilities:day", kwargs={"day": day.isoformat()}))
    assert_every_booking_placed(response.context["grid"], bookings)
