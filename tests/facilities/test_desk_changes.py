"""The desk (受付) and a booking change awaiting approval (予約の変更, issue #16): the request is
labelled 「変更申請」 with the booking's time now → the time asked for (and the rooms when they
differ), in the requests waiting and in the day's list; the booking it would replace says
「変更申請中」 → the time asked for. A plain request or a decided change has no such label."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.fiscal import TOKYO
from facilities.services import booking_approve, booking_change, booking_create
from tests.facilities.factories import RoomFactory, at, make_booking, open_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ja")]


def _row(html: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return match.group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _desk(client, day: dt.date) -> str:
    response = client.get(reverse("facilities:desk") + f"?date={day.isoformat()}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def change(member, group, room):
    """A confirmed 10:00–12:00 booking whose change to 11:00–14:00 waits for staff (the room
    needs approval since it was booked)."""
    day = open_day(after=3)
    booking = booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=6,
    )  # fmt: skip
    room.requires_approval = True
    room.save()
    return booking_change(
        actor=member, booking=booking, start=at(day, "11:00"), end=at(day, "14:00")
    )


def test_a_waiting_change_says_change_request_with_old_and_new_time(client_for, change):
    day = change.start.astimezone(TOKYO).date()
    html = _desk(client_for("staff"), day)
    waiting = _row(html, f"request-{change.pk}")
    assert "変更申請" in waiting
    text = _text(waiting)
    day_text = rf"{day.month}月{day.day}日\(.\)"
    assert re.search(
        rf"変更申請 変更前： {day_text} 10:00–12:00 → 変更後： {day_text} 11:00–14:00 "
        rf"{change.room.name} ",  # the same room: not named in the times, but in its column
        text,
    ), text
    # In the day's list: the request says the same, the booking it replaces says it waits.
    assert "変更申請" in _text(_row(html, f"booking-{change.pk}"))
    original = _text(_row(html, f"booking-{change.replaces_id}"))
    assert "変更申請中" in original and "11:00–14:00" in original


def test_a_change_to_another_room_and_day_names_both(client_for, member, group, room):
    day = open_day(after=3)
    later = open_day(after=6)
    other = RoomFactory(name="和室", slug="washitsu", capacity=20, requires_approval=True)
    booking = booking_create(
        actor=member, room=room, group=group, start=at(day, "10:00"), end=at(day, "12:00"),
        purpose="定例会", attendees=6,
    )  # fmt: skip
    change = booking_change(
        actor=member, booking=booking, room=other, start=at(later, "13:00"), end=at(later, "15:00")
    )
    html = _desk(client_for("staff"), later)
    text = _text(_row(html, f"request-{change.pk}"))
    old = f"{day.month}月{day.day}日"
    new = f"{later.month}月{later.day}日"
    assert re.search(
        rf"変更申請 変更前： {old}\(.\) 10:00–12:00 {room.name} → 変更後： {new}\(.\) "
        rf"13:00–15:00 和室",
        text,
    ), text
    # On the original's day, the original says where the change would take it.
    original = _text(_row(_desk(client_for("staff"), day), f"booking-{booking.pk}"))
    assert "変更申請中" in original and "13:00–15:00 和室" in original


def test_a_plain_request_and_a_decided_change_are_not_labelled(
    client_for, staff, change, other_group, other_room
):
    day = change.start.astimezone(TOKYO).date()
    plain = make_booking(
        other_room, at(day, "15:00"), at(day, "17:00"), group=other_group, status="requested"
    )
    html = _desk(client_for("staff"), day)
    assert "変更申請" not in _row(html, f"request-{plain.pk}")
    booking_approve(actor=staff, booking=change)
    html = _desk(client_for("staff"), day)
    assert "変更申請" not in _text(_row(html, f"booking-{change.pk}"))
    assert f'id="request-{change.pk}"' not in html


def test_the_desk_asks_a_fixed_number_of_queries_whatever_the_changes(
    client_for, member, group, room, change
):
    day = change.start.astimezone(TOKYO).date()
    client = client_for("staff")
    _desk(client, day)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _desk(client, day)
        return len(ctx.captured_queries)

    few = count()
    room.requires_approval = False
    room.save()
    for n in range(4):
        other = RoomFactory(capacity=10)
        booking = booking_create(
            actor=member, room=other, group=group, start=at(day, "9:00"), end=at(day, "10:00"),
            purpose=f"会議{n}", attendees=3,
        )  # fmt: skip
        other.requires_approval = True
        other.save()
        booking_change(actor=member, booking=booking, start=at(day, "17:00"), end=at(day, "18:00"))
    assert count() == few
